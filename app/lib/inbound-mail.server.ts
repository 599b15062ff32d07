import type { Attachment, ParsedMail, StructuredHeader } from "mailparser";

/**
 * Classifies one message that arrived at the intake: a delivery status notification (bounce or delay), an auto-reply,
 * a human reply to an invitation, or something else. Pure: no database, no network; the caller matches `refersTo`
 * against the Message-IDs of the invitations it sent.
 */

export type InboundBounce = {
  address: string;
  status: string | null;
  diagnostic: string | null;
  action: "failed" | "delayed" | "delivered" | "relayed" | "expanded";
};
export type InboundMail = {
  kind: "bounce" | "delay" | "auto_reply" | "reply" | "other";
  /** how it was recognised, e.g. "dsn", "heuristic", "auto-submitted", "x-autoreply", "subject", "in-reply-to" */
  how: string;
  messageId: string | null;
  from: { name: string; address: string } | null;
  subject: string;
  date: Date | null;
  /** Message-IDs this mail refers to: the original message inside a bounce, then In-Reply-To, then References (last first). */
  refersTo: string[];
  /** for kind bounce/delay: one entry per failed (or delayed) recipient */
  bounces: InboundBounce[];
  text: string;
};

type Action = InboundBounce["action"];
type Envelope = { from?: string | null };

const MAX_RAW_BYTES = 10 * 1024 * 1024;
const MAX_TEXT = 20_000;
const MAX_SUBJECT = 500;
const MAX_DIAGNOSTIC = 500;
const MAX_REFERS_TO = 20;
const MAX_BOUNCES = 500;
/** Bounce heuristics and quote stripping look at no more than this much text: the part that matters comes first. */
const MAX_SCAN = 256 * 1024;
/** The header block of an attached original message is read up to this size. */
const MAX_ORIGINAL_HEAD = 256 * 1024;
/** A header value longer than this is cut before Message-IDs are extracted from it. */
const MAX_HEADER_VALUE = 64 * 1024;

const PARSER_OPTIONS = {
  // message/delivery-status stays an attachment, so it can be parsed instead of being merged into the text
  keepDeliveryStatus: true,
  // an attached original message stays an attachment: only its headers are read, its body is not our text
  ignoreEmbedded: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  checksumAlgo: false,
  maxHtmlLengthToParse: 2 * 1024 * 1024,
} as const;

const DELIVERY_STATUS_TYPES = new Set(["message/delivery-status", "message/global-delivery-status"]);
const ORIGINAL_MESSAGE_TYPES = new Set(["message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"]);
const ACTIONS = new Set<Action>(["failed", "delayed", "delivered", "relayed", "expanded"]);

export async function classifyInbound(raw: Buffer | string, envelope?: { from?: string | null }): Promise<InboundMail> {
  let mail: ParsedMail;
  try {
    // mailparser on the first message: it weighs some 20 MB where the intake is off
    const { simpleParser } = await import("mailparser");
    mail = await simpleParser(boundRaw(raw), PARSER_OPTIONS);
  } catch {
    return unparsable();
  }
  try {
    return classifyParsed(mail, envelope ?? {});
  } catch {
    return unparsable();
  }
}

function unparsable(): InboundMail {
  return { kind: "other", how: "unparsable", messageId: null, from: null, subject: "", date: null, refersTo: [], bounces: [], text: "" };
}

/** At most MAX_RAW_BYTES of the input reach the parser. */
function boundRaw(raw: unknown): Buffer {
  if (typeof raw === "string") return Buffer.from(raw.slice(0, MAX_RAW_BYTES), "utf8").subarray(0, MAX_RAW_BYTES);
  if (Buffer.isBuffer(raw)) return raw.subarray(0, MAX_RAW_BYTES);
  return Buffer.alloc(0);
}

function classifyParsed(mail: ParsedMail, envelope: Envelope): InboundMail {
  // one line-ending convention for every text the classifier returns or scans
  const text = (mail.text ?? "").slice(0, MAX_RAW_BYTES).replace(/\r\n?/g, "\n");
  const base = {
    messageId: firstMessageId(mail),
    from: firstFrom(mail),
    subject: cut(collapse(mail.subject ?? ""), MAX_SUBJECT),
    date: headerDate(mail),
  };
  const replyIds = [...headerIds(mail, "in-reply-to"), ...headerIds(mail, "references").reverse()];
  const result = (kind: InboundMail["kind"], how: string, bounces: InboundBounce[], originalId: string | null, body: string): InboundMail => ({
    kind,
    how,
    ...base,
    refersTo: dedupe([...(originalId ? [originalId] : []), ...replyIds]).slice(0, MAX_REFERS_TO),
    bounces: bounces.slice(0, MAX_BOUNCES),
    text: cut(body.trim(), MAX_TEXT),
  });

  // A DSN is recognised by its structure, before anything else: it is never an auto-reply, whatever its headers say.
  const dsn = deliveryStatusReport(mail, text);
  if (dsn) return result(dsn.kind, "dsn", dsn.bounces, originalMessageId(mail, text), text);

  // Bounces often carry Auto-Submitted too (Exim's do), so the bounce heuristic runs before the auto-reply checks.
  const bounce = heuristicBounce(mail, envelope, text, base.subject);
  if (bounce) return result(bounce.kind, "heuristic", bounce.bounces, originalMessageId(mail, text), text);

  const auto = autoReplySignal(mail, base.subject);
  if (auto) return result("auto_reply", auto, [], null, text);

  if (replyIds.length > 0) return result("reply", "in-reply-to", [], null, replyText(text));
  return result("other", "none", [], null, text);
}

// ---------------------------------------------------------------------------------------------------------------------
// Headers

/** The unfolded raw values of a header, in order. Raw, so Message-IDs and tokens are exactly as sent. */
function rawHeader(mail: ParsedMail, name: string): string[] {
  const values: string[] = [];
  for (const { key, line } of mail.headerLines ?? []) {
    if (key !== name) continue;
    const colon = line.indexOf(":");
    values.push(unfold(line.slice(colon + 1, colon + 1 + MAX_HEADER_VALUE)));
  }
  return values;
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]*/g, " ").trim();
}

function collapse(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

/** Cuts at a character limit without splitting a surrogate pair. */
function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  const code = value.charCodeAt(max - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

const MESSAGE_ID = /<[^<>\s]{1,998}>/g;

function messageIds(value: string): string[] {
  return value.match(MESSAGE_ID) ?? [];
}

function headerIds(mail: ParsedMail, name: string): string[] {
  return rawHeader(mail, name).flatMap(messageIds);
}

/** The Message-ID as in the header: the bracketed id, or the bare value when a sender left out the brackets. */
function firstMessageId(mail: ParsedMail): string | null {
  const value = rawHeader(mail, "message-id")[0];
  if (!value) return null;
  return messageIds(value)[0] ?? cut(value, 998);
}

function firstFrom(mail: ParsedMail): InboundMail["from"] {
  const entry = mail.from?.value?.find((e) => typeof e.address === "string" && e.address.length > 0);
  return entry?.address ? { name: cut(collapse(entry.name ?? ""), MAX_SUBJECT), address: entry.address } : null;
}

/** The Date header, or null when it is missing or unreadable (mailparser would substitute the current time). */
function headerDate(mail: ParsedMail): Date | null {
  const value = rawHeader(mail, "date")[0];
  if (!value) return null;
  const date = new Date(value.slice(0, 200));
  return Number.isNaN(date.getTime()) ? null : date;
}

// ---------------------------------------------------------------------------------------------------------------------
// DSN (RFC 3464, RFC 6533)

type Report = { kind: "bounce" | "delay" | "other"; bounces: InboundBounce[] };

/** A delivery status report, when the message has a message/(global-)delivery-status part or says it is one. */
function deliveryStatusReport(mail: ParsedMail, text: string): Report | null {
  const parts = mail.attachments.filter((a) => DELIVERY_STATUS_TYPES.has(a.contentType.toLowerCase()));
  if (parts.length === 0 && !isDeliveryReport(mail)) return null;
  const recipients = parts.flatMap((part) => dsnRecipients(part.content.toString("utf8")));
  // a report without readable recipient fields is still a bounce; the addresses come from its text if anywhere
  if (recipients.length === 0) return { kind: "bounce", bounces: textBounces(mail, text, "failed") };
  if (recipients.some((r) => r.action === "failed")) return { kind: "bounce", bounces: recipients.filter((r) => r.action === "failed") };
  if (recipients.some((r) => r.action === "delayed")) return { kind: "delay", bounces: recipients.filter((r) => r.action === "delayed") };
  return { kind: "other", bounces: [] };
}

function isDeliveryReport(mail: ParsedMail): boolean {
  const type = mail.headers.get("content-type") as StructuredHeader | undefined;
  if (!type || typeof type.value !== "string" || typeof type.params !== "object") return false;
  const reportType = String(type.params["report-type"] ?? "").toLowerCase();
  return type.value.toLowerCase() === "multipart/report" && reportType.endsWith("delivery-status");
}

/**
 * The per-recipient blocks of a delivery-status body. Blocks are separated by blank lines; the per-message block has no
 * recipient field, so any block that names a recipient counts, whatever its position.
 */
function dsnRecipients(body: string): InboundBounce[] {
  const bounces: InboundBounce[] = [];
  for (const block of body.split(/\r?\n[ \t]*\r?\n/)) {
    const fields = parseFields(block);
    // Original-Recipient is the address as the app wrote it; Final-Recipient may be a rewritten alias
    const address = recipientAddress(fields.get("original-recipient")) ?? recipientAddress(fields.get("final-recipient"));
    if (!address) continue;
    const status = statusCode(fields.get("status") ?? "", /[245]/);
    const action = dsnAction(fields.get("action"), status);
    if (!action) continue;
    const diagnostic = fields.get("diagnostic-code");
    bounces.push({ address, status, diagnostic: diagnostic ? diagnosticText(diagnostic) : null, action });
    if (bounces.length >= MAX_BOUNCES) break;
  }
  return bounces;
}

/** Header-like fields (first occurrence wins), names lowercased, folded lines joined. */
function parseFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  const unfolded = block.slice(0, MAX_ORIGINAL_HEAD).replace(/\r?\n[ \t]+/g, " ");
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[a-z0-9-]+$/.test(name) || fields.has(name)) continue;
    fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** "rfc822; a@b" (or "utf-8; …", or a bare address) → "a@b". */
function recipientAddress(value: string | undefined): string | null {
  if (!value) return null;
  const semicolon = value.indexOf(";");
  const address = (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim().replace(/^<|>$/g, "").trim();
  return address.includes("@") && address.length <= 320 ? address : null;
}

/** An unknown or missing Action is inferred from the status class: 5 failed, 4 delayed, 2 delivered. */
function dsnAction(value: string | undefined, status: string | null): Action | null {
  const action = (value ?? "")
    .trim()
    .split(/[\s(;]/)[0]
    .toLowerCase() as Action;
  if (ACTIONS.has(action)) return action;
  if (status?.startsWith("5")) return "failed";
  if (status?.startsWith("4")) return "delayed";
  if (status?.startsWith("2")) return "delivered";
  return null;
}

/** An enhanced status code (RFC 3463) whose class matches; not a piece of an IP address or version number. */
function statusCode(text: string, classes: RegExp): string | null {
  for (const match of text.matchAll(/(?<![\d.])(\d)\.\d{1,3}\.\d{1,3}(?!\.?\d)/g)) {
    if (classes.test(match[1])) return match[0];
  }
  return null;
}

/** "smtp; 550 5.1.1 …" → "550 5.1.1 …", one line, at most MAX_DIAGNOSTIC characters. */
function diagnosticText(value: string): string {
  return cut(collapse(value.replace(/^[a-z0-9-]+\s*;\s*/i, "")), MAX_DIAGNOSTIC);
}

// ---------------------------------------------------------------------------------------------------------------------
// The original message inside a bounce

/** The Message-ID of the bounced message: from an attached original (or its headers), else a "Message-ID:" line in the text. */
function originalMessageId(mail: ParsedMail, text: string): string | null {
  for (const part of mail.attachments) {
    if (!isOriginalPart(part)) continue;
    const id = messageIds(parseFields(headerBlock(part.content)).get("message-id") ?? "")[0];
    if (id) return id;
  }
  const line = /^[ \t>]*Message-ID:[ \t]*(<[^<>\s]{1,998}>)/im.exec(text.slice(0, MAX_SCAN));
  return line ? line[1] : null;
}

function isOriginalPart(part: Attachment): boolean {
  const type = part.contentType.toLowerCase();
  return ORIGINAL_MESSAGE_TYPES.has(type) || (type === "application/octet-stream" && /\.eml$/i.test(part.filename ?? ""));
}

/** The header block of an attached message: everything up to the first blank line. */
function headerBlock(content: Buffer): string {
  const head = content.subarray(0, MAX_ORIGINAL_HEAD).toString("utf8");
  const end = head.search(/\r?\n\r?\n/);
  return end >= 0 ? head.slice(0, end) : head;
}

// ---------------------------------------------------------------------------------------------------------------------
// Non-standard bounces

/** Bounce subjects in the languages the app's recipients use; matched anywhere in the subject. */
const BOUNCE_SUBJECT = new RegExp(
  [
    "undeliverable",
    "undelivered mail",
    "mail delivery failed",
    "delivery status notification \\(failure\\)",
    "failure notice",
    "returned mail",
    "returned to sender",
    "delivery failure",
    "delivery has failed",
    "non-?delivery",
    "could not be delivered",
    "mail delivery (?:failure|error|problem)",
    "message not delivered",
    "退信",
    "未送达",
    "未能送达",
    "投递失败",
    "发送失败",
    "無法投遞",
    "配信不能",
    "配送エラー",
    "配信エラー",
    "配信失敗",
    "전송 ?실패",
    "반송",
    "배달 ?실패",
    "발송 ?실패",
    "не ?доставлено",
    "недоставленное сообщение",
    "не удалось доставить",
    "ошибка доставки",
  ].join("|"),
  "iu",
);

/** Delivery-delay warnings from MTAs that do not send a DSN. */
const DELAY_SUBJECT = /delivery status notification \(delay\)|\bdelayed\b|delivery delay|warning: could not send|延迟|延遲|遅延|지연|задерж/iu;

/** The local parts mail systems send bounces from. */
const DAEMON_LOCAL_PART = /^(?:mailer-?daemon|mail-?daemon|postmaster|mail-?delivery(?:-?(?:system|subsystem))?)$/i;

/**
 * A bounce that is not a DSN: it comes from the null sender or a mailer-daemon/postmaster, and its subject says so
 * (or, Exim, it names the failed addresses in X-Failed-Recipients).
 */
function heuristicBounce(mail: ParsedMail, envelope: Envelope, text: string, subject: string): Report | null {
  const fromDaemon = isNullSender(mail, envelope) || isDaemonAddress(firstFrom(mail)?.address ?? "");
  if (!fromDaemon) return null;
  const failedHeader = rawHeader(mail, "x-failed-recipients").join(",");
  if (BOUNCE_SUBJECT.test(subject) || failedHeader) return { kind: "bounce", bounces: textBounces(mail, text, "failed") };
  if (DELAY_SUBJECT.test(subject)) return { kind: "delay", bounces: textBounces(mail, text, "delayed") };
  return null;
}

/** MAIL FROM:<> — given by the caller, or recorded by the delivering MTA as "Return-Path: <>". */
function isNullSender(mail: ParsedMail, envelope: Envelope): boolean {
  if ("from" in envelope && envelope.from !== undefined) {
    const from = (envelope.from ?? "").trim();
    if (from === "" || from === "<>") return true;
  }
  return rawHeader(mail, "return-path").some((value) => value.replace(/\s+/g, "") === "<>");
}

function isDaemonAddress(address: string): boolean {
  const at = address.lastIndexOf("@");
  return at > 0 && DAEMON_LOCAL_PART.test(address.slice(0, at));
}

/** ASCII addresses with bounded parts, so a long run of letters costs linear time. */
const ADDRESS = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g;
/** An SMTP reply code (4xx/5xx) standing as a word, or an enhanced status code. */
const SMTP_CODE = /(?:^|[\s:：;([#'"-])[45][0-5]\d(?=[\s\-.,;:)'"]|$)|(?<![\d.])[45]\.\d{1,3}\.\d{1,3}(?!\.?\d)/;
/** Lines whose addresses are headers of the copied original, never failed recipients. */
const IGNORED_LINE = /^[\s>]*(?:message-id|in-reply-to|references|from|sender|return-path|reply-to)\s*:/i;
/** Where a bounce starts quoting the original message; the failed addresses come before it. */
const ORIGINAL_COPY =
  /^[ \t-]*(?:this is a copy of the message|below this line is a copy of the message|original message (?:headers|follows)|the original message was received|original message\s*-|message headers follow)/im;

/**
 * Failed recipients from a bounce's text. A paragraph (lines between blank lines) that carries an SMTP code names its
 * failed recipients: Postfix "<a@b>: host … said: 550 …", Exim "a@b\n    SMTP error … 550 …", Qmail "<a@b>:\nSorry, … (#5.1.1)".
 * X-Failed-Recipients (Exim) names them even without a code. The sender's own and the postmaster's addresses are left out.
 */
function textBounces(mail: ParsedMail, text: string, action: Action): InboundBounce[] {
  const own = ownAddresses(mail);
  const scan = beforeOriginalCopy(text.slice(0, MAX_SCAN));
  const found = new Map<string, InboundBounce>();
  const accepts = (address: string) => {
    const key = address.toLowerCase();
    return !own.has(key) && !isDaemonAddress(key) && !found.has(key) && found.size < MAX_BOUNCES;
  };
  const classes = action === "failed" ? /[45]/ : /4/;

  for (const paragraph of scan.split(/\r?\n[ \t]*\r?\n/)) {
    if (!SMTP_CODE.test(paragraph)) continue;
    const lines = paragraph.split(/\r?\n/);
    const statusFrom = nextStatuses(lines, classes);
    const codeFrom = nextCodeLines(lines);
    lines.forEach((line, index) => {
      if (IGNORED_LINE.test(line)) return;
      for (const address of addressesIn(line)) {
        if (!accepts(address)) continue;
        // the status nearest after the address, else any in the paragraph (Exim writes the address above its code)
        const status = statusFrom[index] ?? statusFrom[0];
        found.set(address.toLowerCase(), { address, status, diagnostic: codeLines(lines, codeFrom[index]), action });
      }
    });
  }

  const failedHeader = rawHeader(mail, "x-failed-recipients").join(",");
  const lowerScan = failedHeader ? scan.toLowerCase() : "";
  for (const address of addressesIn(failedHeader)) {
    if (!accepts(address)) continue;
    const at = lowerScan.indexOf(address.toLowerCase());
    const near = at >= 0 ? scan.slice(at, at + 2000).split(/\r?\n/) : [];
    found.set(address.toLowerCase(), {
      address,
      status: nextStatuses(near, classes)[0] ?? null,
      diagnostic: codeLines(near, nextCodeLines(near)[0] ?? -1),
      action,
    });
  }
  return [...found.values()];
}

/** For each line, the first status code on it or on a later line: one backward pass, so a long paragraph costs linear time. */
function nextStatuses(lines: string[], classes: RegExp): (string | null)[] {
  const result: (string | null)[] = new Array(lines.length).fill(null);
  let next: string | null = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    next = statusCode(lines[i], classes) ?? next;
    result[i] = next;
  }
  return result;
}

function addressesIn(line: string): string[] {
  return (line.match(ADDRESS) ?? []).map((a) => a.replace(/^[.]+|[.-]+$/g, "")).filter((a) => /^[^@]+@[^@]+\.[^@]+$/.test(a));
}

function beforeOriginalCopy(text: string): string {
  const at = text.search(ORIGINAL_COPY);
  return at >= 0 ? text.slice(0, at) : text;
}

/** For each line, the index of the first line at or after it that carries an SMTP code, or -1. */
function nextCodeLines(lines: string[]): number[] {
  const result: number[] = new Array(lines.length).fill(-1);
  let next = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (SMTP_CODE.test(lines[i])) next = i;
    result[i] = next;
  }
  return result;
}

/**
 * The diagnostic: the line at `start` that carries a code, plus the indented lines continuing it, up to a line that is
 * only another address.
 */
function codeLines(lines: string[], start: number): string | null {
  if (start < 0) return null;
  const picked = [lines[start]];
  for (let i = start + 1; i < lines.length && picked.length < 20 && /^[ \t]/.test(lines[i]) && !/^\s*<?[^\s@<>]+@[^\s@<>]+>?:?\s*$/.test(lines[i]); i++) {
    picked.push(lines[i]);
  }
  return cut(collapse(picked.join(" ")), MAX_DIAGNOSTIC) || null;
}

/** The addresses a bounce was sent to and from: the app's own, never a failed recipient. */
function ownAddresses(mail: ParsedMail): Set<string> {
  const own = new Set<string>();
  for (const key of ["from", "to", "cc", "sender", "reply-to", "return-path"]) {
    for (const value of rawHeader(mail, key)) for (const address of addressesIn(value)) own.add(address.toLowerCase());
  }
  for (const part of mail.attachments.filter(isOriginalPart)) {
    const fields = parseFields(headerBlock(part.content));
    for (const key of ["from", "sender", "return-path"]) for (const address of addressesIn(fields.get(key) ?? "")) own.add(address.toLowerCase());
  }
  return own;
}

// ---------------------------------------------------------------------------------------------------------------------
// Auto-replies (RFC 3834 and common practice)

/**
 * Subjects of out-of-office and automatic replies, at the start of the subject. "不在" alone is too common a word in
 * Chinese, so it counts only as "不在通知", "不在の…", "不在中" or followed by a colon or space.
 */
const AUTO_REPLY_SUBJECT = new RegExp(
  "^(?:" +
    [
      "out of (?:the )?office",
      "automatic reply",
      "auto(?:matic)?[- ]?(?:reply|response)",
      "auto:",
      "autoreply",
      "abwesenheitsnotiz",
      "réponse automatique",
      "respuesta automática",
      "自动回复",
      "自動回覆",
      "自動回復",
      "自動応答",
      "自動返信",
      "不在(?:通知|の|中|办公室|辦公室|[:：\\s])",
      "자동\\s*응답",
      "부재\\s*중",
      "автоответ",
      "автоматический ответ",
      "автомат хариу",
    ].join("|") +
    ")",
  "iu",
);

/** How an auto-reply gives itself away, or null. X-Auto-Response-Suppress is not a signal: Outlook puts it on ordinary mail. */
function autoReplySignal(mail: ParsedMail, subject: string): string | null {
  const autoSubmitted = rawHeader(mail, "auto-submitted").map((v) => v.split(/[\s;(]/)[0].toLowerCase());
  if (autoSubmitted.some((v) => v !== "" && v !== "no")) return "auto-submitted";
  const flagged = [...rawHeader(mail, "x-autoreply"), ...rawHeader(mail, "x-autorespond")];
  if (flagged.some((v) => !/^(?:no|false|0)$/i.test(v))) return "x-autoreply";
  if (rawHeader(mail, "precedence").some((v) => /^(?:auto_reply|bulk|junk|list)\b/i.test(v))) return "precedence";
  if (rawHeader(mail, "x-precedence").some((v) => /^auto_reply\b/i.test(v))) return "precedence";
  if (AUTO_REPLY_SUBJECT.test(subject)) return "subject";
  return null;
}

// ---------------------------------------------------------------------------------------------------------------------
// Reply text

/** "-----Original Message-----" and its translations (Outlook, Foxmail, Thunderbird, Mail.ru …). */
const ORIGINAL_SEPARATOR =
  /^\s*-{2,}\s*(?:original message|original|原始邮件|原始郵件|原邮件|邮件原件|元のメッセージ|원본 메시지|원래 메시지|исходное сообщение|оригинальное сообщение|ursprüngliche nachricht|message d'origine|mensaje original|анхны захиа|эх захидал)\s*-{2,}\s*$/iu;
/** The attribution line before a quote: "On … wrote:", "… 写道：", "… 작성:", "… пишет:", "… бичсэн:" and the like. */
const ATTRIBUTION =
  /(?:wrote|writes|написал\(а\)|написала|написал|пишет|写道|寫道|작성|бичсэн|бичжээ|бичив|schrieb|a écrit|escribió|scrisse|escreveu)\s*[:：]\s*$/iu;
/** Gmail's Japanese attribution has no verb: "2027年9月1日(水) 10:00 Name <a@b>:" */
const ADDRESS_ATTRIBUTION = /\d.*<[^<>\s]+@[^<>\s]+>\s*[:：]\s*$/u;
/** The header block Outlook writes above the original: "From: …" followed by "Sent: …" (in any of these languages). */
const QUOTE_FROM = /^[\s*]*(?:from|发件人|寄件者|差出人|보낸 사람|от|от кого|илгээгч|von|de)\s*[:：]/iu;
const QUOTE_SENT = /^[\s*]*(?:sent|date|发送时间|日期|寄件日期|時間|送信日時|日時|보낸 날짜|날짜|отправлено|дата|огноо|илгээсэн|gesendet|envoyé)\s*[:：]/iu;

/**
 * A reply without the quoted original: lines starting with ">" are dropped and the text stops at the first line that
 * introduces a quote. When nothing is left (the whole message was quoted), the full text is kept.
 */
function replyText(text: string): string {
  const lines = text.slice(0, MAX_SCAN).split(/\r?\n/);
  const kept: string[] = [];
  let length = 0;
  for (let i = 0; i < lines.length && length <= MAX_TEXT; i++) {
    if (startsQuote(lines, i)) break;
    if (/^\s*>/.test(lines[i])) continue;
    kept.push(lines[i]);
    length += lines[i].length + 1;
  }
  const reply = kept.join("\n").trim();
  return reply || text;
}

function startsQuote(lines: string[], i: number): boolean {
  const line = lines[i];
  if (line.length > 500) return false;
  if (ORIGINAL_SEPARATOR.test(line) || /^\s*_{20,}\s*$/.test(line)) return true;
  if (ATTRIBUTION.test(line) || (/>\s*[:：]\s*$/u.test(line) && ADDRESS_ATTRIBUTION.test(line))) return true;
  // "On Tue, 1 Sep 2027 at 10:00, Name <a@b>" wrapped before "wrote:"
  const next = lines[i + 1] ?? "";
  if (/^\s*On\s/.test(line) && next.length <= 500 && /wrote:\s*$/i.test(next)) return true;
  return QUOTE_FROM.test(line) && lines.slice(i + 1, i + 4).some((l) => l.length <= 500 && QUOTE_SENT.test(l));
}
