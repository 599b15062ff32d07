import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { LETTER_RENDER_ATTEMPTS, startMailWorker } from "~/mail/worker.server";
import { saveMessageDocuments } from "~/models/attachment.server";
import { enqueueMessage } from "~/models/email-message.server";
import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";
import { SmtpSink } from "../helpers/smtp-sink";

const env = (smtp: string) =>
  parseEnv({
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "plenary-render-")),
    MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>",
    MAIL_RETRY_BASE_SECONDS: "0.1",
    MAIL_RATE_PER_MINUTE: "0",
    SMTP_URL: smtp,
  });

const letter = (n: number) => ({
  idempotencyKey: `invitation:render-${n}`,
  messageId: `<render${n}.${Date.now()}@near.example.org>`,
  kind: "invitation",
  locale: "ru" as const,
  to: [{ address: `office${n}@example.org` }],
  cc: [],
  subject: `Приглашение ${n}`,
  html: `<p>Приглашение ${n}</p>`,
  text: `Приглашение ${n}`,
});

/**
 * A PDF letter that cannot be rendered (here: its stored text is damaged) is not retried for ever: the message is
 * tried a bounded number of times through the queue's own retries, then failed with the reason, which the Mail
 * log shows; the other letters of the wave go out meanwhile.
 */
describe(`a PDF letter that fails to render (${databaseLabel})`, () => {
  let t: TestDb;
  let sink: SmtpSink;
  beforeAll(async () => {
    t = await createTestDb();
    sink = await new SmtpSink().start();
  });
  afterAll(async () => {
    await sink.stop();
    await t.close();
  });

  it("fails the message with the reason after a bounded number of attempts; the rest of the wave is sent", async () => {
    for (const n of [1, 2, 3]) await enqueueMessage(t.db, letter(n));
    // the second letter's PDF: a page whose text was lost, which the renderer cannot lay out
    await saveMessageDocuments(t.db, {
      idempotencyKey: "invitation:render-2",
      letter: { fileName: "letter.pdf", createdAt: new Date().toISOString(), pages: [{ lang: "ru", subject: "Приглашение" }] },
      attachmentIds: [],
    });
    const row = () =>
      t.db
        .selectFrom("email_message")
        .select(["status", "attempts", "last_reply", "recipients", "lease_until"])
        .where("idempotency_key", "=", "invitation:render-2")
        .executeTakeFirstOrThrow();
    const worker = startMailWorker({ db: t.db, env: env(sink.url()), loop: false, random: () => 0.5 });
    try {
      expect(await worker.runOnce()).toBe(3);
      expect(sink.messages.map((m) => m.subject).sort()).toEqual(["Приглашение 1", "Приглашение 3"]);
      const first = await row();
      expect(first).toMatchObject({ status: "deferred", attempts: 1, lease_until: null });
      expect(first.last_reply).toMatch(/PDF letter/);

      for (let attempt = 2; attempt <= LETTER_RENDER_ATTEMPTS; attempt++) {
        await t.db
          .updateTable("email_message")
          .set({ next_attempt_at: new Date(0) })
          .where("idempotency_key", "=", "invitation:render-2")
          .execute();
        expect(await worker.runOnce()).toBe(1);
      }
      const last = await row();
      expect(last.status).toBe("failed");
      expect(last.attempts).toBe(LETTER_RENDER_ATTEMPTS);
      expect(last.last_reply).toMatch(/PDF letter could not be rendered/);
      expect(last.recipients).toEqual([expect.objectContaining({ address: "office2@example.org", state: "failed" })]);
      // nothing is due any more: the message is not tried again
      await t.db
        .updateTable("email_message")
        .set({ next_attempt_at: new Date(0) })
        .where("idempotency_key", "=", "invitation:render-2")
        .execute();
      expect(await worker.runOnce()).toBe(0);
      expect(sink.messages).toHaveLength(2);
    } finally {
      await worker.stop();
    }
  });

  it("a letter that fails inside the render pool (its letterhead lost) fails the same way, and the worker keeps going", async () => {
    // the text survived (so nothing fails before the render pool), the letterhead did not
    const page = { lang: "ru", date: "1 декабря 2026 г.", addressee: ["Приморский край"], subject: "Приглашение", paragraphs: ["Уважаемый губернатор!"] };
    await enqueueMessage(t.db, letter(4));
    await saveMessageDocuments(t.db, {
      idempotencyKey: "invitation:render-4",
      letter: { fileName: "letter.pdf", createdAt: new Date().toISOString(), pages: [page] },
      attachmentIds: [],
    });
    const worker = startMailWorker({ db: t.db, env: env(sink.url()), loop: false, random: () => 0.5 });
    try {
      for (let attempt = 1; attempt <= LETTER_RENDER_ATTEMPTS; attempt++) {
        await t.db
          .updateTable("email_message")
          .set({ next_attempt_at: new Date(0) })
          .where("idempotency_key", "=", "invitation:render-4")
          .execute();
        expect(await worker.runOnce()).toBe(1);
      }
      // the same worker still sends the next message
      await enqueueMessage(t.db, letter(5));
      expect(await worker.runOnce()).toBe(1);
    } finally {
      await worker.stop();
    }
    const row = await t.db
      .selectFrom("email_message")
      .select(["status", "last_reply"])
      .where("idempotency_key", "=", "invitation:render-4")
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    expect(row.last_reply).toMatch(/PDF letter could not be rendered \(attempt 3 of 3\)/);
    expect(sink.messages.map((m) => m.subject)).not.toContain("Приглашение 4");
    expect(sink.messages.map((m) => m.subject)).toContain("Приглашение 5");
  });
});
