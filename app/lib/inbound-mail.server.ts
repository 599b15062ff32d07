import { type ParsedMail, simpleParser } from "mailparser";

/**
 * What arrived at the mail intake (issue 16 §5), classified without touching the database:
 * - **bounce** / **delay**: a delivery status notification (RFC 3464, also RFC 6533's global form), or one of the
 *   common non-standard bounce formats (Exim, Postfix without a report, qmail, Exchange, and subjects in the
 *   languages NEAR's members write in);
 * - **auto_reply**: RFC 3834 `Auto-Submitted`, the usual X- headers and Precedence, or an out-of-office subject;
 * - **reply**: a person answering one of our messages (In-Reply-To / References);
 * - **other**: the rest, and whatever cannot be parsed. Nothing here throws on hostile input.
 */
export type InboundBounce = { address: string; status: string | null; diagnostic: string | null; action: "failed" | "delayed" | "delivered" | "relayed" | "expanded" };
export type InboundMail = {
  kind: "bounce" | "delay" | "auto_reply" | "reply" | "other";
  how: string;
  messageId: string | null;
  from: { name: string; address: string } | null;
  subject: string;
  date: Date | null;
  /** Message-IDs it refers to: the original inside a bounce first, then In-Reply-To, then References (last first) */
  refersTo: string[];
  bounces: InboundBounce[];
  text: string;
};

const MAX_RAW = 10 * 1024 * 1024;
const MAX_TEXT = 20_000;
const ACTIONS = new Set(["failed", "delayed", "delivered", "relayed", "expanded"]);

/** Subjects of non-standard bounces, in the languages of NEAR's members and the usual English ones. */
const BOUNCE_SUBJECT =
  /undeliver|undelivered mail|returned mail|mail delivery (failed|failure|subsystem)|delivery status notification \((failure|delay)\)|delivery failure|failure notice|non[- ]?delivery|could not be delivered|退信|未送达|投递失败|发送失败|無法投遞|配信不能|配送エラー|配信エラー|전송 실패|반송|배달 실패|전달 실패|не доставлено|недоставленное сообщение|не удалось доставить|возврат письма|хүргэгдсэнгүй/i;
const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounce[s]?|noreply-dmarc)@/i;
/** Out-of-office subjects (checked at the start of the subject). */
const AUTO_REPLY_SUBJECT =
  /^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?(reply|response)|auto:|autoreply|abwesenheit|自动回复|自動回覆|自動応答|自動返信|不在|자동 ?응답|자동회신|부재중|автоответ|автоматический ответ|автомат хариу)/i;
/** Lines after which a reply quotes the original. */
const QUOTE_MARKERS = [
  /^\s*-{2,}\s*(original message|原始邮件|原始郵件|元のメッセージ|원본 메시지|исходное сообщение|пересылаемое сообщение|эх захидал)\s*-{2,}/i,
  /^\s*(on|le|am)\s.+(wrote|a écrit|schrieb)\s*:\s*$/i,
  /^.{0,120}(写道|寫道)\s*[:：]\s*$/,
  /^.{0,120}(書きました|のメッセージ)\s*[:：]\s*$/,
  /^.{0,120}작성\s*[:：]\s*$/,
  /^.{0,120}(пишет|написал[аи]?)\s*[:：]\s*$/i,
  /^.{0,120}(бичжээ|бичсэн)\s*[:：]\s*$/i,
  /^\s*(from|发件人|發件人|差出人|보낸 사람|от|илгээгч)\s*[:：]\s*.+$/i,
];

export async function classifyInbound(raw: Buffer | string, envelope: { from?: string | null } = {}): Promise<InboundMail> {
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(bytes.subarray(0, MAX_RAW), { skipImageLinks: true, skipHtmlToText: false, maxHtmlLengthToParse: 2_000_000 });
  } catch {
    return { kind: "other", how: "unparsable", messageId: null, from: null, subject: "", date: null, refersTo: [], bounces: [], text: "" };
  }
  const base = baseFields(parsed);
  const threadIds = [...ids(parsed.inReplyTo), ...ids(parsed.references).reverse()];

  // 1. a delivery status notification
  const report = deliveryReport(parsed);
  if (report) {
    const failed = report.recipients.some((r) => r.action === "failed");
    const delayed = report.recipients.some((r) => r.action === "delayed");
    return {
      ...base,
      kind: failed ? "bounce" : delayed ? "delay" : "other",
      how: "dsn",
      refersTo: unique([...originalMessageIds(parsed), ...threadIds]),
      bounces: report.recipients.filter((r) => r.action === "failed" || r.action === "delayed"),
      text: base.text,
    };
  }

  // 2. a bounce in one of the common non-standard formats
  const envelopeFrom = (envelope.from ?? "").replace(/^<|>$/g, "").trim();
  const fromAddress = base.from?.address ?? "";
  const nullSender = envelope.from !== undefined && envelope.from !== null && envelopeFrom === "";
  if ((nullSender || BOUNCE_SENDER.test(fromAddress) || BOUNCE_SENDER.test(envelopeFrom)) && BOUNCE_SUBJECT.test(base.subject)) {
    return {
      ...base,
      kind: "bounce",
      how: "heuristic",
      refersTo: unique([...originalMessageIds(parsed), ...threadIds]),
      bounces: heuristicBounces(base.text, [fromAddress, envelopeFrom]),
    };
  }

  // 3. an automatic reply
  const auto = autoReplySignal(parsed, base.subject);
  if (auto) return { ...base, kind: "auto_reply", how: auto, refersTo: unique(threadIds), bounces: [] };

  // 4. a person answering one of our messages
  if (threadIds.length) return { ...base, kind: "reply", how: "in-reply-to", refersTo: unique(threadIds), bounces: [], text: stripQuoted(base.text) };
  return { ...base, kind: "other", how: "none", refersTo: [], bounces: [] };
}

function baseFields(parsed: ParsedMail) {
  const from = parsed.from?.value?.[0];
  const text = (parsed.text ?? (typeof parsed.html === "string" ? parsed.html.replace(/<[^>]*>/g, " ") : "")).replace(/\r\n/g, "\n").trim();
  return {
    messageId: parsed.messageId ?? null,
    from: from?.address ? { name: (from.name ?? "").slice(0, 500), address: from.address.slice(0, 500) } : null,
    subject: (parsed.subject ?? "").replace(/[\r\n\t]+/g, " ").trim().slice(0, 500),
    date: headerDate(parsed),
    refersTo: [] as string[],
    bounces: [] as InboundBounce[],
    text: text.slice(0, MAX_TEXT),
  };
}

/** The Date header, when there is one that parses (mailparser puts the current time in place of a bad one). */
function headerDate(parsed: ParsedMail): Date | null {
  const line = parsed.headerLines.find((h) => h.key === "date")?.line.replace(/^date:\s*/i, "");
  if (!line || Number.isNaN(Date.parse(line))) return null;
  return parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null;
}

function ids(value: string | string[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? value.split(/\s+/) : [];
  return list.map((id) => id.trim()).filter((id) => /^<[^<>\s]{1,500}>$/.test(id));
}

function unique(list: string[]) {
  return [...new Set(list)].slice(0, 20);
}

/**
 * The machine-readable part of a DSN: one entry per recipient block. mailparser either hands the
 * message/delivery-status part over as an attachment or inlines it into the text, so both are read; a
 * multipart/report without recipient blocks is still a report (with no recipients).
 */
function deliveryReport(parsed: ParsedMail): { recipients: InboundBounce[] } | null {
  const contentType = parsed.headers.get("content-type") as { value?: string; params?: Record<string, string> } | undefined;
  const isReport = contentType?.value?.toLowerCase() === "multipart/report" && /delivery-status/i.test(contentType.params?.["report-type"] ?? "");
  const part = parsed.attachments.find((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType));
  if (!part && !isReport) return null;
  const source = (part ? part.content.toString("utf8", 0, Math.min(part.content.length, 256 * 1024)) : (parsed.text ?? "").slice(0, 256 * 1024)).replace(/\r\n/g, "\n");
  const recipients: InboundBounce[] = [];
  for (const fields of source.split(/\n\s*\n/).map(parseFields)) {
    const recipient = fields.get("final-recipient") ?? fields.get("original-recipient");
    const action = (fields.get("action") ?? "").toLowerCase().split(/\s/)[0];
    if (!recipient || !ACTIONS.has(action)) continue;
    const address = recipient.replace(/^[a-z0-9-]+\s*;\s*/i, "").replace(/^<|>$/g, "").trim();
    if (!address.includes("@")) continue;
    const diagnostic = fields.get("diagnostic-code")?.replace(/^[a-z0-9-]+\s*;\s*/i, "").trim() ?? null;
    recipients.push({
      address: address.slice(0, 320),
      status: fields.get("status")?.match(/[245]\.\d{1,3}\.\d{1,3}/)?.[0] ?? null,
      diagnostic: diagnostic ? diagnostic.slice(0, 500) : null,
      action: action as InboundBounce["action"],
    });
    if (recipients.length >= 50) break;
  }
  if (!recipients.length && !isReport) return null;
  return { recipients };
}

/** "Name: value" lines with folded continuations, names lower-cased. */
function parseFields(block: string) {
  const fields = new Map<string, string>();
  let last: string | null = null;
  for (const line of block.split("\n").slice(0, 200)) {
    if (/^[ \t]/.test(line) && last) {
      fields.set(last, `${fields.get(last)} ${line.trim()}`);
      continue;
    }
    const match = line.match(/^([A-Za-z0-9-]+)\s*:\s*(.*)$/);
    if (!match) continue;
    last = match[1].toLowerCase();
    if (!fields.has(last)) fields.set(last, match[2].trim());
  }
  return fields;
}

/** The returned original's Message-ID: from a message/rfc822 or text/rfc822-headers part, else from the text. */
function originalMessageIds(parsed: ParsedMail): string[] {
  const found: string[] = [];
  for (const part of parsed.attachments) {
    if (!/^(message\/(rfc822|global)|text\/rfc822-headers|message\/rfc822-headers)$/i.test(part.contentType)) continue;
    const head = part.content.toString("utf8", 0, Math.min(part.content.length, 64 * 1024)).split(/\r?\n\r?\n/)[0];
    const id = parseFields(head.replace(/\r\n/g, "\n")).get("message-id");
    if (id) found.push(...ids(id.match(/<[^<>\s]+>/)?.[0]));
  }
  const text = parsed.text ?? "";
  for (const match of text.slice(0, 200_000).matchAll(/^\s*Message-ID:\s*(<[^<>\s]{1,500}>)/gim)) found.push(match[1]);
  return found;
}

/** Failed addresses in a bounce's text: those next to an SMTP 5xx code, an enhanced 5.x.x code, or a qmail "<a>:" line. */
function heuristicBounces(text: string, exclude: string[]): InboundBounce[] {
  const skip = new Set(exclude.map((a) => a.toLowerCase()).filter(Boolean));
  const lines = text.slice(0, 200_000).split("\n");
  const out = new Map<string, InboundBounce>();
  const CODE = /\b([45]\d\d)\b[ -]?(?:#?([45]\.\d{1,3}\.\d{1,3}))?|#?\b([45]\.\d{1,3}\.\d{1,3})\b/;
  for (let i = 0; i < lines.length && out.size < 50; i++) {
    for (const match of lines[i].matchAll(/<?([A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,255}\.[A-Za-z]{2,63})>?/g)) {
      const address = match[1].toLowerCase();
      if (skip.has(address) || BOUNCE_SENDER.test(address) || out.has(address)) continue;
      // the reason is on this line or within the next four (Exim, Postfix and qmail put it below the address)
      const window = lines.slice(i, i + 5);
      const codeLine = window.find((line) => CODE.test(line) && !/^\s*(received|date|message-id|from|to|subject):/i.test(line));
      const qmail = /^<[^>]+>:\s*$/.test(lines[i].trim());
      if (!codeLine && !qmail) continue;
      const code = codeLine?.match(CODE);
      const status = code?.[2] ?? code?.[3] ?? (code?.[1] ? `${code[1][0]}.0.0` : null);
      if (status?.startsWith("4")) continue; // a warning, not a failure
      out.set(address, { address, status: status ?? null, diagnostic: (codeLine ?? lines[i + 1] ?? "").trim().slice(0, 500) || null, action: "failed" });
    }
  }
  return [...out.values()];
}

function autoReplySignal(parsed: ParsedMail, subject: string): string | null {
  const header = (name: string) => {
    const value = parsed.headers.get(name);
    return typeof value === "string" ? value.trim().toLowerCase() : value ? String((value as { value?: string }).value ?? value).toLowerCase() : null;
  };
  const submitted = header("auto-submitted");
  if (submitted && submitted !== "no") return "auto-submitted";
  if (parsed.headers.has("x-autoreply") || parsed.headers.has("x-autorespond") || parsed.headers.has("x-autoresponder")) return "x-autoreply";
  const precedence = header("precedence") ?? header("x-precedence");
  if (precedence && /^(auto_reply|bulk|junk|list)$/.test(precedence)) return "precedence";
  if (AUTO_REPLY_SUBJECT.test(subject)) return "subject";
  return null;
}

/** The reply without the quoted original: drops "> " lines and everything from a quote marker on. */
export function stripQuoted(text: string): string {
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    if (QUOTE_MARKERS.some((marker) => marker.test(line))) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  const result = kept.join("\n").trim();
  return (result || text.trim()).slice(0, MAX_TEXT);
}
