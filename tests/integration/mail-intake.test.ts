import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { createAssembly } from "../helpers/events";
import { locationOf, TestClient } from "../helpers/http";
import { freePort } from "../helpers/ports";
import { inviteCountry, waitFor } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";

/**
 * Issue 16 §5, as a secretariat lives it: invitations go out through a real SMTP server with a VERP return
 * path; an hour later the relay sends bounces back, a governor's office answers by email, another is out of
 * office. A real SMTP client delivers those to Plenary's inbound listener, and the event page, the reply page,
 * the Mail log and the next reminder show the consequences.
 */
const RETURN_PATH = "bounces@near.example.org";

const CRLF = (text: string) => text.replace(/\r?\n/g, "\r\n");
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

function dsn({ to, failed, originalId, subject }: { to: string; failed: string; originalId: string; subject: string }) {
  return CRLF(`From: Mail Delivery System <MAILER-DAEMON@relay.near.example.org>
To: ${to}
Subject: =?UTF-8?B?${b64(subject)}?=
Date: Sat, 05 Dec 2026 10:00:00 +0000
Message-ID: <dsn-${Date.now()}@relay.near.example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=utf-8

Your message could not be delivered to one or more recipients.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.near.example.org
Arrival-Date: Sat, 05 Dec 2026 09:00:00 +0000

Final-Recipient: rfc822; ${failed}
Original-Recipient: rfc822;${failed}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <${failed}>: Recipient address rejected:
 User unknown in virtual mailbox table

--BOUNDARY
Content-Type: text/rfc822-headers

From: NEAR Secretariat <secretariat@near.example.org>
To: ${failed}
Subject: Invitation
Message-ID: ${originalId}

--BOUNDARY--
`);
}

function chineseBounce({ failed, originalId }: { failed: string; originalId: string }) {
  const body = `您好，很抱歉，您发送的邮件未能投递到以下收件人：

${failed}
    550 5.1.1 用户不存在 (mailbox not found)

----- 原邮件信息 -----
Message-ID: ${originalId}
Subject: Invitation
`;
  return CRLF(`From: =?UTF-8?B?${b64("系统管理员")}?= <postmaster@mail.example.cn>
To: ${RETURN_PATH}
Subject: =?UTF-8?B?${b64("系统退信")}?=
Date: Sat, 05 Dec 2026 11:00:00 +0800
Message-ID: <bounce-cn-${Date.now()}@mail.example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

${b64(body)}
`);
}

function outOfOffice({ from, inReplyTo }: { from: string; inReplyTo: string }) {
  return CRLF(`From: ${from}
To: secretariat@near.example.org
Subject: =?UTF-8?B?${b64("자동 응답: 제16차 NEAR 총회 초청")}?=
Date: Sat, 05 Dec 2026 12:00:00 +0900
Message-ID: <ooo-${Date.now()}@gb.example.kr>
In-Reply-To: ${inReplyTo}
Auto-Submitted: auto-replied
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

${b64("12월 10일까지 부재중입니다.")}
`);
}

function humanReply({ inReplyTo }: { inReplyTo: string }) {
  const body = `Уважаемый Секретариат!

Губернатор примет участие в Генеральной ассамблее. Делегация: 3 человека, список пришлём позже.

С уважением,
Отдел международных связей

05.12.2026, 10:00, NEAR Secretariat <secretariat@near.example.org> пишет:
> Уважаемый господин губернатор,
> ссылка на ответ: https://plenary.example.org/r/SECRET-LINK-MUST-NOT-BE-SHOWN
`;
  return CRLF(`From: =?UTF-8?B?${b64("Отдел международных связей")}?= <intl@primorsky.example.ru>
To: secretariat@near.example.org
Subject: =?UTF-8?B?${b64("Re: Приглашение на 16-ю Генеральную ассамблею")}?=
Date: Sat, 05 Dec 2026 13:00:00 +1000
Message-ID: <reply-${Date.now()}@primorsky.example.ru>
In-Reply-To: ${inReplyTo}
References: ${inReplyTo}
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

${b64(body)}
`);
}

describe(`late bounces, auto-replies and replies by email reach the event page (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let staff: TestClient;
  let inboundPort = 0;
  let eventPath = "";
  let relay: ReturnType<typeof nodemailer.createTransport>;

  const deliver = (raw: string, envelope: { from: string; to: string[] }) => relay.sendMail({ envelope, raw });

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    inboundPort = await freePort();
    server = await startTestServer(
      { SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2", MAIL_RETURN_PATH: RETURN_PATH, MAIL_INBOUND_PORT: String(inboundPort) },
      database,
    );
    relay = nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, ignoreTLS: true, pool: false });
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
    eventPath = await createAssembly(staff, { contactEmail: "secretariat@near.example.org" });
    await inviteCountry(staff, sink, { eventPath, country: "RU", count: 3 });
  }, 180_000);

  afterAll(async () => {
    relay?.close();
    await server?.stop();
    await database?.dispose();
    await sink?.stop();
  });

  it("a DSN to the VERP address, a Chinese bounce without one, an out-of-office and a Russian reply each end where they should", async () => {
    const sent = sink.messages.map((m, i) => ({
      id: m.messageId!,
      to: (m.to as { value: { address: string }[] }).value[0].address,
      returnPath: sink.envelopes[i].mailFrom,
    }));
    expect(sent).toHaveLength(3);
    expect(sent.every((s) => /^bounces\+[0-9a-f]{40}@near\.example\.org$/.test(s.returnPath))).toBe(true);
    const [first, second, third] = sent;

    // 1. the relay's DSN, to the VERP address of the first invitation (with a Russian subject)
    await deliver(dsn({ to: first.returnPath, failed: first.to, originalId: "<unrelated@elsewhere>", subject: "Недоставленное сообщение" }), {
      from: "",
      to: [first.returnPath],
    });
    // 2. a Chinese provider's own bounce format, to the bare return path: matched by the quoted Message-ID
    await deliver(chineseBounce({ failed: second.to, originalId: second.id }), { from: "", to: [RETURN_PATH] });
    // 3. an out-of-office (Korean subject) and 4. a human reply (Russian) to the third invitation
    await deliver(outOfOffice({ from: third.to, inReplyTo: third.id }), { from: third.to, to: ["secretariat@near.example.org"] });
    await deliver(humanReply({ inReplyTo: third.id }), { from: "intl@primorsky.example.ru", to: ["secretariat@near.example.org"] });
    // 5. garbage
    await deliver("\u0000\u0001 not a message at all \r\n\r\n\u00ff", { from: "x@example.org", to: ["secretariat@near.example.org"] });

    // the event page: two members flagged as not delivered, one with a reply by email
    const eventPage = await (await staff.get(eventPath)).text();
    expect(eventPage).toContain(`Not delivered to ${first.to}`);
    expect(eventPage).toContain(`Not delivered to ${second.to}`);
    expect(eventPage).not.toContain(`Not delivered to ${third.to}`);
    expect(eventPage.match(/Replied by email on/g)).toHaveLength(1);

    // the staff reply page of the third member shows the text, without the quoted original and its link
    const replyLink = eventPage.match(/href="([^"]+\/replies\/[0-9a-f-]{36})#emailed-replies"/)![1];
    const replyPage = await (await staff.get(replyLink)).text();
    expect(replyPage).toContain("Губернатор примет участие в Генеральной ассамблее");
    expect(replyPage).toContain("intl@primorsky.example.ru");
    expect(replyPage).not.toContain("SECRET-LINK-MUST-NOT-BE-SHOWN");
    expect(replyPage).not.toContain("부재중");

    // the Mail log filters bounced messages; both addresses are suppressed with the diagnostic
    const bounced = await (await staff.get("/mail?status=bounced")).text();
    expect(bounced).toContain(first.to);
    expect(bounced).toContain(second.to);
    expect(bounced).not.toContain(third.to);
    const suppressions = await (await staff.get("/mail/suppressions")).text();
    expect(suppressions).toContain(first.to);
    expect(suppressions).toContain(second.to);
    expect(suppressions).toContain("User unknown");

    // Received mail lists all five, each recognised as what it is
    const received = await (await staff.get("/mail/received")).text();
    for (const kind of ["Bounce", "Automatic reply", "Reply by email", "Other"]) expect(received).toContain(kind);
    expect((await (await staff.get("/mail/received?kind=bounce")).text()).match(/badge inbound-bounce/g)).toHaveLength(2);

    // the CSV export carries each recipient's outcome
    const csv = await (await staff.get("/mail.csv?status=bounced")).text();
    expect(csv).toContain(`${first.to}=bounced`);
    expect(csv.split("\n").filter(Boolean)).toHaveLength(3); // header + 2
  });

  it("the next reminder never mails a bounced address again: those members' reminders are suppressed", async () => {
    const before = sink.messages.length;
    const page = await (await staff.get(eventPath)).text();
    const batch = page.match(/name="batch" value="([0-9a-f-]{36})"/)![1];
    expect((await staff.post(eventPath, { intent: "remind", batch })).status).toBe(302);
    const bouncedTo = new Set(sink.messages.slice(0, 2).map((m) => (m.to as { value: { address: string }[] }).value[0].address));
    // the third member's reminder goes out; the two others are settled as suppressed without a connection for them
    await waitFor(() => sink.messages.length >= before + 1);
    const mailLog = async () => (await (await staff.get("/mail?status=suppressed")).text()).match(/badge mail-suppressed/g)?.length ?? 0;
    const deadline = Date.now() + 20_000;
    while ((await mailLog()) < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await mailLog()).toBe(2);
    const rcpts = sink.envelopes.slice(before).flatMap((e) => e.rcptTo);
    expect(rcpts.filter((a) => bouncedTo.has(a))).toEqual([]);
    const eventPage = await (await staff.get(eventPath)).text();
    expect(eventPage.match(/Not sent \(suppressed\)/g)?.length).toBe(2);
  });

  it("lifting a suppression from the member's page warning lets mail through again, and is audited", async () => {
    const address = (sink.messages[0].to as { value: { address: string }[] }).value[0].address;
    const page = await (await staff.get(`/mail/suppressions?q=${encodeURIComponent(address)}`)).text();
    expect(page).toContain(address);
    expect(locationOf(await staff.post("/mail/suppressions", { intent: "lift", address }))).toBe(`/mail/suppressions?lifted=${encodeURIComponent(address)}`);
    expect(await (await staff.get("/mail/suppressions")).text()).not.toContain(`<td>${address}</td>`);
    const audit = await (await staff.get("/settings/audit")).text();
    expect(audit).toContain("Suppressed address lifted");
    // a hand-made entry with a malformed address is refused with a message, not stored
    const refused = await staff.post("/mail/suppressions", { intent: "add", address: "not an address" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/id="add-error"[^>]*>[^<]*valid email address/);
  });
});
