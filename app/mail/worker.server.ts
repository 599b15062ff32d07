import crypto from "node:crypto";
import { type DB } from "~/db.server";
import { type Env } from "~/env.server";
import { forEachWithLimit } from "~/lib/concurrency";
import { isDatabaseUnavailable } from "~/lib/db-errors";
import { logger } from "~/logger.server";
import { linkKeys, runReminderSchedules } from "~/mail/invitations.server";
import { unseal } from "~/lib/sealed.server";
import { LINK_PLACEHOLDER } from "~/lib/tokens.server";
import { liveLinkToken } from "~/models/invitation.server";
import { runRetentionPurge } from "~/lib/retention.server";
import { classifySendError, createMailTransport, type MailTransport, parseMailFrom } from "~/mail/transport.server";
import { beatHeart, type ClaimedMessage, claimDueMessages, finishMessage, getQueueState, pauseQueue } from "~/models/email-message.server";
import { getMailSender } from "~/models/secretariat.server";
import { flushSignInThrottle } from "~/models/sign-in-throttle.server";

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Longest pause between passes while the database is unreachable (the first is pollMs, then doubling). */
const MAX_OUTAGE_BACKOFF_MS = 15_000;

/**
 * Sends the outbox: leases due rows, sends each through the pooled SMTP transport (or stores it in the local
 * mailbox when SMTP_URL is unset), records the outcome.
 *
 * Crash semantics: a message is marked sent only after the server's 250. At most MAIL_MAX_IN_FLIGHT messages
 * are between "handed to the server" and "recorded as sent" at any moment, so a crash (or a database that
 * vanishes before the record can be written) re-sends at most that many, once, with the same Message-ID,
 * when their lease runs out. While the database is unreachable the worker backs off and sends nothing new.
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

  /**
   * Records that the server accepted the message. While the database is briefly unreachable (a terminated
   * connection, a failover) it tries again until the lease runs out; after that the message is sent again
   * once, with the same Message-ID, which is the documented duplicate bound.
   */
  async function recordSent(message: ClaimedMessage, reply: string | null, leaseEnds: number) {
    for (let attempt = 0; ; attempt++) {
      try {
        if (!(await finishMessage(db, { id: message.id, workerId, status: "sent", reply }))) {
          logger.warn({ id: message.id }, "mail sent after its lease ran out; another worker may send it again");
        }
        return;
      } catch (error) {
        const delay = Math.min(100 * 2 ** attempt, 2_000);
        if (!isDatabaseUnavailable(error) || Date.now() + delay >= leaseEnds) {
          logger.warn({ id: message.id, err: (error as Error).message }, "mail sent but not recorded: it will be sent again (same Message-ID) when its lease runs out");
          return;
        }
        await sleep(delay);
      }
    }
  }

  async function withLiveLink(message: ClaimedMessage): Promise<{ html: string; text: string }> {
    if (!message.html.includes(LINK_PLACEHOLDER) && !message.text.includes(LINK_PLACEHOLDER)) return message;
    let token: string | null = null;
    if (message.linkSealed) {
      try {
        token = unseal(env.DATA_ENCRYPTION_KEY, message.linkSealed);
      } catch {
        token = null;
      }
    } else if (message.invitationId) token = await liveLinkToken(db, { invitationId: message.invitationId, keys: linkKeys(env) });
    if (!token) {
      logger.warn({ id: message.id }, "the link of this message can no longer be handed out (revoked, or another DATA_ENCRYPTION_KEY): sent masked");
      return message;
    }
    return { html: message.html.replaceAll(LINK_PLACEHOLDER, token), text: message.text.replaceAll(LINK_PLACEHOLDER, token) };
  }

  async function deliver(message: ClaimedMessage, sender: Sender, leaseEnds: number) {
    if (!transport) {
      await finishMessage(db, { id: message.id, workerId, status: "local", reply: null });
      return;
    }
    await throttle();
    // Never start a send the lease may not cover: past half of it, give the message back untouched (no
    // attempt used) for the next pass, rather than risk another worker claiming it while it is being sent.
    if (Date.now() > leaseEnds - (leaseSeconds * 1000) / 2) {
      await finishMessage(db, { id: message.id, workerId, status: "queued", refundAttempt: true });
      return;
    }
    // Stored bodies hold links masked (issue 13 §3): the live link goes in here, and only into what leaves.
    const { html, text } = await withLiveLink(message);
    let info: { response?: string };
    try {
      info = await transport.sendMail({
        from: sender.from,
        replyTo: sender.replyTo,
        to: message.to,
        cc: message.cc.length ? message.cc : undefined,
        subject: message.subject,
        html,
        text,
        messageId: message.messageId,
        attachments: message.ics
          ? [{ filename: message.icsName ?? "event.ics", content: message.ics, contentType: "text/calendar; charset=utf-8; method=PUBLISH" }]
          : undefined,
      });
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
      return;
    }
    await recordSent(message, info.response ?? null, leaseEnds);
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
    if (Date.now() - lastPurge > 60 * 60_000) {
      lastPurge = Date.now();
      await runRetentionPurge(db).catch((error) => logger.error({ err: String(error) }, "retention purge failed"));
    }
    if ((await getQueueState(db)).pausedAt) return 0;
    // measured before the claim, so it ends no later than the lease in the database
    const leaseEnds = Date.now() + leaseSeconds * 1000;
    const batch = await claimDueMessages(db, { workerId, limit: batchSize, leaseSeconds });
    if (!batch.length) return 0;
    // Settings → Identity: the display name and Reply-To, read once per batch; the address stays MAIL_FROM's.
    const none = { senderName: null, replyTo: null };
    const { senderName, replyTo } = transport ? await getMailSender(db).catch(() => none) : none;
    const sender: Sender = { from: senderName ? { name: senderName, address: from.address } : from, replyTo: replyTo ?? undefined };
    await forEachWithLimit(batch, env.MAIL_MAX_IN_FLIGHT, (message) =>
      deliver(message, sender, leaseEnds).catch((error) =>
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
      const wait = failures ? Math.min(pollMs * 2 ** (failures - 1), MAX_OUTAGE_BACKOFF_MS) : pollMs;
      if ((handled === 0 || failures) && !stopping) await new Promise<void>((resolve) => {
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
