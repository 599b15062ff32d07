import crypto from "node:crypto";
import { Worker } from "node:worker_threads";

import nodemailer, { type Transporter } from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";

import type { Env } from "~/env.server";
import { projectFile } from "~/lib/project-files.server";
import { logger } from "~/logger.server";
import type { DkimSettings } from "~/mail/dkim.server";

/** What the mail worker sends through: nodemailer's transporter, the SMTP thread, or null (the local mailbox). */
export type MailTransport = Pick<Transporter, "sendMail" | "close"> | null;

/** Parses MAIL_FROM ("Name <address>" or "address") into an address object (nodemailer gets objects only). */
export function parseMailFrom(from: string): { name: string; address: string } {
  const match = from.match(/^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/);
  if (match) return { name: match[1].replace(/^"|"$/g, ""), address: match[2] };
  return { name: "", address: from.trim() };
}

/**
 * The pooled SMTP transport for SMTP_URL, or null for the local mailbox. nodemailer may read neither files
 * nor URLs for content (disableFileAccess/disableUrlAccess): every message is built from our own strings.
 * With `thread` (the mail worker's default) the transport lives in a worker thread of its own (smtp-thread.mjs):
 * building and writing the messages of a wave then takes nothing from the requests' thread.
 */
export function createMailTransport(env: Env, dkim: DkimSettings | null = null, { thread = false }: { thread?: boolean } = {}): MailTransport {
  const options = mailTransportOptions(env, dkim);
  if (!options) return null;
  return thread ? new ThreadedTransport(options) : nodemailer.createTransport(options);
}

function mailTransportOptions(env: Env, dkim: DkimSettings | null): SMTPPool.Options | null {
  if (!env.SMTP_URL) return null;
  const url = new URL(env.SMTP_URL);
  const timeout = env.MAIL_SMTP_TIMEOUT_SECONDS * 1000;
  return {
    pool: true,
    // one connection per message in flight (MAIL_MAX_IN_FLIGHT): more could not be used
    maxConnections: env.MAIL_MAX_IN_FLIGHT,
    // reconnecting every 100 messages (the default) halves throughput (PERF-LIMITS 1g)
    maxMessages: 10_000,
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
    secure: url.protocol === "smtps:",
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // Loopback test servers speak plain SMTP; real relays get STARTTLS when they offer it.
    ignoreTLS: ["127.0.0.1", "localhost", "::1"].includes(url.hostname) && url.searchParams.get("tls") !== "1",
    // RELIABILITY E5: 10 s to connect and to be greeted, MAIL_SMTP_TIMEOUT_SECONDS (30 s) of silence mid-session
    connectionTimeout: Math.min(timeout, 10_000),
    greetingTimeout: Math.min(timeout, 10_000),
    socketTimeout: timeout,
    dkim: dkim ? { domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey: dkim.privateKey } : undefined,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

type Pending = { resolve: (info: SMTPPool.SentMessageInfo) => void; reject: (error: Error) => void };

/**
 * nodemailer's pooled transport in a worker thread: sendMail posts the message there and resolves with the
 * relay's answer, or rejects with its error (the same fields: code, command, responseCode, response,
 * rejectedErrors). A thread that dies fails what it had in flight as a connection error (transient: tried again,
 * with the same Message-ID) and is started again by the next message.
 */
export class ThreadedTransport {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly options: SMTPPool.Options) {}

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(projectFile("app", "mail", "smtp-thread.mjs"), { workerData: { options: this.options } });
    worker.on("message", ({ id, info, error }: { id: number; info?: SMTPPool.SentMessageInfo; error?: Record<string, unknown> }) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (!waiting) return;
      if (error) waiting.reject(Object.assign(new Error(String(error.message)), error));
      else waiting.resolve(info!);
    });
    const failAll = (reason: string) => {
      if (this.worker === worker) this.worker = null;
      for (const [id, waiting] of this.pending) {
        this.pending.delete(id);
        waiting.reject(Object.assign(new Error(`SMTP thread ended: ${reason}`), { code: "ECONNECTION" }));
      }
    };
    worker.on("error", (error) => {
      logger.error({ err: String(error) }, "SMTP thread failed");
      failAll(String(error));
    });
    worker.on("exit", (code) => failAll(`exit code ${code}`));
    // an idle thread does not keep the process alive
    worker.unref();
    this.worker = worker;
    return worker;
  }

  sendMail(mail: Mail.Options): Promise<SMTPPool.SentMessageInfo> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<SMTPPool.SentMessageInfo>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, mail });
    }).finally(() => {
      if (!this.pending.size) this.worker?.unref();
    });
  }

  close() {
    this.worker?.postMessage({ close: true });
    this.worker = null;
  }

  /** Ends the thread at once, as a crash in it would: what it held fails, the next message starts a new one. */
  async terminateThread(): Promise<void> {
    await this.worker?.terminate();
  }
}

/**
 * A short hash of the settings a configuration pause was taken under: when a restart brings other settings
 * (a corrected SMTP_URL, a new key), the pause ends by itself (issue 16 §2). Never stored in clear.
 */
export function mailSettingsFingerprint(env: Env): string {
  const material = [env.SMTP_URL ?? "", env.MAIL_FROM, env.MAIL_DKIM, env.MAIL_DKIM_SELECTOR, env.MAIL_DKIM_DOMAIN ?? "", env.MAIL_DKIM_PRIVATE_KEY ?? ""].join(
    "\n",
  );
  return crypto.createHash("sha256").update(`plenary/mail-settings/v1\n${material}`).digest("hex").slice(0, 32);
}

/** A relay asking us to slow down: 421/452 or any 4xx that speaks of rate, limits or too many (E5). */
export function isRateLimitReply(reply: string, responseCode?: number) {
  if (responseCode !== undefined && (responseCode < 400 || responseCode >= 500)) return false;
  return /\b(rate|limit(ed|s)?|too many|throttl\w*|slow down)\b/i.test(reply);
}

/** One recipient refused at RCPT TO, from nodemailer's rejectedErrors. */
export type RecipientRefusal = { address: string; code: number | null; reply: string };

export function recipientRefusals(errors: unknown): RecipientRefusal[] {
  if (!Array.isArray(errors)) return [];
  return errors
    .map((error) => error as { recipient?: string; responseCode?: number; response?: string; message?: string })
    .filter((error) => typeof error.recipient === "string")
    .map((error) => ({ address: error.recipient!, code: error.responseCode ?? null, reply: (error.response ?? error.message ?? "").slice(0, 1000) }));
}

export type SendOutcome =
  { kind: "sent"; reply: string } | { kind: "transient"; reply: string } | { kind: "permanent"; reply: string } | { kind: "configuration"; reply: string };

const CONFIGURATION_CODES = new Set(["EAUTH", "ENOAUTH", "ECONFIG", "EOAUTH2", "ETLS"]);
const AUTH_REPLY_CODES = new Set([530, 534, 535, 538]);

/**
 * RFC 5321 classes: 4xx = try again later, 5xx = permanent; authentication and configuration problems
 * pause the queue instead (retrying each message would only burn attempts). Connection errors are transient.
 */
export function classifySendError(error: unknown): SendOutcome {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const reply = (e.response ?? e.message ?? String(error)).slice(0, 1000);
  if ((e.code && CONFIGURATION_CODES.has(e.code)) || (e.responseCode && AUTH_REPLY_CODES.has(e.responseCode))) {
    return { kind: "configuration", reply };
  }
  if (e.responseCode && e.responseCode >= 500) return { kind: "permanent", reply };
  return { kind: "transient", reply };
}
