import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { verpAddress } from "~/lib/verp.server";
import { type MailIntake, startMailIntake } from "~/mail/intake.server";
import { enqueueMessage } from "~/models/email-message.server";
import { suppressedAmong } from "~/models/mail-suppression.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const SECRET = "i".repeat(40);
const env = parseEnv({
  DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "plenary-intake-")),
  SESSION_SECRET: SECRET,
  MAIL_RETURN_PATH: "bounces@near.example.org",
  MAIL_INBOUND_MAX_BYTES: "20000",
});

const dsnFor = (address: string) =>
  [
    "From: MAILER-DAEMON@relay.example.org",
    "Subject: Undelivered Mail Returned to Sender",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    "",
    "--b",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; relay.example.org",
    "",
    `Final-Recipient: rfc822; ${address}`,
    "Action: failed",
    "Status: 5.1.1",
    "",
    "--b--",
    "",
  ].join("\r\n");

describe(`the inbound SMTP listener (${databaseLabel})`, () => {
  let t: TestDb;
  let intake: MailIntake;
  let client: ReturnType<typeof nodemailer.createTransport>;
  beforeAll(async () => {
    t = await createTestDb();
    intake = await startMailIntake({ db: t.db, env, port: 0, host: "127.0.0.1" });
    client = nodemailer.createTransport({ host: "127.0.0.1", port: intake.port, ignoreTLS: true });
  });
  afterAll(async () => {
    client.close();
    await intake.stop();
  });

  it("a late DSN to a message's VERP address bounces that recipient only (never an address the message did not have)", async () => {
    await enqueueMessage(t.db, {
      idempotencyKey: "intake:1",
      messageId: "<intake1@near.example.org>",
      kind: "invitation",
      locale: "ja",
      to: [{ address: "chiji@pref.example.jp" }],
      cc: [{ address: "kokusai@pref.example.jp" }],
      subject: "招待",
      html: "<p>招待</p>",
      text: "招待",
    });
    const row = await t.db.selectFrom("email_message").select("id").where("idempotency_key", "=", "intake:1").executeTakeFirstOrThrow();
    const recipients = [
      { address: "chiji@pref.example.jp", field: "to", state: "accepted" },
      { address: "kokusai@pref.example.jp", field: "cc", state: "accepted" },
    ];
    await t.db
      .updateTable("email_message")
      .set({ status: "sent", recipients: JSON.stringify(recipients) })
      .where("id", "=", row.id)
      .execute();
    const verp = verpAddress(env.MAIL_RETURN_PATH!, row.id, SECRET);
    // the DSN names the head's address and, forged, one that was never a recipient
    const raw = dsnFor("chiji@pref.example.jp")
      .replace("--b--", `--b\r\n\r\n--b--`)
      .replace("Status: 5.1.1\r\n", "Status: 5.1.1\r\n\r\nFinal-Recipient: rfc822; someone.else@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n");
    await client.sendMail({ envelope: { from: "", to: [verp] }, raw });
    const after = await t.db.selectFrom("email_message").select(["status", "to_undelivered", "recipients"]).where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(after.status).toBe("bounced");
    expect(after.to_undelivered).toBe(true);
    expect(after.recipients.map((r) => r.state)).toEqual(["bounced", "accepted"]);
    const suppressed = await suppressedAmong(t.db, ["chiji@pref.example.jp", "someone.else@example.org", "kokusai@pref.example.jp"]);
    expect([...suppressed.keys()]).toEqual(["chiji@pref.example.jp"]);
  });

  it("a message over MAIL_INBOUND_MAX_BYTES is refused with 552 and stores nothing", async () => {
    const before = await t.db
      .selectFrom("inbound_mail")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    await expect(
      client.sendMail({ envelope: { from: "a@example.org", to: ["secretariat@near.example.org"] }, raw: `Subject: big\r\n\r\n${"x".repeat(60_000)}\r\n` }),
    ).rejects.toMatchObject({
      responseCode: 552,
    });
    const after = await t.db
      .selectFrom("inbound_mail")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("while the database is unreachable it answers 451, so the sending server keeps the mail and tries again", async () => {
    await t.close();
    await expect(client.sendMail({ envelope: { from: "", to: ["bounces@near.example.org"] }, raw: dsnFor("x@example.org") })).rejects.toMatchObject({
      responseCode: 451,
    });
  });
});
