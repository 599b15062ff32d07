import crypto from "node:crypto";

import type { DB } from "~/db.server";
import { getPglite } from "~/db.server";
import type { Env } from "~/env.server";
import { forEachWithLimit } from "~/lib/concurrency";
import { isDatabaseUnavailable } from "~/lib/db-errors";
import { initialRecipients, PENDING, settledStatus, UNDELIVERED } from "~/lib/mail-recipients";
import { unseal } from "~/lib/sealed.server";
import { LINK_PLACEHOLDER } from "~/lib/tokens.server";
import { verpAddress } from "~/lib/verp.server";
import { logger } from "~/logger.server";
import { dkimSettings } from "~/mail/dkim.server";
import { linkKeys, runReminderSchedules } from "~/mail/invitations.server";
import {
  classifySendError,
  createMailTransport,
  isRateLimitReply,
  mailSettingsFingerprint,
  type MailTransport,
  parseMailFrom,
  recipientRefusals,
} from "~/mail/transport.server";
import { dropSettledDocuments, getMessageDocuments } from "~/models/attachment.server";
import {
  beatHeart,
  claimDueMessages,
  type ClaimedMessage,
  countSentSince,
  finishMessage,
  getQueueState,
  pauseQueue,
  reserveSendSlot,
  resumeQueue,
} from "~/models/email-message.server";
import { liveLinkToken } from "~/models/invitation.server";
import { normaliseAddress, suppressAddresses, suppressedAmong, type Suppression } from "~/models/mail-suppression.server";
import { getMailSender } from "~/models/secretariat.server";
import { flushSignInThrottle } from "~/models/sign-in-throttle.server";
import { isLetterPdfSpec, renderLetterPdf } from "~/services/letter-documents.server";
import { runPersonalDataRetention, runRetentionPurge } from "~/services/retention.server";
import { runScheduledBackup } from "~/services/scheduled-backup.server";
import type { RecipientOutcome } from "../../db/schema";

export type WorkerOptions = {
  db: DB;
  env: Env;
  transport?: MailTransport;
  /** how often an idle worker looks for due messages */
  pollMs?: number;
  leaseSeconds?: number;
  batchSize?: number;
  random?: () => number;
  /** false: no background loop, the caller drives it with runOnce() (tests, benchmarks) */
  loop?: boolean;
  /** the time retries, the retry window and pauses are measured in (tests inject one; default: the real clock) */
  clock?: () => Date;
  /**
   * Whether the process is busy answering people (a mail scanner storm on the reply links, a wave of answers):
   * mail then goes out in small batches, BUSY_PAUSE_MS apart, and the requests get the processor. Nothing waits
   * longer than that pause per batch; the web process passes its in-flight request count.
   */
  busy?: () => boolean;
};

/** While busy(): at most this many messages a pass, and this long between passes (about 300 messages a minute). */
export const BUSY_BATCH = 5;
export const BUSY_PAUSE_MS = 1000;

/** Exponential backoff with ±20% jitter: base, 2×base, 4×base … capped (RELIABILITY E4: 1 h). */
export function retryDelaySeconds(attempt: number, baseSeconds: number, random = Math.random, capSeconds = 3600) {
  const delay = Math.min(baseSeconds * 2 ** Math.max(0, attempt - 1), capSeconds);
  return delay * (0.8 + 0.4 * random());
}

/**
 * MAIL_RATE_PER_MINUTE for the whole installation (0 = no limit): each message reserves the next free slot in
 * the database, shared by every process that sends, and waits for it. Two workers together send at the rate,
 * not at twice it (issue 15).
 */
function rateLimiter(db: DB, perMinute: number) {
  if (!perMinute) return async () => undefined;
  const intervalMs = 60_000 / perMinute;
  return async () => {
    const { waitMs } = await reserveSendSlot(db, { intervalMs });
    if (waitMs) await new Promise((resolve) => setTimeout(resolve, waitMs));
  };
}

/** The .ics and the inline images (shown in the HTML as cid:…, e.g. an e-badge's QR code) of a message. */
export function attachmentsOf(message: Pick<ClaimedMessage, "ics" | "icsName" | "inlineImages">) {
  const attachments = [
    ...(message.ics ? [{ filename: message.icsName ?? "event.ics", content: message.ics, contentType: "text/calendar; charset=utf-8; method=PUBLISH" }] : []),
    ...(message.inlineImages ?? []).map((image) => ({
      filename: image.filename,
      content: Buffer.from(image.content, "base64"),
      contentType: image.contentType,
      cid: image.cid,
      contentDisposition: "inline" as const,
    })),
  ];
  return attachments.length ? attachments : undefined;
}

export type MailWorker = { stop: () => Promise<void>; runOnce: () => Promise<number> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Longest pause between passes while the database is unreachable (the first is pollMs, then doubling). */
const MAX_OUTAGE_BACKOFF_MS = 15_000;
/** RELIABILITY E5: this many transient failures in a row (without a success between them) pause the whole queue. */
const CONSECUTIVE_TRANSIENT_PAUSE = 3;
/**
 * A PDF letter that does not render once will hardly render later (its stored text or the letterhead is at
 * fault): the message is tried this many times through the queue's retries, then failed with the reason.
 */
export const LETTER_RENDER_ATTEMPTS = 3;

/**
 * Sends the outbox: leases due rows, sends each through the pooled SMTP transport (or stores it in the local
 * mailbox when SMTP_URL is unset), records the outcome per recipient.
 *
 * Crash semantics: a message is marked sent only after the server's 250. At most MAIL_MAX_IN_FLIGHT messages
 * are between "handed to the server" and "recorded as sent" at any moment, so a crash (or a database that
 * vanishes before the record can be written) re-sends at most that many, once, with the same Message-ID,
 * when their lease runs out. While the database is unreachable the worker backs off and sends nothing new.
 *
 * Delivery (issue 16): each recipient has its own outcome; a transient refusal retries only that recipient;
 * a permanent one puts the address on the suppression list, and suppressed addresses are skipped. Transient
 * failures retry with capped backoff for MAIL_RETRY_WINDOW_HOURS from the first attempt. A rate-limit reply
 * (or three transient failures in a row) pauses the whole queue for MAIL_RATE_PAUSE_SECONDS; a configuration
 * error (535, TLS) pauses it until the settings change or the Settings test message gets through.
 */
export function startMailWorker(options: WorkerOptions): MailWorker {
  const { db, env } = options;
  const dkim = options.transport === undefined && env.SMTP_URL ? dkimSettings(env) : null;
  // its own thread: a wave's MIME building and socket writes stay off the requests' thread (issue 15)
  const transport = options.transport === undefined ? createMailTransport(env, dkim, { thread: true }) : options.transport;
  const workerId = `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  const pollMs = options.pollMs ?? 1000;
  // A lease outlives the slowest send (three SMTP timeouts); after it a dead worker's message comes back.
  const leaseSeconds = options.leaseSeconds ?? env.MAIL_LEASE_SECONDS ?? Math.max(60, env.MAIL_SMTP_TIMEOUT_SECONDS * 3);
  const batchSize = options.batchSize ?? 20;
  const busy = options.busy ?? (() => false);
  const random = options.random ?? Math.random;
  const clock = options.clock ?? (() => new Date());
  /** what the database is told "now" is: its own clock, unless a test injected one */
  const dbNow = () => (options.clock ? options.clock() : undefined);
  const from = parseMailFrom(env.MAIL_FROM);
  const throttle = rateLimiter(db, env.MAIL_RATE_PER_MINUTE);
  const fingerprint = mailSettingsFingerprint(env);
  const links = linkKeys(env);
  const windowMs = env.MAIL_RETRY_WINDOW_HOURS * 3600_000;
  let stopping = false;
  let wake: (() => void) | undefined;
  let lastBeat = 0;
  let lastPurge = 0;
  let lastBackupCheck = 0;
  /** transient failures in a row, across messages (reset by any success) */
  let consecutiveTransient = 0;
  /** set when this pass paused the queue for rate: the rest of the batch goes back untouched */
  let ratePausedUntil: Date | null = null;

  type Sender = { from: { name: string; address: string }; replyTo?: string };

  /**
   * Records an outcome. While the database is briefly unreachable (a terminated connection, a failover) it
   * tries again until the lease runs out; after that a sent message is sent again once, with the same
   * Message-ID, which is the documented duplicate bound.
   */
  async function record(message: ClaimedMessage, outcome: Omit<Parameters<typeof finishMessage>[1], "id" | "workerId">, leaseEnds: number) {
    for (let attempt = 0; ; attempt++) {
      try {
        if (!(await finishMessage(db, { id: message.id, workerId, now: dbNow(), ...outcome }))) {
          logger.warn({ id: message.id }, "mail outcome recorded after its lease ran out; another worker may send it again");
        }
        return;
      } catch (error) {
        const delay = Math.min(100 * 2 ** attempt, 2_000);
        if (!isDatabaseUnavailable(error) || Date.now() + delay >= leaseEnds) {
          logger.warn(
            { id: message.id, err: (error as Error).message },
            "mail outcome not recorded: it will be tried again (same Message-ID) when its lease runs out",
          );
          return;
        }
        await sleep(delay);
      }
    }
  }

  /** Gives a message back untouched (no attempt used), due again at `at`. */
  const giveBack = (message: ClaimedMessage, at: Date | undefined, leaseEnds: number) =>
    record(message, { status: message.attempts > 1 ? "deferred" : "queued", refundAttempt: true, nextAttemptAt: at }, leaseEnds);

  async function pauseForRate(reply: string) {
    const until = new Date(clock().getTime() + env.MAIL_RATE_PAUSE_SECONDS * 1000);
    ratePausedUntil = until;
    await pauseQueue(db, { reason: reply, kind: "rate", resumeAt: until, now: dbNow() });
    logger.warn({ reply, until }, "mail queue paused: the relay asks us to slow down");
  }

  /** When the retry window (or the invitation's deadline, give_up_at) ends for this message. */
  function retryEnds(message: ClaimedMessage) {
    const windowEnd = message.firstAttemptAt.getTime() + windowMs;
    return Math.min(windowEnd, message.giveUpAt ? message.giveUpAt.getTime() : Infinity);
  }

  /** Next attempt for a transient failure, or null when the retry window is over (or MAIL_MAX_ATTEMPTS used). */
  function nextAttempt(message: ClaimedMessage): Date | null {
    const now = clock().getTime();
    const ends = retryEnds(message);
    if (now >= ends || (env.MAIL_MAX_ATTEMPTS && message.attempts >= env.MAIL_MAX_ATTEMPTS)) return null;
    const next = now + retryDelaySeconds(message.attempts, env.MAIL_RETRY_BASE_SECONDS, random, env.MAIL_RETRY_MAX_DELAY_SECONDS) * 1000;
    // one last try at the end of the window rather than none after it
    return new Date(Math.min(next, ends));
  }

  /** Writes the outcome of an attempt: deferred while a recipient may still get it, else the settled status. */
  async function conclude(message: ClaimedMessage, recipients: RecipientOutcome[], reply: string | null, leaseEnds: number) {
    const now = clock();
    const stamp = now.toISOString();
    let list = recipients;
    if (list.some((r) => r.state === "deferred")) {
      const next = nextAttempt(message);
      if (next) {
        await record(
          message,
          { status: "deferred", reply, nextAttemptAt: next, recipients: list, toUndelivered: list.some((r) => r.field === "to" && UNDELIVERED.has(r.state)) },
          leaseEnds,
        );
        return;
      }
      list = list.map((r) => (r.state === "deferred" ? { ...r, state: "failed", at: stamp } : r));
    }
    const { status, toUndelivered } = settledStatus(list);
    await record(message, { status, reply, recipients: list, toUndelivered }, leaseEnds);
    if (status !== "sent") logger.warn({ id: message.id, status, reply }, "mail not delivered");
  }

  async function withLiveLink(message: ClaimedMessage): Promise<{ html: string; text: string; token?: string | null }> {
    if (!message.html.includes(LINK_PLACEHOLDER) && !message.text.includes(LINK_PLACEHOLDER)) return message;
    let token: string | null = null;
    if (message.linkSealed) {
      try {
        token = unseal(env.DATA_ENCRYPTION_KEY, message.linkSealed);
      } catch {
        token = null;
      }
    } else if (message.invitationId) {
      // the live link as the claim read it (a link revoked since then is the same race as one revoked mid-send)
      token = await liveLinkToken(db, { invitationId: message.invitationId, keys: links, live: message.liveToken });
    }
    if (!token) {
      logger.warn({ id: message.id }, "the link of this message can no longer be handed out (revoked, or another DATA_ENCRYPTION_KEY): sent masked");
      return message;
    }
    return { html: message.html.replaceAll(LINK_PLACEHOLDER, token), text: message.text.replaceAll(LINK_PLACEHOLDER, token), token };
  }

  /**
   * The files a message carries besides its .ics (issue 18 §8): the PDF letter, rendered now from the text stored
   * when it was queued (with the live link), and the event's files it was queued with, read from the one stored copy.
   */
  async function documentsOf(message: ClaimedMessage, token: string | null | undefined) {
    if (!message.hasDocuments) return [];
    const documents = await getMessageDocuments(db, { messageId: message.id });
    if (!documents) return [];
    const files: { filename: string; content: Buffer; contentType: string }[] = [];
    if (isLetterPdfSpec(documents.letter)) {
      files.push({
        filename: documents.letter.fileName,
        content: await renderLetterPdf(db, documents.letter, { token: token ?? null }),
        contentType: "application/pdf",
      });
    }
    for (const file of documents.attachments) files.push({ filename: file.filename, content: file.content, contentType: file.contentType });
    return files;
  }

  /** The suppressed addresses among a batch's recipients still to serve: one query for the batch. */
  async function suppressedIn(batch: ClaimedMessage[]) {
    const pending = batch.flatMap((message) =>
      (message.recipients.length ? message.recipients : initialRecipients(message)).filter((r) => PENDING.has(r.state)),
    );
    return suppressedAmong(
      db,
      pending.map((r) => r.address),
    );
  }

  async function deliver(message: ClaimedMessage, sender: Sender, leaseEnds: number, suppressed: Map<string, Suppression>) {
    if (!transport) {
      await finishMessage(db, { id: message.id, workerId, status: "local", reply: null, now: dbNow() });
      return;
    }
    if (ratePausedUntil && !message.bypassPause) return giveBack(message, ratePausedUntil, leaseEnds);
    const stamp = () => clock().toISOString();
    // recipients still to try: all of them the first time, the deferred ones afterwards; suppressed ones are skipped
    let recipients = message.recipients.length ? message.recipients : initialRecipients(message);
    recipients = recipients.map((r) => {
      const entry = PENDING.has(r.state) ? suppressed.get(normaliseAddress(r.address)) : undefined;
      return entry ? { ...r, state: "suppressed", reply: entry.reply ?? entry.reason, at: entry.createdAt.toISOString() } : r;
    });
    const targets = recipients.filter((r) => PENDING.has(r.state));
    if (!targets.length) return conclude(message, recipients, message.recipients.length ? null : "suppressed", leaseEnds);

    await throttle();
    // Never start a send the lease may not cover: past half of it, give the message back untouched (no
    // attempt used) for the next pass, rather than risk another worker claiming it while it is being sent.
    if (Date.now() > leaseEnds - (leaseSeconds * 1000) / 2) return giveBack(message, undefined, leaseEnds);
    // Stored bodies hold links masked (issue 13 §3): the live link goes in here, and only into what leaves.
    const { html, text, token } = await withLiveLink(message);
    let documents: Awaited<ReturnType<typeof documentsOf>>;
    try {
      documents = await documentsOf(message, token);
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      // the message is tried again like any transient failure, but only a few times; then it fails with the reason
      const last = message.attempts >= LETTER_RENDER_ATTEMPTS;
      const reply = `PDF letter could not be rendered (attempt ${message.attempts} of ${LETTER_RENDER_ATTEMPTS}): ${(error as Error)?.message ?? String(error)}`;
      logger.error({ id: message.id, attempt: message.attempts, err: String(error) }, "the PDF letter of a message could not be rendered");
      const after = recipients.map((r) => (PENDING.has(r.state) ? { ...r, state: last ? "failed" : "deferred", reply, at: stamp() } : r)) as RecipientOutcome[];
      return conclude(message, after, reply, leaseEnds);
    }
    let info: { response?: string; accepted?: unknown[]; rejected?: unknown[]; rejectedErrors?: unknown[] };
    try {
      info = await transport.sendMail({
        from: sender.from,
        replyTo: sender.replyTo,
        to: message.to,
        cc: message.cc.length ? message.cc : undefined,
        // the envelope: a VERP return path naming this message, and only the recipients still to be served
        envelope: {
          from: env.MAIL_RETURN_PATH ? verpAddress(env.MAIL_RETURN_PATH, message.id, env.SESSION_SECRET) : sender.from.address,
          to: targets.map((r) => r.address),
        },
        subject: message.subject,
        html,
        text,
        messageId: message.messageId,
        // the event's files and the PDF letter, then the calendar file and inline images (an empty list: none)
        attachments: [...documents, ...(attachmentsOf(message) ?? [])],
      });
    } catch (error) {
      const e = error as { code?: string; command?: string; responseCode?: number; rejectedErrors?: unknown[] };
      const outcome = classifySendError(error);
      if (outcome.kind === "configuration") {
        if (message.bypassPause) {
          // the Settings test message: it fails with the reason, and the queue stays paused
          await record(message, { status: "failed", reply: outcome.reply }, leaseEnds);
          await pauseQueue(db, { reason: outcome.reply, kind: "configuration", fingerprint, now: dbNow() });
          return;
        }
        // Bad credentials or settings: pause everything, give the attempt back, keep the message queued.
        await pauseQueue(db, { reason: outcome.reply, kind: "configuration", fingerprint, now: dbNow() });
        await giveBack(message, undefined, leaseEnds);
        logger.error({ reply: outcome.reply }, "mail queue paused: SMTP authentication or configuration error");
        return;
      }
      // every recipient refused at RCPT TO: an answer per recipient, like a partial success
      const refusals = e.code === "EENVELOPE" && e.command === "RCPT TO" ? recipientRefusals(e.rejectedErrors) : [];
      if (refusals.length) {
        info = { accepted: [], rejectedErrors: e.rejectedErrors, response: outcome.reply };
      } else {
        if (outcome.kind === "transient" && isRateLimitReply(outcome.reply, e.responseCode)) {
          await pauseForRate(outcome.reply);
          return giveBack(message, ratePausedUntil ?? undefined, leaseEnds);
        }
        const state = outcome.kind === "permanent" ? "failed" : "deferred";
        const after = recipients.map((r) => (PENDING.has(r.state) ? { ...r, state, reply: outcome.reply, at: stamp() } : r)) as RecipientOutcome[];
        await conclude(message, after, outcome.reply, leaseEnds);
        if (outcome.kind === "transient" && ++consecutiveTransient >= CONSECUTIVE_TRANSIENT_PAUSE && !ratePausedUntil) {
          consecutiveTransient = 0;
          await pauseForRate(outcome.reply);
        }
        return;
      }
    }
    // The server answered: accepted recipients are done, refused ones are refused (5xx, suppressed from now on)
    // or deferred (4xx, tried again alone).
    const accepted = new Set((info.accepted ?? []).map((a) => normaliseAddress(String(a))));
    const refused = new Map(recipientRefusals(info.rejectedErrors).map((r) => [normaliseAddress(r.address), r]));
    if (accepted.size) consecutiveTransient = 0;
    const after = recipients.map((r): RecipientOutcome => {
      if (!PENDING.has(r.state)) return r;
      const key = normaliseAddress(r.address);
      const refusal = refused.get(key);
      if (refusal) return { ...r, state: refusal.code !== null && refusal.code < 500 ? "deferred" : "refused", reply: refusal.reply, at: stamp() };
      // nodemailer lists what the server took; an address it did not mention was part of a 250 for the whole message
      return { ...r, state: "accepted", reply: info.response ?? null, at: stamp() };
    });
    if (message.bypassPause && accepted.size) {
      // the Settings test message got through: whatever paused the queue for configuration is fixed
      const state = await getQueueState(db);
      if (state.pauseKind === "configuration") {
        await resumeQueue(db);
        logger.info("mail queue resumed: the test message from Settings was accepted");
      }
    }
    const hard = [...refused.values()].filter((r) => r.code === null || r.code >= 500);
    if (hard.length) {
      await suppressAddresses(
        db,
        hard.map((r) => ({ address: r.address, reason: "refused" as const, reply: r.reply, messageId: message.id, now: dbNow() })),
      );
      // the rest of the batch skips these addresses too
      for (const r of hard) {
        const address = normaliseAddress(r.address);
        suppressed.set(address, { address, reason: "refused", reply: r.reply, createdAt: clock(), messageId: message.id });
      }
    }
    await conclude(message, after, accepted.size ? (info.response ?? null) : (hard[0]?.reply ?? info.response ?? null), leaseEnds);
    if (documents.length) await dropSettledDocuments(db, { messageId: message.id }).catch(() => undefined);
  }

  /**
   * Whether the queue is paused, ending the pauses that end by themselves: a rate pause at its time, a
   * configuration pause when this process runs with other settings than the ones it was taken under.
   * Also applies the daily cap (MAIL_MAX_PER_DAY) as a rate pause until the oldest send of the day is 24 h old.
   */
  async function queuePaused(): Promise<"configuration" | "rate" | null> {
    const state = await getQueueState(db);
    const now = clock();
    if (state.pausedAt) {
      if (state.pauseKind === "rate" && (!state.resumeAt || state.resumeAt <= now)) {
        await resumeQueue(db);
        logger.info("mail queue resumed after a rate pause");
      } else if (state.pauseKind === "configuration" && transport && state.pauseFingerprint !== fingerprint) {
        await resumeQueue(db);
        logger.info("mail queue resumed: the mail settings changed since it was paused");
      } else return state.pauseKind ?? "configuration";
    }
    if (env.MAIL_MAX_PER_DAY && transport) {
      const day = await countSentSince(db, { since: new Date(now.getTime() - 24 * 3600_000) });
      if (day.count >= env.MAIL_MAX_PER_DAY && day.first) {
        const until = new Date(day.first.getTime() + 24 * 3600_000);
        await pauseQueue(db, { reason: `MAIL_MAX_PER_DAY (${env.MAIL_MAX_PER_DAY}) reached`, kind: "rate", resumeAt: until, now: dbNow() });
        return "rate";
      }
    }
    return null;
  }

  /** One pass: claim a batch and deliver it. Returns how many messages were handled. */
  async function runOnce(): Promise<number> {
    if (Date.now() - lastBeat > 10_000) {
      lastBeat = Date.now();
      await beatHeart(db);
      // automatic reminders are queued here too, at most every ten seconds per worker (idempotent keys)
      await runReminderSchedules(db, { env }).catch((error) => logger.error({ err: String(error) }, "automatic reminders failed"));
      // refused sign-in attempts reach the audit log in aggregate rows (sign-in-throttle.server.ts)
      await flushSignInThrottle(db).catch((error) => logger.error({ err: String(error) }, "sign-in audit flush failed"));
    }
    // scheduled backups of the embedded database (BACKUP_EVERY_HOURS), looked at once a minute
    if (env.isEmbedded && env.BACKUP_EVERY_HOURS && Date.now() - lastBackupCheck > 60_000) {
      lastBackupCheck = Date.now();
      await runScheduledBackup({ db, env, pglite: await getPglite() }).catch((error) => logger.error({ err: String(error) }, "scheduled backup failed"));
    }
    if (Date.now() - lastPurge > 60 * 60_000) {
      lastPurge = Date.now();
      await runRetentionPurge(db).catch((error) => logger.error({ err: String(error) }, "retention purge failed"));
      // delegates' personal data of events past the retention period (Settings → Data retention), by the worker's clock
      await runPersonalDataRetention(db, { now: clock() }).catch((error) => logger.error({ err: String(error) }, "personal data retention failed"));
    }
    const paused = await queuePaused();
    if (paused === "rate") return 0;
    // measured before the claim, so it ends no later than the lease in the database
    const leaseEnds = Date.now() + leaseSeconds * 1000;
    ratePausedUntil = null;
    const limit = busy() ? Math.min(batchSize, BUSY_BATCH) : batchSize;
    const batch = await claimDueMessages(db, { workerId, limit, leaseSeconds, now: dbNow(), pausedOnly: paused === "configuration" });
    if (!batch.length) return 0;
    // Settings → Identity: the display name and Reply-To, read once per batch; the address stays MAIL_FROM's.
    const none = { senderName: null, replyTo: null };
    const { senderName, replyTo } = transport ? await getMailSender(db).catch(() => none) : none;
    const sender: Sender = { from: senderName ? { name: senderName, address: from.address } : from, replyTo: replyTo ?? undefined };
    const suppressed = transport ? await suppressedIn(batch) : new Map<string, Suppression>();
    await forEachWithLimit(batch, env.MAIL_MAX_IN_FLIGHT, (message) =>
      deliver(message, sender, leaseEnds, suppressed).catch((error) =>
        // the outcome could not be recorded (the database went away): the lease runs out and the message,
        // never marked sent, is tried again
        logger[isDatabaseUnavailable(error) ? "warn" : "error"]({ err: String(error), id: message.id }, "mail delivery error"),
      ),
    );
    return batch.length;
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopping && options.loop !== false) {
      let handled = 0;
      try {
        handled = await runOnce();
        if (failures) logger.info({ after: failures }, "mail worker resumed");
        failures = 0;
      } catch (error) {
        failures++;
        if (!isDatabaseUnavailable(error)) logger.error({ err: String(error) }, "mail worker pass failed");
        else if (failures === 1) logger.warn({ err: String(error) }, "mail worker paused: database unavailable; retrying with backoff");
      }
      const yielding = handled > 0 && !failures && busy();
      const wait = failures ? Math.min(pollMs * 2 ** (failures - 1), MAX_OUTAGE_BACKOFF_MS) : yielding ? BUSY_PAUSE_MS : pollMs;
      if ((handled === 0 || failures || yielding) && !stopping)
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, wait).unref();
        });
    }
  })();

  return {
    runOnce,
    /** Stops claiming and finishes what is in flight (a stopped send's lease simply runs out). */
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
      transport?.close();
    },
  };
}
