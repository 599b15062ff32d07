import { describe, expect, it } from "vitest";

import { classifyInbound } from "~/lib/inbound-mail.server";

/** Raw messages as relays and mail clients write them: CRLF line ends, encoded-word subjects. */
const CRLF = (text: string) => text.replace(/\r?\n/g, "\r\n");
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const subject = (text: string) => `=?UTF-8?B?${b64(text)}?=`;
const ORIGINAL = "<3f2a9c0d1e@near.example.org>";

describe("mail as relays and mail clients in NEAR's countries write it", () => {
  it("an Exchange DSN with the original attached as message/rfc822: two failed recipients, one delivered", async () => {
    const mail = await classifyInbound(
      CRLF(`From: postmaster@gov.example.jp
To: bounces+abc@near.example.org
Subject: Undeliverable: Invitation
Message-ID: <dsn1@gov.example.jp>
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

Delivery has failed to these recipients or groups.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns;mail.gov.example.jp

Final-Recipient: rfc822;chiji@pref.example.jp
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

Final-Recipient: rfc822;kokusai@pref.example.jp
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp;552 5.2.2 Mailbox full

Final-Recipient: rfc822;soumu@pref.example.jp
Action: delivered
Status: 2.0.0

--b1
Content-Type: message/rfc822

From: NEAR Secretariat <secretariat@near.example.org>
To: chiji@pref.example.jp
Subject: Invitation
Message-ID: ${ORIGINAL}

Dear Governor
--b1--
`),
      { from: "" },
    );
    expect(mail).toMatchObject({ kind: "bounce", how: "dsn", messageId: "<dsn1@gov.example.jp>" });
    expect(mail.bounces).toEqual([
      { address: "chiji@pref.example.jp", status: "5.1.10", diagnostic: expect.stringContaining("RecipientNotFound"), action: "failed" },
      { address: "kokusai@pref.example.jp", status: "5.2.2", diagnostic: "552 5.2.2 Mailbox full", action: "failed" },
    ]);
    expect(mail.refersTo[0]).toBe(ORIGINAL);
  });

  it("a DSN that only reports a delay is a delay, not a bounce", async () => {
    const mail = await classifyInbound(
      CRLF(`From: MAILER-DAEMON@relay.example.org
Subject: Delivery Status Notification (Delay)
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Still trying.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.org

Final-Recipient: rfc822; governor@primorsky.example.ru
Action: delayed
Status: 4.4.1
Will-Retry-Until: Mon, 7 Dec 2026 10:00:00 +0000

--b--
`),
      { from: "" },
    );
    expect(mail.kind).toBe("delay");
    expect(mail.bounces).toEqual([expect.objectContaining({ address: "governor@primorsky.example.ru", action: "delayed", status: "4.4.1" })]);
  });

  it("Exim's 'Mail delivery failed' without a report: the address under which the 550 is quoted", async () => {
    const mail = await classifyInbound(
      CRLF(`From: Mail Delivery System <Mailer-Daemon@mx.example.mn>
To: bounces@near.example.org
Subject: Mail delivery failed: returning message to sender
Content-Type: text/plain

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  zasag@tov.example.mn
    host mx.example.mn [203.0.113.5]
    SMTP error from remote mail server after RCPT TO:<zasag@tov.example.mn>:
    550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

Message-ID: ${ORIGINAL}
From: secretariat@near.example.org
`),
      { from: "" },
    );
    expect(mail).toMatchObject({ kind: "bounce", how: "heuristic" });
    expect(mail.bounces.map((b) => [b.address, b.status])).toEqual([["zasag@tov.example.mn", "5.1.1"]]);
    expect(mail.refersTo).toEqual([ORIGINAL]);
  });

  it("qmail's 'failure notice': the <address>: line", async () => {
    const mail = await classifyInbound(
      CRLF(`From: MAILER-DAEMON@mail.example.kr
Subject: failure notice

Hi. This is the qmail-send program at mail.example.kr.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<jisa@gb.example.kr>:
Sorry, no mailbox here by that name. (#5.1.1)
`),
      { from: "" },
    );
    expect(mail.kind).toBe("bounce");
    expect(mail.bounces.map((b) => b.address)).toEqual(["jisa@gb.example.kr"]);
  });

  it.each([
    ["Japanese", "配信不能: 第16回総会のご案内", "chiji@pref.example.jp"],
    ["Korean", "메일 전송 실패 안내", "jisa@gb.example.kr"],
    ["Russian", "Недоставленное сообщение", "gubernator@primorsky.example.ru"],
    ["Chinese", "系统退信", "shengzhang@ln.example.cn"],
  ])("a non-standard bounce with a %s subject", async (_language, title, address) => {
    const mail = await classifyInbound(
      CRLF(`From: postmaster@example.net
Subject: ${subject(title)}
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

${b64(`${address}\n  550 5.1.1 mailbox not found\nMessage-ID: ${ORIGINAL}\n`)}
`),
      { from: "" },
    );
    expect(mail.kind).toBe("bounce");
    expect(mail.subject).toBe(title);
    expect(mail.bounces.map((b) => b.address)).toEqual([address]);
    expect(mail.refersTo).toEqual([ORIGINAL]);
  });

  it("a person's mail that mentions an error code is not a bounce", async () => {
    const mail = await classifyInbound(
      CRLF(`From: Office <office@pref.example.jp>
Subject: Re: Undeliverable address?
In-Reply-To: ${ORIGINAL}
Content-Type: text/plain

Our server said 550 5.1.1 for kokusai@pref.example.jp; please use soumu@pref.example.jp instead.
`),
      { from: "office@pref.example.jp" },
    );
    expect(mail.kind).toBe("reply");
  });

  it.each([
    ["Auto-Submitted with a Korean subject", "Auto-Submitted: auto-replied", "자동 응답: 제16차 NEAR 총회 초청", "auto-submitted"],
    ["only a Chinese subject", "", "自动回复：邀请函", "subject"],
    ["X-Autoreply with a Russian subject", "X-Autoreply: yes", "Re: Приглашение", "x-autoreply"],
    ["Precedence: auto_reply", "Precedence: auto_reply", "Re: Invitation", "precedence"],
    ["a Mongolian subject", "", "Автомат хариу: Урилга", "subject"],
  ])("an out-of-office recognised by %s", async (_case, header, title, how) => {
    const mail = await classifyInbound(
      CRLF(`From: governor@example.org
Subject: ${subject(title)}
In-Reply-To: ${ORIGINAL}
${header ? `${header}\n` : ""}Content-Type: text/plain

I am away until 10 December.
`),
      { from: "governor@example.org" },
    );
    expect(mail).toMatchObject({ kind: "auto_reply", how, refersTo: [ORIGINAL] });
  });

  it("Auto-Submitted: no is an ordinary mail", async () => {
    const mail = await classifyInbound(CRLF(`From: a@example.org\nSubject: Re: Invitation\nAuto-Submitted: no\nIn-Reply-To: ${ORIGINAL}\n\nYes, we come.\n`));
    expect(mail.kind).toBe("reply");
  });

  it("a Mongolian reply: the quoted invitation after 'wrote:' is cut off", async () => {
    const mail = await classifyInbound(
      CRLF(`From: =?UTF-8?B?${b64("Төв аймгийн Засаг даргын тамгын газар")}?= <gadaad@tov.example.mn>
Subject: ${subject("Re: Урилга")}
Date: Sat, 05 Dec 2026 09:00:00 +0800
Message-ID: <r1@tov.example.mn>
In-Reply-To: ${ORIGINAL}
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

${b64(`Бид оролцоно. Төлөөлөгчдийн жагсаалтыг дараа илгээнэ.\n\nOn Fri, 4 Dec 2026 at 10:00, NEAR Secretariat <secretariat@near.example.org> wrote:\n> Эрхэм Засаг дарга аа,\n> https://plenary.example.org/r/SECRET\n`)}
`),
    );
    expect(mail).toMatchObject({ kind: "reply", how: "in-reply-to", messageId: "<r1@tov.example.mn>", refersTo: [ORIGINAL] });
    expect(mail.from).toEqual({ name: "Төв аймгийн Засаг даргын тамгын газар", address: "gadaad@tov.example.mn" });
    expect(mail.text).toBe("Бид оролцоно. Төлөөлөгчдийн жагсаалтыг дараа илгээнэ.");
    expect(mail.date?.toISOString()).toBe("2026-12-05T01:00:00.000Z");
  });

  it("a Chinese reply with References only: the block after the original-message line is cut off, last reference first", async () => {
    const mail = await classifyInbound(
      CRLF(`From: waiban@ln.example.cn
Subject: ${subject("回复：邀请函")}
References: <older@near.example.org> ${ORIGINAL}
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

${b64("省长将出席会议。\n\n------------------ 原始邮件 ------------------\n发件人: NEAR Secretariat\n尊敬的省长")}
`),
    );
    expect(mail.kind).toBe("reply");
    expect(mail.refersTo).toEqual([ORIGINAL, "<older@near.example.org>"]);
    expect(mail.text).toBe("省长将出席会议。");
  });

  it("a mail that refers to nothing is 'other'; garbage and a 2 MB body are handled without throwing", async () => {
    expect((await classifyInbound(CRLF("From: a@example.org\nSubject: Hello\n\nNews.\n"))).kind).toBe("other");
    const garbage = await classifyInbound(Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10, 0]));
    expect(["other"]).toContain(garbage.kind);
    const big = await classifyInbound(CRLF(`From: a@example.org\nSubject: Big\nIn-Reply-To: ${ORIGINAL}\n\n${"Бид оролцоно. ".repeat(150_000)}\n`));
    expect(big.kind).toBe("reply");
    expect(big.text.length).toBeLessThanOrEqual(20_000);
    const header = await classifyInbound(CRLF(`From: a@example.org\nSubject: ${"x".repeat(100_000)}\nDate: not a date\n\nbody\n`));
    expect(header.subject.length).toBeLessThanOrEqual(500);
    expect(header.date).toBeNull();
  });
});
