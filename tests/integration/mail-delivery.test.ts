import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { parseVerp } from "~/lib/verp.server";
import { dkimSettings } from "~/mail/dkim.server";
import { startMailWorker } from "~/mail/worker.server";
import { enqueueMessage, getQueueState, resumeQueue } from "~/models/email-message.server";
import { liftSuppression, listSuppressions, suppressedAmong } from "~/models/mail-suppression.server";
import type { RecipientOutcome } from "../../db/schema";
import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";
import { SmtpSink } from "../helpers/smtp-sink";

/**
 * Issue 16: mail like a professional sender. A real SMTP server (smtp-server) answers with the faults real relays
 * produce; the worker runs against the test database (PGlite, or PostgreSQL with TEST_DATABASE_URL).
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-delivery-"));
const SECRET = "s".repeat(40);
const envFor = (extra: Record<string, string>) =>
  parseEnv({
    DATA_DIR: dataDir,
    SESSION_SECRET: SECRET,
    MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>",
    MAIL_RETRY_BASE_SECONDS: "0.1",
    MAIL_RATE_PER_MINUTE: "0",
    MAIL_SMTP_TIMEOUT_SECONDS: "1",
    ...extra,
  });

let counter = 0;
function message(overrides: Partial<Parameters<typeof enqueueMessage>[1]> = {}) {
  const n = ++counter;
  return {
    idempotencyKey: `delivery:${n}:${Date.now()}`,
    messageId: `<d${n}.${Date.now()}@near.example.org>`,
    kind: "invitation",
    locale: "zh" as const,
    to: [{ name: "辽宁省人民政府外事办公室", address: `governor${n}@liaoning.example.cn` }],
    cc: [{ address: `focal${n}@liaoning.example.cn` }],
    subject: `第16届NEAR全体会议邀请函 ${n}`,
    html: `<p lang="zh">尊敬的省长 ${n}</p>`,
    text: `尊敬的省长 ${n}`,
    ...overrides,
  };
}

describe(`mail delivery: recipients, suppression, retries and pauses (${databaseLabel})`, () => {
  let t: TestDb;
  let sink: SmtpSink;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    sink = await new SmtpSink().start();
    await resumeQueue(t.db);
    await t.db.updateTable("email_message").set({ status: "cancelled" }).where("status", "in", ["queued", "deferred", "sending"]).execute();
    await t.db.deleteFrom("mail_suppression").execute();
  });
  afterEach(() => sink.stop());

  const worker = (extra: Record<string, string> = {}, options: Partial<Parameters<typeof startMailWorker>[0]> = {}) =>
    startMailWorker({ db: t.db, env: envFor({ SMTP_URL: sink.url(), ...extra }), loop: false, random: () => 0.5, ...options });
  const row = (key: string) =>
    t.db
      .selectFrom("email_message")
      .select(["id", "status", "attempts", "last_reply", "recipients", "to_undelivered", "next_attempt_at", "sent_at"])
      .where("idempotency_key", "=", key)
      .executeTakeFirstOrThrow();
  const states = (recipients: RecipientOutcome[]) => Object.fromEntries(recipients.map((r) => [r.address, r.state]));

  it("To refused (550) while the Cc is accepted: not shown as sent, the head's address is suppressed, and the next reminder skips it", async () => {
    const m = message();
    sink.recipientReplies.set(m.to[0].address, { code: 550, text: "5.1.1 <governor> User unknown" });
    await enqueueMessage(t.db, m);
    const w = worker();
    await w.runOnce();
    const first = await row(m.idempotencyKey);
    expect(first.status).toBe("bounced");
    expect(first.to_undelivered).toBe(true);
    expect(states(first.recipients)).toEqual({ [m.to[0].address]: "refused", [m.cc[0].address]: "accepted" });
    expect(first.recipients[0].reply).toContain("550 5.1.1");
    // the Cc did get it, once
    expect(sink.envelopes.map((e) => e.rcptTo)).toEqual([[m.cc[0].address]]);
    const suppressed = await suppressedAmong(t.db, [m.to[0].address.toUpperCase()]);
    expect([...suppressed.values()][0]).toMatchObject({ reason: "refused", messageId: first.id });

    // a reminder to the same office: never handed to the server for the suppressed address
    const reminder = message({ to: m.to, cc: m.cc, idempotencyKey: `${m.idempotencyKey}:reminder` });
    await enqueueMessage(t.db, reminder);
    await w.runOnce();
    await w.stop();
    const second = await row(reminder.idempotencyKey);
    expect(second.status).toBe("suppressed");
    expect(states(second.recipients)).toEqual({ [m.to[0].address]: "suppressed", [m.cc[0].address]: "accepted" });
    expect(sink.envelopes.flatMap((e) => e.rcptTo).filter((a) => a === m.to[0].address)).toEqual([]);
  });

  it("550 on two recipients of three: the third gets it, the two are suppressed; lifting one lets mail through again", async () => {
    const m = message({ to: [{ address: "a@khabarovsk.example.ru" }, { address: "b@khabarovsk.example.ru" }], cc: [{ address: "c@khabarovsk.example.ru" }] });
    sink.recipientReplies.set("a@khabarovsk.example.ru", { code: 550, text: "5.1.1 no such user" });
    sink.recipientReplies.set("c@khabarovsk.example.ru", { code: 553, text: "5.1.3 bad address" });
    await enqueueMessage(t.db, m);
    const w = worker();
    await w.runOnce();
    const r = await row(m.idempotencyKey);
    expect(r.status).toBe("sent"); // one To took it
    expect(r.to_undelivered).toBe(true); // … but not both
    expect(states(r.recipients)).toEqual({ "a@khabarovsk.example.ru": "refused", "b@khabarovsk.example.ru": "accepted", "c@khabarovsk.example.ru": "refused" });
    expect((await listSuppressions(t.db)).map((s) => s.address).sort()).toEqual(["a@khabarovsk.example.ru", "c@khabarovsk.example.ru"]);

    expect(await liftSuppression(t.db, { address: "A@Khabarovsk.example.ru" })).toMatchObject({ address: "a@khabarovsk.example.ru" });
    sink.recipientReplies.clear();
    const again = message({ to: [{ address: "a@khabarovsk.example.ru" }], cc: [] });
    await enqueueMessage(t.db, again);
    await w.runOnce();
    await w.stop();
    expect((await row(again.idempotencyKey)).status).toBe("sent");
  });

  it("451 for the To at RCPT while the Cc is accepted: only the To is tried again, and the Cc gets exactly one copy", async () => {
    const m = message();
    sink.recipientReplies.set(m.to[0].address, { code: 451, text: "4.2.1 mailbox busy" });
    await enqueueMessage(t.db, m);
    const w = worker();
    await w.runOnce();
    const deferred = await row(m.idempotencyKey);
    expect(deferred.status).toBe("deferred");
    expect(states(deferred.recipients)).toEqual({ [m.to[0].address]: "deferred", [m.cc[0].address]: "accepted" });
    expect(deferred.sent_at).not.toBeNull();
    sink.recipientReplies.clear();
    await new Promise((resolve) => setTimeout(resolve, 250));
    await w.runOnce();
    await w.stop();
    const done = await row(m.idempotencyKey);
    expect(done.status).toBe("sent");
    expect(done.to_undelivered).toBe(false);
    expect(sink.envelopes.map((e) => e.rcptTo)).toEqual([[m.cc[0].address], [m.to[0].address]]);
  });

  it("a relay outage retries for the whole 48 h window with backoff capped at an hour, then fails (injected clock)", async () => {
    const m = message({ cc: [] });
    await enqueueMessage(t.db, m);
    // the relay is down: every connection is refused
    sink.refuseConnectionsUntil = Number.MAX_SAFE_INTEGER;
    // a second ahead: the row's next_attempt_at (the database's now(), in microseconds) is surely due
    const start = Date.now() + 1000;
    let now = new Date(start);
    const w = worker({ MAIL_RETRY_BASE_SECONDS: "60" }, { clock: () => now });
    const delays: number[] = [];
    let previous = now.getTime();
    let ratePauses = 0;
    for (let pass = 0; pass < 400; pass++) {
      await w.runOnce();
      const r = await row(m.idempotencyKey);
      if (r.status !== "deferred") break;
      const next = new Date(r.next_attempt_at).getTime();
      if (next !== previous) delays.push((next - previous) / 1000);
      previous = next;
      // failures in a row also pause the whole queue for MAIL_RATE_PAUSE_SECONDS: the clock jumps past both
      const state = await getQueueState(t.db);
      if (state.pauseKind === "rate") ratePauses++;
      now = new Date(Math.max(next, state.resumeAt && state.pauseKind === "rate" ? state.resumeAt.getTime() : 0));
    }
    await w.stop();
    const r = await row(m.idempotencyKey);
    expect(r.status).toBe("failed");
    expect(r.last_reply).toMatch(/421|ECONNECTION|closed|Service not available/i);
    const elapsedHours = (previous - start) / 3600_000;
    expect(elapsedHours).toBeGreaterThanOrEqual(47.9);
    expect(elapsedHours).toBeLessThanOrEqual(48.01);
    // 60 s, 120 s … (±20 % jitter, fixed at 0 here by random = 0.5) then never more than an hour
    expect(delays.slice(0, 3)).toEqual([60, 120, 240]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(3600);
    expect(r.attempts).toBeGreaterThan(40);
    expect(ratePauses).toBeGreaterThan(0);
  });

  it("a relay back within the window delivers: 421 at connect for a while, then the queue drains with nothing lost", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = message({ cc: [] });
      keys.push(m.idempotencyKey);
      await enqueueMessage(t.db, m);
    }
    sink.refuseConnectionsUntil = Date.now() + 1500;
    const w = worker({ MAIL_RATE_PAUSE_SECONDS: "1", MAIL_RETRY_BASE_SECONDS: "0.2" });
    const deadline = Date.now() + 30_000;
    let paused = false;
    while (Date.now() < deadline) {
      await w.runOnce();
      if ((await getQueueState(t.db)).pauseKind === "rate") paused = true;
      const rows = await Promise.all(keys.map(row));
      if (rows.every((r) => r.status === "sent")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await w.stop();
    // three transient failures in a row paused the whole queue (E5) rather than burning every message's attempts
    expect(paused).toBe(true);
    expect((await Promise.all(keys.map(row))).map((r) => r.status)).toEqual(keys.map(() => "sent"));
    expect(new Set(sink.messages.map((x) => x.messageId)).size).toBe(5);
    expect(sink.messages).toHaveLength(5);
  });

  it("452 'rate limit': the whole queue backs off, no connection is made during the pause, and it resumes by itself", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 6; i++) {
      const m = message({ cc: [] });
      keys.push(m.idempotencyKey);
      await enqueueMessage(t.db, m);
    }
    sink.answer("250", "452rate");
    const w = worker({ MAIL_RATE_PAUSE_SECONDS: "2", MAIL_MAX_IN_FLIGHT: "1" });
    await w.runOnce();
    const state = await getQueueState(t.db);
    expect(state.pauseKind).toBe("rate");
    expect(state.pauseReason).toContain("rate limit");
    const rows = await Promise.all(keys.map(row));
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(1);
    // the refused one and those behind it were given back without using an attempt
    expect(rows.filter((r) => r.status !== "sent").every((r) => r.attempts === 0)).toBe(true);
    const connections = sink.connections;
    expect(await w.runOnce()).toBe(0);
    expect(sink.connections).toBe(connections);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    for (let i = 0; i < 5 && (await Promise.all(keys.map(row))).some((r) => r.status !== "sent"); i++) await w.runOnce();
    await w.stop();
    expect((await Promise.all(keys.map(row))).map((r) => r.status)).toEqual(keys.map(() => "sent"));
    expect((await getQueueState(t.db)).pausedAt).toBeNull();
    expect(sink.messages).toHaveLength(6);
  });

  it("a stall after EHLO times out within the SMTP timeout and the message is deferred", async () => {
    const m = message({ cc: [] });
    await enqueueMessage(t.db, m);
    sink.stallAfterEhlo = true;
    const w = worker({ MAIL_SMTP_TIMEOUT_SECONDS: "1" });
    const started = Date.now();
    await w.runOnce();
    expect(Date.now() - started).toBeLessThan(10_000);
    sink.stallAfterEhlo = false;
    const r = await row(m.idempotencyKey);
    expect(r.status).toBe("deferred");
    await new Promise((resolve) => setTimeout(resolve, 250));
    await w.runOnce();
    await w.stop();
    expect((await row(m.idempotencyKey)).status).toBe("sent");
  });

  it("a connection dropped in the middle of DATA: deferred, then sent once", async () => {
    const m = message({ cc: [] });
    await enqueueMessage(t.db, m);
    sink.answer("drop");
    const w = worker();
    await w.runOnce();
    expect((await row(m.idempotencyKey)).status).toBe("deferred");
    await new Promise((resolve) => setTimeout(resolve, 250));
    await w.runOnce();
    await w.stop();
    expect((await row(m.idempotencyKey)).status).toBe("sent");
    expect(sink.messages.map((x) => x.messageId)).toEqual([m.messageId]);
  });

  it("535, then corrected settings and a restart: the queue drains without a database edit", async () => {
    await sink.stop();
    sink = await new SmtpSink({ requireAuth: true }).start();
    sink.refuseAuth = true;
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) {
      const m = message({ cc: [] });
      keys.push(m.idempotencyKey);
      await enqueueMessage(t.db, m);
    }
    const wrong = startMailWorker({ db: t.db, env: envFor({ SMTP_URL: "smtp://user:expired@127.0.0.1:" + sink.port }), loop: false });
    await wrong.runOnce();
    await wrong.stop();
    expect((await getQueueState(t.db)).pauseKind).toBe("configuration");
    expect((await Promise.all(keys.map(row))).every((r) => r.status === "queued" && r.attempts === 0)).toBe(true);
    // the operator sets the new password and restarts
    sink.refuseAuth = false;
    const right = startMailWorker({ db: t.db, env: envFor({ SMTP_URL: "smtp://user:renewed@127.0.0.1:" + sink.port }), loop: false });
    await right.runOnce();
    await right.stop();
    expect((await getQueueState(t.db)).pausedAt).toBeNull();
    expect((await Promise.all(keys.map(row))).map((r) => r.status)).toEqual(keys.map(() => "sent"));
  });

  it("535 and the same settings: the Settings test message goes out while paused, and its success resumes the queue", async () => {
    await sink.stop();
    sink = await new SmtpSink({ requireAuth: true }).start();
    sink.refuseAuth = true;
    const waiting = message({ cc: [] });
    await enqueueMessage(t.db, waiting);
    const env = { SMTP_URL: sink.url(true) };
    const w = worker(env);
    await w.runOnce();
    expect((await getQueueState(t.db)).pauseKind).toBe("configuration");
    // still wrong: the probe fails with the reason and the queue stays paused
    const probe1 = message({ cc: [], kind: "test", bypassPause: true });
    await enqueueMessage(t.db, probe1);
    await w.runOnce();
    expect((await row(probe1.idempotencyKey)).status).toBe("failed");
    expect((await row(probe1.idempotencyKey)).last_reply).toContain("535");
    expect((await row(waiting.idempotencyKey)).status).toBe("queued");
    // the relay's administrator fixes the account; staff press "Send test message" again
    sink.refuseAuth = false;
    const probe2 = message({ cc: [], kind: "test", bypassPause: true });
    await enqueueMessage(t.db, probe2);
    await w.runOnce();
    expect((await row(probe2.idempotencyKey)).status).toBe("sent");
    expect((await getQueueState(t.db)).pausedAt).toBeNull();
    await w.runOnce();
    await w.stop();
    expect((await row(waiting.idempotencyKey)).status).toBe("sent");
  });

  it("each message leaves with a VERP return path that names it, signed so a forged one is refused", async () => {
    const m = message({ cc: [] });
    await enqueueMessage(t.db, m);
    const w = worker({ MAIL_RETURN_PATH: "bounces@near.example.org" });
    await w.runOnce();
    await w.stop();
    const id = (await row(m.idempotencyKey)).id;
    const returnPath = sink.envelopes[0].mailFrom;
    expect(returnPath).toMatch(/^bounces\+[0-9a-f]{40}@near\.example\.org$/);
    expect(parseVerp(returnPath, "bounces@near.example.org", SECRET)).toBe(id);
    expect(
      parseVerp(
        returnPath.replace(/[0-9a-f](?=@)/, (c) => (c === "0" ? "1" : "0")),
        "bounces@near.example.org",
        SECRET,
      ),
    ).toBeNull();
    expect(parseVerp(returnPath, "bounces@near.example.org", "another secret of forty characters......")).toBeNull();
    // the From header stays the secretariat's
    expect(sink.messages[0].from?.value[0].address).toBe("secretariat@near.example.org");
  });

  it("MAIL_DKIM=on signs every message with a key generated once in the data directory, and the signature verifies", async () => {
    const m = message();
    await enqueueMessage(t.db, m);
    const extra = { MAIL_DKIM: "on", MAIL_DKIM_SELECTOR: "plenary2026" };
    const w = worker(extra);
    await w.runOnce();
    await w.stop();
    const settings = dkimSettings(envFor({ SMTP_URL: sink.url(), ...extra }))!;
    expect(fs.readFileSync(path.join(dataDir, "dkim-plenary2026.pem"), "utf8")).toBe(settings.privateKey);
    const record = `v=DKIM1; k=rsa; p=${settings.publicKey}`;
    const result = await dkimVerify(sink.raw[0], {
      resolver: async (name: string, type: string) => {
        if (name === "plenary2026._domainkey.near.example.org" && type === "TXT") return [[record]];
        throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
      },
    });
    expect(result.results[0].signingDomain).toBe("near.example.org");
    expect(result.results[0].status.result).toBe("pass");
    // a tampered copy fails
    const tampered = Buffer.from(sink.raw[0].toString("latin1").replace("NEAR", "FAKE"), "latin1");
    const bad = await dkimVerify(tampered, { resolver: async () => [[record]] });
    expect(bad.results[0].status.result).not.toBe("pass");
  });
});
