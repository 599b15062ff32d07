import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { classifySendError, createMailTransport, ThreadedTransport } from "~/mail/transport.server";
import { SmtpSink } from "../../tests/helpers/smtp-sink";

/**
 * The SMTP connections of the mail worker live in a thread of their own (issue 15). What the worker relies on:
 * the relay's answers and errors come back with their fields, and a thread that dies fails what it held as a
 * transient connection error (the message is tried again, with the same Message-ID) and is replaced.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-transport-"));

describe("the SMTP thread", () => {
  let sink: SmtpSink;
  let transport: ThreadedTransport;
  beforeEach(async () => {
    sink = await new SmtpSink().start();
    const env = parseEnv({ DATA_DIR: dataDir, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_SMTP_TIMEOUT_SECONDS: "5" });
    transport = createMailTransport(env, null, { thread: true }) as ThreadedTransport;
    expect(transport).toBeInstanceOf(ThreadedTransport);
  });
  afterEach(async () => {
    transport.close();
    await sink.stop();
  });

  const mail = (n: number) => ({
    from: "secretariat@near.example.org",
    to: `governor${n}@liaoning.example.cn`,
    subject: `第16届NEAR全体会议邀请函 ${n}`,
    text: `尊敬的省长 ${n}`,
    messageId: `<t${n}@near.example.org>`,
  });

  it("hands back the relay's refusal with its fields, as nodemailer gives it", async () => {
    sink.answer("550");
    const error = await transport.sendMail(mail(1)).then(
      () => null,
      (e: unknown) => e as { responseCode?: number; response?: string; command?: string },
    );
    expect(error).toMatchObject({ responseCode: 550, command: "DATA" });
    expect(error?.response).toMatch(/Mailbox unavailable/);
    expect(classifySendError(error).kind).toBe("permanent");
    await transport.sendMail(mail(2));
    expect(sink.messages.map((m) => m.messageId)).toEqual(["<t2@near.example.org>"]);
  });

  it("a thread that dies mid-send fails the message as a transient connection error; the next message starts a new thread", async () => {
    sink.answer("stall");
    const sending = transport.sendMail(mail(3)).then(
      () => null,
      (e: unknown) => e as { code?: string; message?: string },
    );
    // the message is with the relay (DATA sent, no answer yet) when the thread ends
    await expect.poll(() => sink.received, { timeout: 5000 }).toBe(1);
    await transport.terminateThread();
    const error = await sending;
    expect(error).toMatchObject({ code: "ECONNECTION" });
    expect(error?.message).toMatch(/SMTP thread ended/);
    expect(classifySendError(error).kind).toBe("transient");

    // tried again, with the same Message-ID: a new thread takes it
    await transport.sendMail(mail(3));
    expect(sink.messages.map((m) => m.messageId)).toEqual(["<t3@near.example.org>"]);
  });
});
