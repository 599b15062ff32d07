import { describe, expect, it } from "vitest";

import { classifyInbound } from "~/lib/inbound-mail.server";

/** A raw message from lines, CRLF line endings as on the wire. */
const crlf = (...lines: string[]) => lines.join("\r\n");
/** An RFC 2047 encoded word, base64 UTF-8. */
const word = (text: string) => `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
/** A base64 body in 76-character lines. */
const base64 = (text: string) =>
  (
    Buffer.from(text.replace(/\n/g, "\r\n"), "utf8")
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join("\r\n");

const postfixDsn = crlf(
  "Return-Path: <>",
  "Received: by mx.near.example.org (Postfix) id 8A3F1C0E; Tue,  1 Sep 2027 10:00:05 +0800 (CST)",
  "Date: Tue,  1 Sep 2027 10:00:05 +0800 (CST)",
  "From: MAILER-DAEMON@mx.near.example.org (Mail Delivery System)",
  "Subject: Undelivered Mail Returned to Sender",
  "To: invitations@near.example.org",
  "Auto-Submitted: auto-replied",
  "MIME-Version: 1.0",
  'Content-Type: multipart/report; report-type=delivery-status; boundary="8A3F1C0E.1788184805/mx.near.example.org"',
  "Content-Transfer-Encoding: 7bit",
  "Message-Id: <20270901020005.8A3F1C0E@mx.near.example.org>",
  "",
  "This is a MIME-encapsulated message.",
  "",
  "--8A3F1C0E.1788184805/mx.near.example.org",
  "Content-Description: Notification",
  "Content-Type: text/plain; charset=us-ascii",
  "",
  "This is the mail system at host mx.near.example.org.",
  "",
  "I'm sorry to have to inform you that your message could not",
  "be delivered to one or more recipients. It's attached below.",
  "",
  "<protocol@mfa.gov.example>: host mx.mfa.gov.example[203.0.113.5] said: 550",
  "    5.1.1 <protocol@mfa.gov.example>: Recipient address rejected: User unknown",
  "    in virtual mailbox table (in reply to RCPT TO command)",
  "",
  "--8A3F1C0E.1788184805/mx.near.example.org",
  "Content-Description: Delivery report",
  "Content-Type: message/delivery-status",
  "",
  "Reporting-MTA: dns; mx.near.example.org",
  "X-Postfix-Queue-ID: 8A3F1C0E",
  "X-Postfix-Sender: rfc822; invitations@near.example.org",
  "Arrival-Date: Tue,  1 Sep 2027 10:00:01 +0800 (CST)",
  "",
  "Final-Recipient: rfc822; protocol@mfa.gov.example",
  "Original-Recipient: rfc822;protocol@mfa.gov.example",
  "Action: failed",
  "Status: 5.1.1",
  "Remote-MTA: dns; mx.mfa.gov.example",
  "Diagnostic-Code: smtp; 550 5.1.1 <protocol@mfa.gov.example>: Recipient address",
  "    rejected: User unknown in virtual mailbox table",
  "",
  "--8A3F1C0E.1788184805/mx.near.example.org",
  "Content-Description: Undelivered Message Headers",
  "Content-Type: text/rfc822-headers",
  "",
  "Return-Path: <invitations@near.example.org>",
  "From: Plenary <invitations@near.example.org>",
  "To: protocol@mfa.gov.example",
  "Subject: Invitation",
  "Message-ID: <abc123@near.example.org>",
  "",
  "--8A3F1C0E.1788184805/mx.near.example.org--",
  "",
);

const exchangeDsn = crlf(
  "From: postmaster@mfa.gov.example",
  "To: <invitations@near.example.org>",
  "Date: Wed, 2 Sep 2027 09:15:00 +0000",
  "Subject: Undeliverable: Invitation to the forum",
  'Content-Type: multipart/report; report-type=delivery-status; boundary="_000_EXCH01_"',
  "Message-ID: <ndr-1@EXCH01.mfa.gov.example>",
  "In-Reply-To: <def456@near.example.org>",
  "References: <def456@near.example.org>",
  "Auto-Submitted: auto-replied",
  "X-MS-Exchange-Message-Is-Ndr:",
  "MIME-Version: 1.0",
  "",
  "--_000_EXCH01_",
  'Content-Type: multipart/alternative; boundary="_alt_EXCH01_"',
  "",
  "--_alt_EXCH01_",
  'Content-Type: text/plain; charset="us-ascii"',
  "",
  "Delivery has failed to these recipients or groups:",
  "",
  "minister@mfa.gov.example",
  "The email address you entered couldn't be found.",
  "",
  "Diagnostic information for administrators:",
  "",
  "Generating server: EXCH01.mfa.gov.example",
  "",
  "minister@mfa.gov.example",
  "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
  "",
  "--_alt_EXCH01_",
  'Content-Type: text/html; charset="us-ascii"',
  "",
  "<html><body><p>Delivery has failed to these recipients or groups:</p></body></html>",
  "--_alt_EXCH01_--",
  "",
  "--_000_EXCH01_",
  "Content-Type: message/delivery-status",
  "",
  "Reporting-MTA: dns;EXCH01.mfa.gov.example",
  "Received-From-MTA: dns;mx.near.example.org",
  "Arrival-Date: Wed, 2 Sep 2027 09:14:58 +0000",
  "",
  "Final-Recipient: rfc822;minister@mfa.gov.example",
  "Action: failed",
  "Status: 5.1.10",
  "Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
  "",
  "--_000_EXCH01_",
  "Content-Type: message/rfc822",
  "",
  "From: Plenary <invitations@near.example.org>",
  "To: <minister@mfa.gov.example>",
  "Subject: Invitation to the forum",
  "Message-ID: <def456@near.example.org>",
  "MIME-Version: 1.0",
  'Content-Type: text/plain; charset="utf-8"',
  "",
  "Dear Minister, we have the honour to invite you.",
  "--_000_EXCH01_--",
  "",
);

/** Gmail style: two failed, one delivered (NOTIFY=SUCCESS), no attached original but its Message-ID in the text. */
const mixedDsn = crlf(
  "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
  "To: invitations@near.example.org",
  "Subject: Delivery Status Notification (Failure)",
  "Date: Thu, 03 Sep 2027 01:02:03 -0700 (PDT)",
  "Message-ID: <gm-dsn-1@mx.google.com>",
  "MIME-Version: 1.0",
  'Content-Type: multipart/report; boundary="000000000000dsn"; report-type=delivery-status',
  "",
  "--000000000000dsn",
  'Content-Type: text/plain; charset="UTF-8"',
  "",
  "** Delivery incomplete **",
  "",
  "Your message to full@gov.example and closed@gov.example could not be delivered.",
  "",
  "Original message:",
  "Message-ID: <ghi789@near.example.org>",
  "",
  "--000000000000dsn",
  "Content-Type: message/delivery-status",
  "",
  "Reporting-MTA: dns; googlemail.com",
  "Arrival-Date: Thu, 03 Sep 2027 01:01:59 -0700 (PDT)",
  "",
  "Final-Recipient: rfc822; full@gov.example",
  "Action: failed",
  "Status: 5.2.2",
  "Remote-MTA: dns; mx.gov.example. (203.0.113.30, the server for the domain gov.example.)",
  "Diagnostic-Code: smtp; 552-5.2.2 The email account that you tried to reach is over quota.",
  "Last-Attempt-Date: Thu, 03 Sep 2027 01:02:03 -0700 (PDT)",
  "",
  "Final-Recipient: rfc822; closed@gov.example",
  "Action: failed",
  "Status: 5.7.1",
  "Diagnostic-Code: smtp; 550 5.7.1 Relaying denied",
  "",
  "Final-Recipient: rfc822; open@gov.example",
  "Action: delivered",
  "Status: 2.0.0",
  "",
  "--000000000000dsn--",
  "",
);

const delayDsn = crlf(
  "From: MAILER-DAEMON@mx.near.example.org (Mail Delivery System)",
  "To: invitations@near.example.org",
  "Subject: Delayed Mail (still being retried)",
  "Date: Fri, 4 Sep 2027 12:00:00 +0800",
  "Message-Id: <delay-1@mx.near.example.org>",
  "Auto-Submitted: auto-replied",
  'Content-Type: multipart/report; report-type=delivery-status; boundary="DLY"',
  "",
  "--DLY",
  "Content-Type: text/plain; charset=us-ascii",
  "",
  "This is the mail system at host mx.near.example.org.",
  "",
  "####################################################################",
  "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #",
  "####################################################################",
  "",
  "--DLY",
  "Content-Type: message/delivery-status",
  "",
  "Reporting-MTA: dns; mx.near.example.org",
  "",
  "Final-Recipient: rfc822; slow@gov.example",
  "Action: delayed",
  "Status: 4.4.1",
  "Diagnostic-Code: X-Postfix; connect to mx.gov.example[198.51.100.3]:25: Connection",
  "    timed out",
  "Will-Retry-Until: Fri, 9 Sep 2027 12:00:00 +0800",
  "",
  "--DLY",
  "Content-Type: text/rfc822-headers",
  "",
  "From: invitations@near.example.org",
  "Message-ID: <slow1@near.example.org>",
  "",
  "--DLY--",
  "",
);

const eximBounce = crlf(
  "Return-path: <>",
  "From: Mail Delivery System <Mailer-Daemon@mail.gov.example>",
  "To: invitations@near.example.org",
  "Subject: Mail delivery failed: returning message to sender",
  "Message-Id: <E1qXyZ-0001Ab-Cd@mail.gov.example>",
  "X-Failed-Recipients: chief@gov.example",
  "Auto-Submitted: auto-replied",
  "Date: Sat, 05 Sep 2027 07:30:00 +0000",
  "",
  "This message was created automatically by mail delivery software.",
  "",
  "A message that you sent could not be delivered to one or more of its",
  "recipients. This is a permanent error. The following address(es) failed:",
  "",
  "  chief@gov.example",
  "    host mx.gov.example [198.51.100.7]",
  "    SMTP error from remote mail server after RCPT TO:<chief@gov.example>:",
  "    550 5.1.1 <chief@gov.example>: Recipient address rejected: User unknown",
  "",
  "------ This is a copy of the message, including all the headers. ------",
  "",
  "Return-path: <invitations@near.example.org>",
  "From: Plenary <invitations@near.example.org>",
  "To: chief@gov.example, deputy@gov.example",
  "Subject: Invitation",
  "Message-ID: <exim1@near.example.org>",
  "",
  "Dear colleague, please reply to deputy@gov.example by 550 days from now.",
  "",
);

const qmailBounce = crlf(
  "From: MAILER-DAEMON@mx.gov.example",
  "To: invitations@near.example.org",
  "Subject: failure notice",
  "Date: 6 Sep 2027 08:00:00 -0000",
  "Message-ID: <qm1@mx.gov.example>",
  "",
  "Hi. This is the qmail-send program at mx.gov.example.",
  "I'm afraid I wasn't able to deliver your message to the following addresses.",
  "This is a permanent error; I've given up. Sorry it didn't work out.",
  "",
  "<office@gov.example>:",
  "Sorry, no mailbox here by that name. (#5.1.1)",
  "",
  "<deputy@gov.example>:",
  "198.51.100.9 does not like recipient.",
  "Remote host said: 550 5.2.1 Mailbox disabled",
  "Giving up on 198.51.100.9.",
  "",
  "--- Below this line is a copy of the message.",
  "",
  "Return-Path: <invitations@near.example.org>",
  "Message-ID: <qm-orig@near.example.org>",
  "From: invitations@near.example.org",
  "To: office@gov.example, deputy@gov.example",
  "Subject: Invitation",
  "",
  "Body text.",
  "",
);

const chineseBounce = crlf(
  "From: postmaster@mail.waiban.gov.example",
  "To: invitations@near.example.org",
  `Subject: ${word("系统退信：邀请函")}`,
  "Date: Mon, 7 Sep 2027 09:00:00 +0800",
  "Message-ID: <cnb1@mail.waiban.gov.example>",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=utf-8",
  "Content-Transfer-Encoding: base64",
  "",
  base64(
    [
      "您好，您发送的邮件未能送达以下收件人：",
      "",
      "收件人：liaison@waiban.gov.example",
      "退信原因：550 5.1.1 用户不存在 (User not found)",
      "",
      "原始邮件信息：",
      "发件人：invitations@near.example.org",
      "Message-ID: <cn1@near.example.org>",
    ].join("\n"),
  ),
  "",
);

const japaneseBounce = crlf(
  "From: MAILER-DAEMON@mx.city.example.jp",
  "To: invitations@near.example.org",
  `Subject: ${word("配信不能: 招待状")}`,
  "Date: Tue, 8 Sep 2027 10:00:00 +0900",
  "Message-ID: <jpb1@mx.city.example.jp>",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=utf-8",
  "Content-Transfer-Encoding: base64",
  "",
  base64(
    [
      "このメールは自動送信されています。",
      "",
      "以下のアドレスへの配信に失敗しました。",
      "",
      "<soumu@city.example.jp>: host mx.city.example.jp[192.0.2.10] said: 550 5.1.1",
      "    <soumu@city.example.jp>... User unknown (in reply to RCPT TO command)",
      "",
      "----- Original message headers follow -----",
      "Message-ID: <jp1@near.example.org>",
    ].join("\n"),
  ),
  "",
);

/** Raw UTF-8 in the body (8bit), given as a string: the classifier encodes it. */
const russianBounce = crlf(
  `From: ${word("Почтовая служба")} <mailer-daemon@mail.minek.example.ru>`,
  "To: invitations@near.example.org",
  `Subject: ${word("Недоставленное сообщение")}`,
  "Date: Wed, 9 Sep 2027 11:00:00 +0300",
  "Message-ID: <rub1@mail.minek.example.ru>",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=utf-8",
  "Content-Transfer-Encoding: 8bit",
  "",
  "Это письмо создано автоматически.",
  "",
  "Ваше письмо не удалось доставить по следующим адресам:",
  "",
  "<priemnaya@minek.example.ru>: host mx.minek.example.ru[203.0.113.20] said: 550 5.7.1 Message rejected",
  "",
);

function reply(headers: string[], body: string): string {
  return crlf(
    'From: "Бат-Эрдэнэ Д." <bat@mfa.gov.example.mn>',
    "To: invitations@near.example.org",
    "Date: Thu, 10 Sep 2027 14:00:00 +0800",
    "Message-ID: <CAreply1@mail.gmail.com>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    ...headers,
    "",
    base64(body),
    "",
  );
}

describe("DSN (RFC 3464)", () => {
  it("reads a Postfix DSN: the failed recipient, the folded diagnostic and the original's Message-ID", async () => {
    const mail = await classifyInbound(postfixDsn, { from: "" });
    expect(mail.kind).toBe("bounce");
    expect(mail.how).toBe("dsn");
    expect(mail.bounces).toEqual([
      {
        address: "protocol@mfa.gov.example",
        status: "5.1.1",
        diagnostic: "550 5.1.1 <protocol@mfa.gov.example>: Recipient address rejected: User unknown in virtual mailbox table",
        action: "failed",
      },
    ]);
    expect(mail.refersTo).toEqual(["<abc123@near.example.org>"]);
    expect(mail.messageId).toBe("<20270901020005.8A3F1C0E@mx.near.example.org>");
    expect(mail.from?.address).toBe("MAILER-DAEMON@mx.near.example.org");
    expect(mail.subject).toBe("Undelivered Mail Returned to Sender");
    expect(mail.date?.toISOString()).toBe("2027-09-01T02:00:05.000Z");
    expect(mail.text).toContain("could not\nbe delivered");
  });

  it("reads a Microsoft Exchange DSN with the original as message/rfc822", async () => {
    const mail = await classifyInbound(Buffer.from(exchangeDsn), { from: "<>" });
    expect(mail).toMatchObject({ kind: "bounce", how: "dsn", subject: "Undeliverable: Invitation to the forum" });
    expect(mail.bounces).toEqual([
      {
        address: "minister@mfa.gov.example",
        status: "5.1.10",
        diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        action: "failed",
      },
    ]);
    // the original's id first, then In-Reply-To and References, without repeats
    expect(mail.refersTo).toEqual(["<def456@near.example.org>"]);
    expect(mail.text).toContain("Delivery has failed to these recipients or groups:");
    expect(mail.text).not.toContain("Dear Minister");
  });

  it("lists only the failed recipients when another was delivered, and takes the original's id from the text", async () => {
    const mail = await classifyInbound(mixedDsn);
    expect(mail.kind).toBe("bounce");
    expect(mail.how).toBe("dsn");
    expect(mail.bounces.map((b) => [b.address, b.status, b.action])).toEqual([
      ["full@gov.example", "5.2.2", "failed"],
      ["closed@gov.example", "5.7.1", "failed"],
    ]);
    expect(mail.bounces[0].diagnostic).toBe("552-5.2.2 The email account that you tried to reach is over quota.");
    expect(mail.refersTo).toEqual(["<ghi789@near.example.org>"]);
    expect(mail.date?.toISOString()).toBe("2027-09-03T08:02:03.000Z");
  });

  it("is a delay when every recipient is only delayed, Auto-Submitted notwithstanding", async () => {
    const mail = await classifyInbound(delayDsn, { from: "" });
    expect(mail.kind).toBe("delay");
    expect(mail.how).toBe("dsn");
    expect(mail.bounces).toEqual([
      { address: "slow@gov.example", status: "4.4.1", diagnostic: "connect to mx.gov.example[198.51.100.3]:25: Connection timed out", action: "delayed" },
    ]);
    expect(mail.refersTo).toEqual(["<slow1@near.example.org>"]);
  });

  it("is other when every recipient was delivered, and accepts message/global-delivery-status", async () => {
    const raw = crlf(
      "From: MAILER-DAEMON@mx.gov.example",
      "Subject: Successful Mail Delivery Report",
      'Content-Type: multipart/report; report-type=global-delivery-status; boundary="G"',
      "",
      "--G",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Your message was delivered.",
      "--G",
      "Content-Type: message/global-delivery-status",
      "",
      "Reporting-MTA: dns; mx.gov.example",
      "",
      "Final-Recipient: utf-8; 总务@gov.example",
      "Action: delivered",
      "Status: 2.0.0",
      "--G",
      "Content-Type: message/global-headers",
      "",
      "Message-ID: <glob1@near.example.org>",
      "--G--",
      "",
    );
    const mail = await classifyInbound(raw);
    expect(mail).toMatchObject({ kind: "other", how: "dsn", bounces: [], refersTo: ["<glob1@near.example.org>"] });
  });

  it("prefers Original-Recipient over a rewritten Final-Recipient and infers a missing Action from the status", async () => {
    const raw = postfixDsn
      .replace("Original-Recipient: rfc822;protocol@mfa.gov.example", "Original-Recipient: rfc822;Protocol@MFA.gov.example")
      .replace("Final-Recipient: rfc822; protocol@mfa.gov.example", "Final-Recipient: rfc822; mailbox17@internal.mfa.gov.example")
      .replace("Action: failed\r\n", "");
    const mail = await classifyInbound(raw);
    expect(mail.bounces.map((b) => [b.address, b.action])).toEqual([["Protocol@MFA.gov.example", "failed"]]);
  });
});

describe("non-standard bounces", () => {
  it("reads an Exim bounce: the failed address and its code, not the addresses in the copied original", async () => {
    const mail = await classifyInbound(eximBounce);
    expect(mail.kind).toBe("bounce");
    expect(mail.how).toBe("heuristic");
    expect(mail.bounces).toEqual([
      {
        address: "chief@gov.example",
        status: "5.1.1",
        diagnostic: "550 5.1.1 <chief@gov.example>: Recipient address rejected: User unknown",
        action: "failed",
      },
    ]);
    expect(mail.refersTo).toEqual(["<exim1@near.example.org>"]);
  });

  it("reads a Qmail failure notice with two recipients", async () => {
    const mail = await classifyInbound(qmailBounce, { from: "<>" });
    expect(mail).toMatchObject({ kind: "bounce", how: "heuristic", refersTo: ["<qm-orig@near.example.org>"] });
    expect(mail.bounces).toEqual([
      { address: "office@gov.example", status: "5.1.1", diagnostic: "Sorry, no mailbox here by that name. (#5.1.1)", action: "failed" },
      { address: "deputy@gov.example", status: "5.2.1", diagnostic: "Remote host said: 550 5.2.1 Mailbox disabled", action: "failed" },
    ]);
  });

  it("reads a Chinese 退信 with an encoded-word subject and a base64 body", async () => {
    const mail = await classifyInbound(chineseBounce, { from: "" });
    expect(mail).toMatchObject({ kind: "bounce", how: "heuristic", subject: "系统退信：邀请函", refersTo: ["<cn1@near.example.org>"] });
    expect(mail.bounces).toEqual([
      { address: "liaison@waiban.gov.example", status: "5.1.1", diagnostic: "退信原因：550 5.1.1 用户不存在 (User not found)", action: "failed" },
    ]);
  });

  it("reads a Japanese 配信不能", async () => {
    const mail = await classifyInbound(japaneseBounce);
    expect(mail).toMatchObject({ kind: "bounce", how: "heuristic", subject: "配信不能: 招待状", refersTo: ["<jp1@near.example.org>"] });
    expect(mail.bounces).toEqual([
      {
        address: "soumu@city.example.jp",
        status: "5.1.1",
        diagnostic:
          "<soumu@city.example.jp>: host mx.city.example.jp[192.0.2.10] said: 550 5.1.1 <soumu@city.example.jp>... User unknown (in reply to RCPT TO command)",
        action: "failed",
      },
    ]);
  });

  it("reads a Russian Недоставленное сообщение", async () => {
    const mail = await classifyInbound(russianBounce, { from: "" });
    expect(mail).toMatchObject({ kind: "bounce", how: "heuristic", subject: "Недоставленное сообщение", refersTo: [] });
    expect(mail.from).toEqual({ name: "Почтовая служба", address: "mailer-daemon@mail.minek.example.ru" });
    expect(mail.bounces.map((b) => [b.address, b.status])).toEqual([["priemnaya@minek.example.ru", "5.7.1"]]);
  });

  it.each([
    ["Недоставлено: Приглашение", "<a@gov.example>: 550 5.1.1 no such user"],
    ["전송 실패: 초청", "<a@gov.example>: 550 5.1.1 no such user"],
    ["반송된 메일", "<a@gov.example>: 550 5.1.1 no such user"],
    ["配送エラー", "<a@gov.example>: 550 5.1.1 no such user"],
    ["投递失败", "<a@gov.example>: 550 5.1.1 no such user"],
    ["Returned mail: see transcript for details", "<a@gov.example>: 550 5.1.1 no such user"],
  ])("recognises the bounce subject %s", async (subject, line) => {
    const raw = crlf("From: postmaster@gov.example", "To: invitations@near.example.org", `Subject: ${word(subject)}`, "", line, "");
    const mail = await classifyInbound(raw);
    expect(mail.kind).toBe("bounce");
    expect(mail.bounces.map((b) => b.address)).toEqual(["a@gov.example"]);
  });

  it("is still a bounce when no address can be read, and never names the sender's own addresses", async () => {
    const raw = crlf(
      "From: MAILER-DAEMON@gov.example",
      "To: invitations@near.example.org",
      "Subject: Undeliverable: Invitation",
      "",
      "Your message from invitations@near.example.org could not be delivered: 550.",
      "Contact postmaster@gov.example.",
      "",
    );
    const mail = await classifyInbound(raw, { from: "" });
    expect(mail).toMatchObject({ kind: "bounce", how: "heuristic", bounces: [] });
  });

  it("does not take a human's 'Returned mail' subject for a bounce", async () => {
    const raw = crlf("From: clerk@gov.example", "Subject: Returned mail from last week", "", "Hello.", "");
    const mail = await classifyInbound(raw, { from: "clerk@gov.example" });
    expect(mail).toMatchObject({ kind: "other", how: "none" });
  });
});

describe("auto-replies", () => {
  it("recognises Auto-Submitted: auto-replied (Korean subject)", async () => {
    const raw = crlf(
      "From: Kim <protocol@mofa.example.kr>",
      "To: invitations@near.example.org",
      `Subject: ${word("자동 응답: 초청")}`,
      "Auto-Submitted: auto-replied",
      "In-Reply-To: <kr1@near.example.org>",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      base64("9월 14일까지 부재중입니다."),
      "",
    );
    const mail = await classifyInbound(raw, { from: "" });
    expect(mail).toMatchObject({ kind: "auto_reply", how: "auto-submitted", subject: "자동 응답: 초청", refersTo: ["<kr1@near.example.org>"], bounces: [] });
    expect(mail.text).toBe("9월 14일까지 부재중입니다.");
  });

  it("recognises an auto-reply by its Chinese subject alone", async () => {
    const raw = crlf(
      "From: wang@waiban.gov.example",
      "To: invitations@near.example.org",
      `Subject: ${word("自动回复：邀请函")}`,
      "References: <cn-inv@near.example.org>",
      "",
      "I am away.",
      "",
    );
    const mail = await classifyInbound(raw, { from: "wang@waiban.gov.example" });
    expect(mail).toMatchObject({ kind: "auto_reply", how: "subject", subject: "自动回复：邀请函", refersTo: ["<cn-inv@near.example.org>"] });
  });

  it("recognises X-Autoreply (Russian subject)", async () => {
    const raw = crlf(
      "From: priemnaya@minek.example.ru",
      `Subject: ${word("Re: Приглашение на форум")}`,
      "X-Autoreply: yes",
      "In-Reply-To: <ru1@near.example.org>",
      "",
      "Спасибо, ваше письмо получено.",
      "",
    );
    const mail = await classifyInbound(raw);
    expect(mail).toMatchObject({ kind: "auto_reply", how: "x-autoreply", subject: "Re: Приглашение на форум" });
  });

  it.each([
    ["Precedence: bulk", "Invitation", "precedence"],
    ["X-Precedence: auto_reply", "Invitation", "precedence"],
    ["X-Mailer: x", "Out of Office: Invitation", "subject"],
    ["X-Mailer: x", "Automatic reply: Invitation", "subject"],
    ["X-Mailer: x", "Автоматический ответ: Приглашение", "subject"],
    ["X-Mailer: x", "Автомат хариу: Урилга", "subject"],
    ["X-Mailer: x", "自動応答: 招待状", "subject"],
    ["X-Mailer: x", "不在通知", "subject"],
    ["X-Mailer: x", "부재중: 초청", "subject"],
  ])("recognises %s / %s", async (header, subject, how) => {
    const raw = crlf("From: a@gov.example", header, `Subject: ${word(subject)}`, "In-Reply-To: <x@near.example.org>", "", "Away.", "");
    const mail = await classifyInbound(raw);
    expect(mail).toMatchObject({ kind: "auto_reply", how });
  });

  it("does not count Auto-Submitted: no or X-Auto-Response-Suppress", async () => {
    const raw = crlf(
      "From: a@gov.example",
      "Subject: Re: Invitation",
      "Auto-Submitted: no",
      "X-Auto-Response-Suppress: All",
      "In-Reply-To: <x@near.example.org>",
      "",
      "We accept.",
      "",
    );
    const mail = await classifyInbound(raw);
    expect(mail).toMatchObject({ kind: "reply", how: "in-reply-to", text: "We accept." });
  });
});

describe("replies", () => {
  it("strips the quoted original of a Mongolian reply after the 'wrote:' line", async () => {
    const raw = reply(
      [`Subject: ${word("Re: Урилга")}`, "In-Reply-To: <mn1@near.example.org>", "References: <mn0@near.example.org>", " <mn1@near.example.org>"],
      [
        "Сайн байна уу,",
        "",
        "Бид оролцоно. Манай төлөөлөгчид 3 хүн байна.",
        "",
        "Хүндэтгэсэн,",
        "Бат-Эрдэнэ",
        "",
        "On Tue, Sep 1, 2027 at 10:00 AM Plenary <invitations@near.example.org> wrote:",
        "> Dear colleagues,",
        "> We have the honour to invite you.",
      ].join("\n"),
    );
    const mail = await classifyInbound(raw, { from: "bat@mfa.gov.example.mn" });
    expect(mail.kind).toBe("reply");
    expect(mail.how).toBe("in-reply-to");
    expect(mail.subject).toBe("Re: Урилга");
    expect(mail.from).toEqual({ name: "Бат-Эрдэнэ Д.", address: "bat@mfa.gov.example.mn" });
    // In-Reply-To, then References last first, without repeats
    expect(mail.refersTo).toEqual(["<mn1@near.example.org>", "<mn0@near.example.org>"]);
    expect(mail.text).toBe("Сайн байна уу,\n\nБид оролцоно. Манай төлөөлөгчид 3 хүн байна.\n\nХүндэтгэсэн,\nБат-Эрдэнэ");
    expect(mail.messageId).toBe("<CAreply1@mail.gmail.com>");
  });

  it("strips the quoted original of a Chinese reply with References only", async () => {
    const raw = reply(
      [`Subject: ${word("回复：邀请函")}`, "References: <cn0@near.example.org> <cn-inv@near.example.org>"],
      [
        "您好！",
        "",
        "我方将派代表团出席。名单随后发送。",
        "",
        "王伟",
        "外事办公室",
        "",
        "------------------ 原始邮件 ------------------",
        '发件人: "Plenary" <invitations@near.example.org>',
        "发送时间: 2027年9月1日(星期三) 上午10:00",
        "主题: 邀请函",
        "",
        "尊敬的同事：诚邀贵方出席。",
      ].join("\n"),
    );
    const mail = await classifyInbound(raw);
    expect(mail).toMatchObject({ kind: "reply", how: "in-reply-to", subject: "回复：邀请函" });
    expect(mail.refersTo).toEqual(["<cn-inv@near.example.org>", "<cn0@near.example.org>"]);
    expect(mail.text).toBe("您好！\n\n我方将派代表团出席。名单随后发送。\n\n王伟\n外事办公室");
  });

  it.each([
    ["-----Original Message-----"],
    ["-----原始邮件-----"],
    ["2027年9月1日 周三 上午10:00，Plenary <invitations@near.example.org> 写道："],
    ["2027년 9월 1일 (수) 오전 10:00, Plenary <invitations@near.example.org>님이 작성:"],
    ["1 сент. 2027 г., в 10:00, Plenary <invitations@near.example.org> пишет:"],
    ["2027 оны 9-р сарын 1, Лхагва 10:00 Plenary <invitations@near.example.org> бичсэн:"],
    ["2027年9月1日(水) 10:00 Plenary <invitations@near.example.org>:"],
    ["On Tue, Sep 1, 2027 at 10:00 AM Plenary Secretariat of the Forum <\ninvitations@near.example.org> wrote:"],
    ["From: Plenary <invitations@near.example.org>\nSent: Tuesday, September 1, 2027 10:00 AM"],
    ["________________________________\n发件人: Plenary <invitations@near.example.org>"],
  ])("cuts the reply at %s", async (separator) => {
    const raw = reply(
      ["Subject: Re: Invitation", "In-Reply-To: <inv@near.example.org>"],
      `We will attend.\n> inline quote\n\n${separator}\nThe original text.\n`,
    );
    const mail = await classifyInbound(raw);
    expect(mail.text).toBe("We will attend.");
  });

  it("keeps the whole text when everything is quoted", async () => {
    const raw = reply(["Subject: Re: Invitation", "In-Reply-To: <inv@near.example.org>"], "> Only a quote.\n");
    expect((await classifyInbound(raw)).text).toBe("> Only a quote.");
  });
});

describe("other mail and hostile input", () => {
  it("is other without In-Reply-To or References", async () => {
    const raw = crlf(
      "From: Clerk <clerk@gov.example>",
      "Subject: A question",
      "Date: Fri, 11 Sep 2027 08:00:00 +0000",
      "Message-ID: <q1@gov.example>",
      "",
      "  Where is the venue?  ",
      "",
    );
    const mail = await classifyInbound(raw, { from: "clerk@gov.example" });
    expect(mail).toEqual({
      kind: "other",
      how: "none",
      messageId: "<q1@gov.example>",
      from: { name: "Clerk", address: "clerk@gov.example" },
      subject: "A question",
      date: new Date("2027-09-11T08:00:00Z"),
      refersTo: [],
      bounces: [],
      text: "Where is the venue?",
    });
  });

  it("never throws on garbage", async () => {
    let seed = 7;
    const bytes = Buffer.alloc(64 * 1024, 0).map(() => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff);
    for (const raw of [bytes, "", "\u0000\u0001\u00ff", "Content-Type: multipart/report; boundary=\r\n\r\n--\r\n--", Buffer.from([0xff, 0xfe, 0x0d, 0x0a])]) {
      const mail = await classifyInbound(raw as Buffer | string);
      expect(mail.kind).toBe("other");
      expect(["none", "unparsable"]).toContain(mail.how);
    }
    expect((await classifyInbound(undefined as unknown as string)).kind).toBe("other");
  });

  it("gives null for an invalid date and a missing From, and a single-line subject of at most 500 characters", async () => {
    const raw = crlf("Date: the 32nd of Smarch", `Subject: ${"x".repeat(300)}`, ` ${"y".repeat(300)}`, "", "Body", "");
    const mail = await classifyInbound(raw);
    expect(mail.date).toBeNull();
    expect(mail.from).toBeNull();
    expect(mail.messageId).toBeNull();
    expect(mail.subject).toHaveLength(500);
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it("survives a malformed multipart report without a delivery-status part", async () => {
    const raw = crlf(
      "From: MAILER-DAEMON@gov.example",
      'Content-Type: multipart/report; report-type=delivery-status; boundary="X"',
      "Subject: Undeliverable",
      "",
      "--X",
      "Content-Type: text/plain",
      "",
      "<a@gov.example>: 550 5.1.1 unknown",
      "",
    );
    const mail = await classifyInbound(raw);
    expect(mail).toMatchObject({ kind: "bounce", how: "dsn" });
    expect(mail.bounces.map((b) => b.address)).toEqual(["a@gov.example"]);
  });

  it("caps the text of a 2 MB body at 20,000 characters", async () => {
    const raw = crlf(
      "From: a@gov.example",
      "Subject: Big",
      "In-Reply-To: <big@near.example.org>",
      "",
      ...Array.from({ length: 40_000 }, () => "z".repeat(50)),
      "",
    );
    const mail = await classifyInbound(raw);
    expect(mail.kind).toBe("reply");
    expect(mail.text).toHaveLength(20_000);
  });

  it("bounds a huge header and a body over 10 MB without throwing", async () => {
    const hugeHeader = crlf("From: a@gov.example", `X-Junk: ${"h".repeat(2 * 1024 * 1024)}`, "Subject: Hi", "", "Body", "");
    expect((await classifyInbound(hugeHeader)).kind).toBe("other");
    const hugeBody = crlf("From: a@gov.example", "Subject: Hi", "", "b".repeat(12 * 1024 * 1024));
    const mail = await classifyInbound(Buffer.from(hugeBody));
    expect(mail.kind).toBe("other");
    expect(mail.text.length).toBeLessThanOrEqual(20_000);
  });
});
