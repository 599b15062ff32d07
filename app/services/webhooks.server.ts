import crypto from "node:crypto";
import http from "node:http";
import https from "node:https";
import net from "node:net";

import { Webhook } from "standardwebhooks";

import type { DB } from "~/db.server";
import type { Env } from "~/env.server";
import { forEachWithLimit } from "~/lib/concurrency";
import { isDatabaseUnavailable } from "~/lib/db-errors";
import { unseal } from "~/lib/sealed.server";
import { addressRefusal, guardedLookup, TargetRefusedError, urlRefusal } from "~/lib/webhook-target.server";
import { logger } from "~/logger.server";
import { claimDueDeliveries, type ClaimedDelivery, finishDelivery, getWebhookSettings, purgeOldDeliveries } from "~/models/webhook.server";
import { type PollingRunner, startPollingRunner } from "~/services/polling-runner.server";

/**
 * Waits after the 1st, 2nd … 7th failed attempt (Standard Webhooks' suggested schedule): 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 10 h. The 8th attempt, about 28 hours after the first, is the last.
 */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length + 1;
/** The whole HTTP exchange (connect, send, headers, body read) must fit in this. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** At most this much of a response is read; the log keeps the first RESPONSE_LOG_CHARS of it. */
const RESPONSE_READ_BYTES = 64 * 1024;
export const RESPONSE_LOG_CHARS = 1000;
/** Finished deliveries stay in the log this long. */
export const LOG_RETENTION_DAYS = 30;

export type WebhookRunner = PollingRunner;

const local = new Set<WebhookRunner>();

/** Starts this process's runners at once (a test event queued here is sent without waiting for the next poll). */
export function wakeWebhookRunners() {
  for (const runner of local) runner.wake();
}

type Outcome = { statusCode: number | null; response: string | null; error: string | null };

/** POSTs the signed body; never follows redirects; refuses forbidden addresses before connecting. */
function post(url: URL, body: string, headers: Record<string, string>, { allowPrivate, timeoutMs }: { allowPrivate: boolean; timeoutMs: number }) {
  return new Promise<Outcome>((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    // an address written in the URL is not looked up, so the guarded lookup would not see it
    const literal = net.isIP(host) ? addressRefusal(host, { allowPrivate }) : null;
    if (literal) return resolve({ statusCode: null, response: null, error: new TargetRefusedError(literal).message });
    const client = url.protocol === "https:" ? https : http;
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = client.request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      lookup: guardedLookup({ allowPrivate }),
      agent: false,
      timeout: timeoutMs,
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on("error", (error) => done({ statusCode: null, response: null, error: error.message }));
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () =>
        done({ statusCode: response.statusCode ?? null, response: Buffer.concat(chunks).toString("utf8").slice(0, RESPONSE_LOG_CHARS), error: null });
      response.on("data", (chunk: Buffer) => {
        if (size >= RESPONSE_READ_BYTES) return;
        chunks.push(chunk.subarray(0, RESPONSE_READ_BYTES - size));
        size += chunk.length;
        // enough to log: stop reading the rest of a large answer
        if (size >= RESPONSE_READ_BYTES) {
          finish();
          response.destroy();
        }
      });
      response.on("end", finish);
      response.on("error", finish);
      response.on("close", finish);
    });
    request.end(body);
  });
}

/**
 * Sends webhook deliveries (issue 19), next to the mail worker: leases due rows, signs each per Standard
 * Webhooks (`webhook-id` stays the same on every retry; `webhook-timestamp` and the signature are of this
 * attempt), POSTs it with a 10 s limit, and records the status code and the start of the answer. A 2xx is
 * delivered; anything else retries on RETRY_SCHEDULE_SECONDS, then fails. A runner that dies mid-request
 * leaves its rows leased; when the lease runs out another runner sends them again, with the same id.
 */
export function startWebhookRunner({
  db,
  env,
  pollMs = 1000,
  loop = true,
  leaseSeconds = 60,
  timeoutMs = REQUEST_TIMEOUT_MS,
  batchSize = 10,
  clock,
}: {
  db: DB;
  env: Env;
  pollMs?: number;
  loop?: boolean;
  leaseSeconds?: number;
  timeoutMs?: number;
  batchSize?: number;
  /** the time retries and signatures use (tests inject one; default: the real clock and the database's) */
  clock?: () => Date;
}): WebhookRunner {
  const runnerId = `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  const now = () => (clock ? clock() : new Date());
  const dbNow = () => (clock ? clock() : undefined);
  let lastPurge = 0;

  async function deliver(delivery: ClaimedDelivery, allowPrivate: boolean) {
    const record = (outcome: Outcome, delivered: boolean) => {
      const last = delivery.attempts >= MAX_ATTEMPTS;
      const status = delivered ? "delivered" : last ? "failed" : "deferred";
      const wait = RETRY_SCHEDULE_SECONDS[Math.min(delivery.attempts, RETRY_SCHEDULE_SECONDS.length) - 1] ?? 0;
      return finishDelivery(db, {
        id: delivery.id,
        runnerId,
        status,
        ...outcome,
        nextAttemptAt: status === "deferred" ? new Date(now().getTime() + wait * 1000) : undefined,
        now: dbNow(),
      });
    };
    const checked = urlRefusal(delivery.url, { allowPrivate });
    if ("refusal" in checked) return record({ statusCode: null, response: null, error: new TargetRefusedError(checked.refusal).message }, false);
    let secret: string;
    try {
      secret = unseal(env.DATA_ENCRYPTION_KEY, delivery.secretSealed);
    } catch {
      return record({ statusCode: null, response: null, error: "the signing secret cannot be read (another DATA_ENCRYPTION_KEY)" }, false);
    }
    const body = JSON.stringify(delivery.payload);
    const at = now();
    const headers = {
      "content-type": "application/json",
      "user-agent": "Plenary-Webhooks/1",
      "webhook-id": delivery.webhookId,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(delivery.webhookId, at, body),
    };
    const outcome = await post(checked.url, body, headers, { allowPrivate, timeoutMs });
    const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    if (!delivered) logger.warn({ delivery: delivery.id, status: outcome.statusCode, err: outcome.error, attempt: delivery.attempts }, "webhook not delivered");
    if (!(await record(outcome, delivered))) logger.warn({ delivery: delivery.id }, "webhook outcome recorded after its lease ran out");
  }

  /** Sends every due delivery; the number handled. */
  async function pass(stopping: () => boolean): Promise<number> {
    let handled = 0;
    if (Date.now() - lastPurge > 3600_000) {
      lastPurge = Date.now();
      await purgeOldDeliveries(db, { days: LOG_RETENTION_DAYS, now: dbNow() });
    }
    while (!stopping()) {
      const batch = await claimDueDeliveries(db, { runnerId, limit: batchSize, leaseSeconds, now: dbNow() });
      if (!batch.length) break;
      const { allowPrivateTargets } = await getWebhookSettings(db);
      await forEachWithLimit(batch, 4, (delivery) =>
        deliver(delivery, allowPrivateTargets).catch((error) =>
          // not recorded: the lease runs out and the delivery is tried again, with the same webhook-id
          logger[isDatabaseUnavailable(error) ? "warn" : "error"]({ err: String(error), delivery: delivery.id }, "webhook delivery error"),
        ),
      );
      handled += batch.length;
    }
    return handled;
  }

  return startPollingRunner({ pass, pollMs, loop, registry: local, failure: "webhook runner pass failed" });
}

/** A new signing secret in the Standard Webhooks form: `whsec_` and 24 random bytes in base64. Shown once. */
export function newWebhookSecret() {
  return `whsec_${crypto.randomBytes(24).toString("base64")}`;
}
