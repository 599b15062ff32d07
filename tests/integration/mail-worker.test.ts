import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { BUSY_BATCH, BUSY_PAUSE_MS, startMailWorker } from "~/mail/worker.server";
import { enqueueMessage, getMessage, getQueueState, resumeQueue } from "~/models/email-message.server";
import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";
import { SmtpSink } from "../helpers/smtp-sink";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-mail-"));
const envFor = (extra: Record<string, string>) =>
  parseEnv({
    DATA_DIR: dataDir,
    MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>",
    MAIL_RETRY_BASE_SECONDS: "0.1",
    MAIL_RATE_PER_MINUTE: "0",
    ...extra,
  });

let counter = 0;
function message(overrides: Partial<Parameters<typeof enqueueMessage>[1]> = {}) {
  const n = ++counter;
  return {
    idempotencyKey: `test:${n}`,
    messageId: `<m${n}.${Date.now()}@near.example.org>`,
    kind: "test",
    locale: "ko" as const,
    to: [{ name: "경상북도지사 비서실", address: `office${n}@example.org` }],
    cc: [{ address: `focal${n}@example.org` }],
    subject: `제15차 NEAR 총회 초청 — Приглашение ${n}`,
    html: `<p lang="ko">존경하는 도지사님께 ${n}</p>`,
    text: `존경하는 도지사님께 ${n}`,
    ics: { name: "총회.ics", content: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n" },
    ...overrides,
  };
}

describe(`mail worker and SMTP (${databaseLabel})`, () => {
  let t: TestDb;
  let sink: SmtpSink;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    sink = await new SmtpSink().start();
    await resumeQueue(t.db);
    // each test starts with an empty queue: nothing left over from the one before
    await t.db.updateTable("email_message").set({ status: "cancelled" }).where("status", "in", ["queued", "deferred", "sending"]).execute();
  });
  afterEach(() => sink.stop());

  const worker = (extra: Record<string, string> = {}) =>
    startMailWorker({ db: t.db, env: envFor({ SMTP_URL: sink.url(), MAIL_SMTP_TIMEOUT_SECONDS: "1", ...extra }), loop: false, random: () => 0.5 });

  it("without SMTP_URL keeps messages in the local mailbox, marked as not sent", async () => {
    const m = message();
    await enqueueMessage(t.db, m);
    const w = startMailWorker({ db: t.db, env: envFor({}), loop: false });
    expect(await w.runOnce()).toBe(1);
    await w.stop();
    const row = await t.db.selectFrom("email_message").select(["status", "sent_at"]).where("idempotency_key", "=", m.idempotencyKey).executeTakeFirstOrThrow();
    expect(row.status).toBe("local");
  });

  it("delivers over SMTP with non-Latin text intact, the .ics attached and the Message-ID kept", async () => {
    const m = message();
    await enqueueMessage(t.db, m);
    const w = worker();
    await w.runOnce();
    await w.stop();
    expect(sink.messages).toHaveLength(1);
    const mail = sink.messages[0];
    expect(mail.subject).toBe(m.subject);
    expect(mail.text?.trim()).toBe(m.text);
    expect(mail.html).toContain("존경하는 도지사님께");
    expect(mail.messageId).toBe(m.messageId);
    expect(mail.from?.value[0]).toEqual({ name: "NEAR Secretariat", address: "secretariat@near.example.org" });
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0]).toEqual({ name: "경상북도지사 비서실", address: m.to[0].address });
    expect(mail.attachments[0]).toMatchObject({ filename: "총회.ics", contentType: "text/calendar" });
    const row = await t.db
      .selectFrom("email_message")
      .select(["status", "attempts", "last_reply"])
      .where("idempotency_key", "=", m.idempotencyKey)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
    expect(row.last_reply).toMatch(/^250/);
  });

  it("while the process is busy answering people, mail goes out in small batches a pause apart, and all of it goes", async () => {
    for (let i = 0; i < 12; i++) await enqueueMessage(t.db, message());
    let busy = true;
    const w = startMailWorker({
      db: t.db,
      env: envFor({ SMTP_URL: sink.url(), MAIL_SMTP_TIMEOUT_SECONDS: "1" }),
      pollMs: 60_000,
      random: () => 0.5,
      busy: () => busy,
    });
    try {
      await expect.poll(() => sink.messages.length, { timeout: 10_000 }).toBe(BUSY_BATCH);
      // the pause between busy batches (BUSY_PAUSE_MS): nothing more for a while
      await new Promise((resolve) => setTimeout(resolve, BUSY_PAUSE_MS / 3));
      expect(sink.messages.length).toBe(BUSY_BATCH);
      await expect.poll(() => sink.messages.length, { timeout: 10_000 }).toBe(2 * BUSY_BATCH);
      // quiet again: the rest in one full batch
      busy = false;
      await expect.poll(() => sink.messages.length, { timeout: 10_000 }).toBe(12);
    } finally {
      await w.stop();
    }
  });

  it("the same idempotency key twice enqueues one message", async () => {
    const m = message();
    expect(await enqueueMessage(t.db, m)).toBe(true);
    expect(await enqueueMessage(t.db, { ...m, subject: "again" })).toBe(false);
    const rows = await t.db.selectFrom("email_message").select("id").where("idempotency_key", "=", m.idempotencyKey).execute();
    expect(rows).toHaveLength(1);
  });

  it("451 then 250: deferred with backoff, then delivered", async () => {
    const m = message();
    await enqueueMessage(t.db, m);
    sink.answer("451");
    const w = worker();
    await w.runOnce();
    const deferred = await t.db
      .selectFrom("email_message")
      .select(["status", "last_reply", "next_attempt_at"])
      .where("idempotency_key", "=", m.idempotencyKey)
      .executeTakeFirstOrThrow();
    expect(deferred.status).toBe("deferred");
    expect(deferred.last_reply).toContain("451");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await w.runOnce();
    await w.stop();
    const sent = await t.db
      .selectFrom("email_message")
      .select(["status", "attempts"])
      .where("idempotency_key", "=", m.idempotencyKey)
      .executeTakeFirstOrThrow();
    expect(sent).toEqual({ status: "sent", attempts: 2 });
    expect(sink.messages.map((x) => x.messageId)).toEqual([m.messageId]);
  });

  it("550: failed at once with the server's reply stored", async () => {
    const m = message();
    await enqueueMessage(t.db, m);
    sink.answer("550");
    const w = worker();
    await w.runOnce();
    await w.stop();
    const row = await t.db
      .selectFrom("email_message")
      .select(["status", "attempts", "last_reply"])
      .where("idempotency_key", "=", m.idempotencyKey)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    expect(row.attempts).toBe(1);
    expect(row.last_reply).toContain("550 5.1.1 Mailbox unavailable");
  });

  it("535: the queue pauses and no attempt is consumed", async () => {
    await sink.stop();
    sink = await new SmtpSink({ requireAuth: true }).start();
    sink.refuseAuth = true;
    const m = message();
    await enqueueMessage(t.db, m);
    const w = startMailWorker({ db: t.db, env: envFor({ SMTP_URL: sink.url(true) }), loop: false });
    await w.runOnce();
    const row = await t.db.selectFrom("email_message").select(["status", "attempts"]).where("idempotency_key", "=", m.idempotencyKey).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "queued", attempts: 0 });
    expect((await getQueueState(t.db)).pauseReason).toContain("535");
    expect(await w.runOnce()).toBe(0); // paused: nothing is claimed
    await w.stop();
  });

  it("a stalled server times out; the worker stays responsive and defers the message", async () => {
    const m = message();
    await enqueueMessage(t.db, m);
    sink.answer("stall");
    const w = worker({ MAIL_SMTP_TIMEOUT_SECONDS: "1" });
    const started = Date.now();
    await w.runOnce();
    expect(Date.now() - started).toBeLessThan(15_000);
    await w.stop();
    const row = await t.db
      .selectFrom("email_message")
      .select(["status", "last_reply"])
      .where("idempotency_key", "=", m.idempotencyKey)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("deferred");
  });

  it("two workers at once send each message once", async () => {
    for (let i = 0; i < 12; i++) await enqueueMessage(t.db, message({ kind: "race" }));
    const a = worker();
    const b = worker();
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    await Promise.all([a.stop(), b.stop()]);
    const ids = sink.messages.map((x) => x.messageId);
    expect(ids.length).toBe(12);
    expect(new Set(ids).size).toBe(12);
  });

  it("a dead worker's lease runs out and the message comes back", async () => {
    const m = message();
    await enqueueMessage(t.db, m);
    await t.db
      .updateTable("email_message")
      .set({ status: "sending", leased_by: "dead-worker", lease_until: sql`now() - interval '1 second'`, attempts: 1 })
      .where("idempotency_key", "=", m.idempotencyKey)
      .execute();
    const w = worker();
    await w.runOnce();
    await w.stop();
    const row = await t.db.selectFrom("email_message").select(["id"]).where("idempotency_key", "=", m.idempotencyKey).executeTakeFirstOrThrow();
    expect((await getMessage(t.db, { id: row.id }))!).toMatchObject({ status: "sent", attempts: 2 });
  });
});
