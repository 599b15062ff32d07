import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { seal } from "~/lib/sealed.server";
import {
  claimDueDeliveries,
  createSubscription,
  enqueueWebhookEvent,
  listDeliveries,
  listSubscriptions,
  purgeOldDeliveries,
  setAllowPrivateTargets,
  setSubscriptionEnabled,
} from "~/models/webhook.server";
import { newWebhookSecret, RESPONSE_LOG_CHARS, startWebhookRunner } from "~/services/webhooks.server";
import type { WebhookEventType } from "../../db/schema";
import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";
import { WebhookReceiver } from "../helpers/webhook-receiver";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-webhooks-"));
const env = parseEnv({ DATA_DIR: dataDir });

describe(`webhook deliveries to a real HTTP endpoint (${databaseLabel})`, () => {
  let t: TestDb;
  let receiver: WebhookReceiver;
  // the injected clock starts a little in the past: a receiver verifies timestamps within 5 minutes of its own time
  let now: Date;
  const clock = () => now;
  const runner = () => startWebhookRunner({ db: t.db, env, loop: false, clock, timeoutMs: 5_000 });

  async function subscribe(url: string, eventTypes: WebhookEventType[] = ["reply.changed"]) {
    const secret = newWebhookSecret();
    const { id } = await createSubscription(t.db, { url, description: null, eventTypes, secretSealed: seal(env.DATA_ENCRYPTION_KEY, secret), createdBy: null });
    return { id, secret };
  }

  beforeAll(async () => {
    t = await createTestDb();
    await setAllowPrivateTargets(t.db, { allow: true });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    now = new Date(Date.now() - 200_000);
    receiver = await new WebhookReceiver().start();
    // each test starts with no subscriptions: nothing left over from the one before
    await t.db.deleteFrom("webhook_subscription").execute();
    await setAllowPrivateTargets(t.db, { allow: true });
  });
  afterEach(() => receiver.stop());

  it("signs per Standard Webhooks: the receiver verifies id, timestamp and signature; the log keeps the status and answer", async () => {
    const { id, secret } = await subscribe(receiver.url(), ["reply.changed", "event.status_changed"]);
    const other = await subscribe(receiver.url("/other"), ["delegate.checked_in"]);
    receiver.body = "accepted ".repeat(500);
    expect(await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-1:2", data: { invitationId: "inv-1", response: "attending" }, now })).toBe(1);
    // the same change queued again is not queued twice
    expect(await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-1:2", data: { invitationId: "inv-1" }, now })).toBe(0);

    const r = runner();
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    expect(receiver.received).toHaveLength(1);
    const [hit] = receiver.received;
    expect(hit.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(hit.headers["webhook-timestamp"]).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(hit.headers["content-type"]).toBe("application/json");
    const payload = new Webhook(secret).verify(hit.body, hit.headers) as { type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: "reply.changed", data: { invitationId: "inv-1", response: "attending" } });
    // another subscription's secret does not verify it
    expect(() => new Webhook(other.secret).verify(hit.body, hit.headers)).toThrow();
    // nor does a changed body
    expect(() => new Webhook(secret).verify(hit.body.replace("attending", "declining"), hit.headers)).toThrow();

    const [log] = await listDeliveries(t.db, { subscriptionId: id });
    expect(log).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200, eventType: "reply.changed", webhookId: hit.headers["webhook-id"] });
    expect(log.lastResponse).toHaveLength(RESPONSE_LOG_CHARS);
    expect(await listDeliveries(t.db, { subscriptionId: other.id })).toEqual([]);
    const listed = (await listSubscriptions(t.db)).find((s) => s.id === id)!;
    expect(listed).toMatchObject({ lastStatus: "delivered", lastStatusCode: 200, eventTypes: ["reply.changed", "event.status_changed"] });
  });

  it("a failing endpoint that succeeds later: retried with backoff under the same webhook-id, each attempt verifiable", async () => {
    const { id, secret } = await subscribe(receiver.url());
    receiver.answers = [503, 500];
    await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-2:2", data: { invitationId: "inv-2" }, now });
    const r = runner();
    expect(await r.runOnce()).toBe(1);
    let [log] = await listDeliveries(t.db, { subscriptionId: id });
    expect(log).toMatchObject({ status: "deferred", attempts: 1, lastStatusCode: 503 });
    expect(log.nextAttemptAt.getTime()).toBe(now.getTime() + 5_000);

    // not due yet: nothing is sent
    expect(await r.runOnce()).toBe(0);
    now = new Date(now.getTime() + 5_000);
    expect(await r.runOnce()).toBe(1);
    [log] = await listDeliveries(t.db, { subscriptionId: id });
    expect(log).toMatchObject({ status: "deferred", attempts: 2, lastStatusCode: 500 });
    expect(log.nextAttemptAt.getTime()).toBe(now.getTime() + 300_000);

    now = new Date(now.getTime() + 299_000);
    expect(await r.runOnce()).toBe(0);
    now = new Date(now.getTime() + 1_000);
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    [log] = await listDeliveries(t.db, { subscriptionId: id });
    expect(log).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200 });

    expect(receiver.received).toHaveLength(3);
    const ids = new Set(receiver.received.map((hit) => hit.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    // each attempt is signed afresh with its own timestamp, and each verifies
    expect(new Set(receiver.received.map((hit) => hit.headers["webhook-timestamp"])).size).toBe(3);
    for (const hit of receiver.received) expect(new Webhook(secret).verify(hit.body, hit.headers)).toMatchObject({ type: "reply.changed" });
  });

  it("gives up after 8 attempts over about a day", async () => {
    const { id } = await subscribe(receiver.url());
    receiver.fallback = 502;
    const started = now.getTime();
    await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-3:2", data: {}, now });
    const r = startWebhookRunner({ db: t.db, env, loop: false, clock, timeoutMs: 5_000 });
    for (let attempt = 1; attempt <= 8; attempt++) {
      expect(await r.runOnce()).toBe(1);
      const [log] = await listDeliveries(t.db, { subscriptionId: id });
      now = log.nextAttemptAt;
    }
    await r.stop();
    const [log] = await listDeliveries(t.db, { subscriptionId: id });
    expect(log).toMatchObject({ status: "failed", attempts: 8, lastStatusCode: 502 });
    const hours = (log.lastAttemptAt!.getTime() - started) / 3600_000;
    expect(hours).toBeGreaterThan(20);
    expect(hours).toBeLessThan(36);
    expect(receiver.received).toHaveLength(8);
  });

  it("a runner that crashed mid-request: its lease runs out and another runner sends it, with the same webhook-id", async () => {
    const { id, secret } = await subscribe(receiver.url());
    await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-4:2", data: { invitationId: "inv-4" }, now });
    // a runner claims it and dies before recording anything
    const [claimed] = await claimDueDeliveries(t.db, { runnerId: "dead-runner", limit: 10, leaseSeconds: 60, now });
    expect(claimed).toBeDefined();
    const r = runner();
    expect(await r.runOnce()).toBe(0);
    now = new Date(now.getTime() + 61_000);
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    const [log] = await listDeliveries(t.db, { subscriptionId: id });
    expect(log).toMatchObject({ status: "delivered", attempts: 2, webhookId: claimed.webhookId });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].headers["webhook-id"]).toBe(claimed.webhookId);
    expect(new Webhook(secret).verify(receiver.received[0].body, receiver.received[0].headers)).toBeTruthy();
  });

  it("a disabled subscription receives nothing; its queued deliveries wait until it is enabled again", async () => {
    const { id } = await subscribe(receiver.url());
    await setSubscriptionEnabled(t.db, { id, enabled: false });
    expect(await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-5:2", data: {}, now })).toBe(0);
    await setSubscriptionEnabled(t.db, { id, enabled: true });
    await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-5:3", data: {}, now });
    await setSubscriptionEnabled(t.db, { id, enabled: false });
    const r = runner();
    expect(await r.runOnce()).toBe(0);
    await setSubscriptionEnabled(t.db, { id, enabled: true });
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    expect(receiver.received).toHaveLength(1);
  });

  it("looks a name up on the connection itself and connects to an allowed address", async () => {
    const { id, secret } = await subscribe(`http://localhost:${receiver.port}/hooks`);
    await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-8:2", data: {}, now });
    const r = runner();
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    const [log] = await listDeliveries(t.db, { subscriptionId: id });
    expect(log).toMatchObject({ status: "delivered", lastStatusCode: 200 });
    expect(new Webhook(secret).verify(receiver.received[0].body, receiver.received[0].headers)).toBeTruthy();
  });

  it("refuses loopback at delivery time once private targets are no longer allowed (and a name that resolves there)", async () => {
    const direct = await subscribe(receiver.url());
    // https to a name that resolves to loopback: refused when the connection looks it up, before connecting
    const named = await subscribe(`https://localhost:${receiver.port}/hooks`);
    await setAllowPrivateTargets(t.db, { allow: false });
    await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-6:2", data: {}, now });
    const r = runner();
    expect(await r.runOnce()).toBe(2);
    await r.stop();
    expect(receiver.received).toHaveLength(0);
    const [a] = await listDeliveries(t.db, { subscriptionId: direct.id });
    expect(a).toMatchObject({ status: "deferred", lastStatusCode: null });
    expect(a.lastError).toMatch(/httpsRequired/);
    const [b] = await listDeliveries(t.db, { subscriptionId: named.id });
    expect(b).toMatchObject({ status: "deferred", lastStatusCode: null });
    expect(b.lastError).toMatch(/privateAddress/);
  });

  it("the delivery log keeps finished deliveries for 30 days; waiting ones stay", async () => {
    const { id } = await subscribe(receiver.url());
    const old = new Date(now.getTime() - 31 * 24 * 3600_000);
    await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "old-delivered", data: {}, now: old });
    const r = startWebhookRunner({ db: t.db, env, loop: false, clock: () => old, timeoutMs: 5_000 });
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    // queued long ago and not sent yet (no runner ran since): it stays whatever its age
    await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "old-waiting", data: {}, now: old });
    await t.db
      .insertInto("webhook_delivery")
      .values({
        subscription_id: id,
        webhook_id: "msg_recent",
        event_type: "reply.changed",
        event_key: "recent",
        payload: "{}",
        status: "delivered",
        created_at: now,
      })
      .execute();
    expect(await purgeOldDeliveries(t.db, { days: 30, now })).toBe(1);
    expect((await listDeliveries(t.db, { subscriptionId: id })).map((d) => d.webhookId)).toContain("msg_recent");
    const left = await listDeliveries(t.db, { subscriptionId: id });
    expect(left.map((d) => d.status).sort()).toEqual(["delivered", "queued"]);
  });

  it("an endpoint that does not answer within the time limit is a failed attempt, retried later", async () => {
    const { id } = await subscribe(receiver.url());
    const slow = await import("node:http").then(({ default: http }) => http.createServer(() => undefined));
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const port = (slow.address() as { port: number }).port;
    await t.db
      .updateTable("webhook_subscription")
      .set({ url: `http://127.0.0.1:${port}/` })
      .where("id", "=", id)
      .execute();
    await enqueueWebhookEvent(t.db, { type: "reply.changed", key: "inv-7:2", data: {}, now });
    const r = startWebhookRunner({ db: t.db, env, loop: false, clock, timeoutMs: 500 });
    expect(await r.runOnce()).toBe(1);
    await r.stop();
    slow.closeAllConnections();
    slow.close();
    const [log] = await listDeliveries(t.db, { subscriptionId: id });
    expect(log).toMatchObject({ status: "deferred", lastStatusCode: null });
    expect(log.lastError).toMatch(/no answer within/);
  });
});
