import crypto from "node:crypto";
import { type DB } from "~/db.server";
import { type Env } from "~/env.server";
import { logger } from "~/logger.server";
import { runReminderSchedules } from "~/mail/invitations.server";
import { runRetentionPurge } from "~/lib/retention.server";
import { classifySendError, createMailTransport, type MailTransport, parseMailFrom } from "~/mail/transport.server";
import { beatHeart, type ClaimedMessage, claimDueMessages, finishMessage, getQueueState, pauseQueue } from "~/models/email-message.server";
import { getMailSender } from "~/models/secretariat.server";

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
};

/** Exponential backoff with ±20% jitter: base, 2×base, 4×base … capped at 12 h. */
export function retryDelaySeconds(attempt: number, baseSeconds: number, random = Math.random) {
  const delay = Math.min(baseSeconds * 2 ** Math.max(0, attempt - 1), 12 * 3600);
  return delay * (0.8 + 0.4 * random());
}

/** A simple per-process token bucket for providers with message quotas (0 = no limit). */
function rateLimiter(perMinute: number) {
  if (!perMinute) return async () => undefined;
  const interval = 60_000 / perMinute;
  let next = Date.now();
  return async () => {
    const now = Date.now();
    const wait = Math.max(0, next - now);
    next = Math.max(now, next) + interval;
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
  };
}

export type MailWorker = { stop: () => Promise<void>; runOnce: () => Promise<number> };

/**
 * Sends the outbox: leases due rows, sends each through the pooled SMTP transport (or stores it in the local
 * mailbox when SMTP_URL is unset), records the outcome. Crash semantics: a message is marked sent only after
 * the server's 250; a crash between the two re-sends it once (same Message-ID) when the lease runs out.
 */
export function startMailWorker(options: WorkerOptions): MailWorker {
  const { db, env } = options;
  const transport = options.transport === undefined ? createMailTransport(env) : options.transport;
  const workerId = `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  const pollMs = options.pollMs ?? 1000;
  // A lease outlives the slowest send (three SMTP timeouts); after it a dead worker's message comes back.
  const leaseSeconds = options.leaseSeconds ?? env.MAIL_LEASE_SECONDS ?? Math.max(60, env.MAIL_SMTP_TIMEOUT_SECONDS * 3);
  const batchSize = options.batchSize ?? 20;
  const random = options.random ?? Math.random;
  const from = parseMailFrom(env.MAIL_FROM);
  const throttle = rateLimiter(env.MAIL_RATE_PER_MINUTE);
  let stopping = false;
  let wake: (() => void) | undefined;
  let lastBeat = 0;
  let lastPurge = 0;

  type Sender = { from: { name: string; address: string }; replyTo?: string };

  async function deliver(message: ClaimedMessage, sender: Sender) {
    if (!transport) {
      await finishMessage(db, { id: message.id, workerId, status: "local", reply: null });
      return;
    }
    await throttle();
    try {
      const info = await transport.sendMail({
        from: sender.from,
        replyTo: sender.replyTo,
        to: message.to,
        cc: message.cc.length ? message.cc : undefined,
        subject: message.subject,
        html: message.html,
        text: message.text,
        messageId: message.messageId,
        attachments: message.ics
          ? [{ filename: message.icsName ?? "event.ics", content: message.ics, contentType: "text/calendar; charset=utf-8; method=PUBLISH" }]
          : undefined,
      });
      await finishMessage(db, { id: message.id, workerId, status: "sent", reply: info.response ?? null });
    } catch (error) {
      const outcome = classifySendError(error);
      if (outcome.kind === "configuration") {
        // Bad credentials or settings: pause everything, give the attempt back, keep the message queued.
        await pauseQueue(db, { reason: outcome.reply });
        await finishMessage(db, { id: message.id, workerId, status: "queued", reply: outcome.reply, refundAttempt: true });
        logger.error({ reply: outcome.reply }, "mail queue paused: SMTP authentication or configuration error");
        return;
      }
      const giveUp = message.giveUpAt && new Date(message.giveUpAt).getTime() <= Date.now();
      if (outcome.kind === "permanent" || giveUp || message.attempts >= env.MAIL_MAX_ATTEMPTS) {
        await finishMessage(db, { id: message.id, workerId, status: "failed", reply: outcome.reply });
        logger.warn({ id: message.id, reply: outcome.reply }, "mail failed");
        return;
      }
      let next = new Date(Date.now() + retryDelaySeconds(message.attempts, env.MAIL_RETRY_BASE_SECONDS, random) * 1000);
      if (message.giveUpAt && next > new Date(message.giveUpAt)) next = new Date(message.giveUpAt);
      await finishMessage(db, { id: message.id, workerId, status: "deferred", reply: outcome.reply, nextAttemptAt: next });
    }
  }

  /** One pass: claim a batch and deliver it. Returns how many messages were handled. */
  async function runOnce(): Promise<number> {
    if (Date.now() - lastBeat > 10_000) {
      lastBeat = Date.now();
      await beatHeart(db);
      // automatic reminders are queued here too, at most every ten seconds per worker (idempotent keys)
      await runReminderSchedules(db, { env }).catch((error) => logger.error({ err: String(error) }, "automatic reminders failed"));
    }
    if (Date.now() - lastPurge > 60 * 60_000) {
      lastPurge = Date.now();
      await runRetentionPurge(db).catch((error) => logger.error({ err: String(error) }, "retention purge failed"));
    }
    if ((await getQueueState(db)).pausedAt) return 0;
    const batch = await claimDueMessages(db, { workerId, limit: batchSize, leaseSeconds });
    if (!batch.length) return 0;
    // Settings → Identity: the display name and Reply-To, read once per batch; the address stays MAIL_FROM's.
    const none = { senderName: null, replyTo: null };
    const { senderName, replyTo } = transport ? await getMailSender(db).catch(() => none) : none;
    const sender: Sender = { from: senderName ? { name: senderName, address: from.address } : from, replyTo: replyTo ?? undefined };
    await Promise.all(batch.map((message) => deliver(message, sender).catch((error) => logger.error({ err: String(error), id: message.id }, "mail delivery error"))));
    return batch.length;
  }

  const loop = (async () => {
    while (!stopping && options.loop !== false) {
      let handled = 0;
      try {
        handled = await runOnce();
      } catch (error) {
        logger.error({ err: String(error) }, "mail worker pass failed");
      }
      if (handled === 0 && !stopping) await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, pollMs).unref();
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
