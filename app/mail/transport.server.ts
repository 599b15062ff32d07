import nodemailer, { type Transporter } from "nodemailer";
import { type Env } from "~/env.server";

export type MailTransport = Transporter | null;

/** Parses MAIL_FROM ("Name <address>" or "address") into an address object (nodemailer gets objects only). */
export function parseMailFrom(from: string): { name: string; address: string } {
  const match = from.match(/^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/);
  if (match) return { name: match[1].replace(/^"|"$/g, ""), address: match[2] };
  return { name: "", address: from.trim() };
}

/**
 * The pooled SMTP transport for SMTP_URL, or null for the local mailbox. nodemailer may read neither files
 * nor URLs for content (disableFileAccess/disableUrlAccess): every message is built from our own strings.
 */
export function createMailTransport(env: Env): MailTransport {
  if (!env.SMTP_URL) return null;
  const url = new URL(env.SMTP_URL);
  const timeout = env.MAIL_SMTP_TIMEOUT_SECONDS * 1000;
  return nodemailer.createTransport({
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
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

export type SendOutcome =
  | { kind: "sent"; reply: string }
  | { kind: "transient"; reply: string }
  | { kind: "permanent"; reply: string }
  | { kind: "configuration"; reply: string };

const CONFIGURATION_CODES = new Set(["EAUTH", "ENOAUTH", "ECONFIG", "EOAUTH2"]);
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
