import type { DB } from "~/db.server";
import { htmlLang, type Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { formatDateTime, formatEventDates, utcOffsetLabel } from "~/lib/dates";
import { localized } from "~/lib/directory";
import { calendarFile } from "~/lib/ics.server";
import { fillPlaceholders, type PlaceholderValues } from "~/lib/letters";
import { formatName, type PersonName } from "~/lib/names";
import { renderEmail } from "~/mail/render-email.server";
import type { EventRow } from "~/models/event.server";
import { getSecretariat, type Secretariat } from "~/models/secretariat.server";
import type { LetterKind, LocalizedText } from "../../db/schema";
import Letter from "../../emails/letter";
import StaffLink from "../../emails/staff-link";

/** What letters take from Settings → Identity; loaded once per batch of letters (loadLetterIdentity). */
export type LetterIdentity = {
  name: LocalizedText;
  shortName: string | null;
  address: LocalizedText;
  signature: LocalizedText;
  /** absolute URL of the logo (APP_URL/logo?v=…), or null */
  logoUrl: string | null;
};

export async function loadLetterIdentity(db: DB, appUrl: string): Promise<LetterIdentity> {
  return letterIdentityOf(await getSecretariat(db), appUrl);
}

/** The letterhead's parts from the secretariat's row (read already, e.g. with an event's kept facts). */
export function letterIdentityOf(identity: Secretariat, appUrl: string): LetterIdentity {
  return {
    name: identity.name,
    shortName: identity.shortName,
    address: identity.address,
    signature: identity.signature,
    logoUrl: identity.logo ? `${appUrl}/logo?v=${identity.logo.version}` : null,
  };
}

/** The organisation's name in `locale` (then English, then the short name); `fallback` while none is set. */
export function organisationName(identity: LetterIdentity | null | undefined, locale: Lng, fallback: string) {
  return (identity && (localized(identity.name, locale) || identity.shortName)) || fallback;
}

/** The white letterhead of an email (logo and address); null keeps the plain band with the name. */
export function letterheadOf(identity: LetterIdentity | null | undefined, locale: Lng) {
  if (!identity) return null;
  const address = localized(identity.address, locale) || null;
  return identity.logoUrl || address ? { logoUrl: identity.logoUrl, address } : null;
}

/**
 * A short email around one link (a staff account's link, a reply link sent again): a few paragraphs, the link as
 * a button and as text, a footer; HTML and plain text from the same parts, with the secretariat's letterhead.
 */
export async function composeLinkMail({
  locale,
  identity,
  organisation,
  subject,
  paragraphs,
  link,
  footer,
}: {
  locale: Lng;
  identity: LetterIdentity | null | undefined;
  organisation: string;
  subject: string;
  paragraphs: string[];
  link: { url: string; label: string; intro: string };
  footer: string;
}) {
  const html = renderEmail(
    StaffLink({ lang: htmlLang[locale], organisation, letterhead: letterheadOf(identity, locale), preview: subject, paragraphs, link, footer }),
  );
  const text = [organisation, paragraphs.join("\n\n"), `${link.label}:\n${link.url}`, footer].join("\n\n");
  return { subject, html, text };
}

export type LetterInput = {
  kind: LetterKind;
  locale: Lng;
  letter: { subject: string; body: string };
  event: EventRow;
  member: { names: LocalizedText; headTitle: LocalizedText };
  head: PersonName | null;
  rsvpUrl: string | null;
  organisation?: string;
  /** Settings → Identity: the organisation's name, signature block, address and logo */
  identity?: LetterIdentity | null;
  /** the English version too (bilingual letter) */
  english?: { subject: string; body: string } | null;
};

/** Headers never carry CR/LF from user input: a subject is one line. */
export function oneLine(text: string) {
  return text.replace(/[\r\n]+/g, " ").trim();
}

/** Event facts are the same in every letter of one language: formatted once per event, language and version. */
const eventFacts = new Map<string, { dates: string; venue: string; deadline: string; title: string }>();

function factsOf(event: EventRow, locale: Lng) {
  const key = `${event.id}:${event.version}:${locale}`;
  let facts = eventFacts.get(key);
  if (!facts) {
    const venue = localized(event.venue, locale);
    const deadline = event.rsvpDeadline ? new Date(event.rsvpDeadline) : null;
    facts = {
      title: localized(event.title, locale),
      venue: venue || (event.meetingUrl ?? ""),
      dates: formatEventDates(new Date(event.startsAt), new Date(event.endsAt), locale, event.timeZone, venue || null),
      deadline: deadline ? `${formatDateTime(deadline, locale, event.timeZone)} (${utcOffsetLabel(deadline, event.timeZone)})` : "—",
    };
    if (eventFacts.size > 500) eventFacts.clear();
    eventFacts.set(key, facts);
  }
  return facts;
}

async function placeholderValues(input: LetterInput, locale: Lng): Promise<PlaceholderValues> {
  const t = await getFixedT(locale, "emails");
  const { event } = input;
  const facts = factsOf(event, locale);
  const title = localized(input.member.headTitle, locale);
  const head = input.head ? { ...input.head, title: title || input.head.title } : null;
  const organisation = input.organisation ?? organisationName(input.identity, locale, t("organisation"));
  return {
    salutation: head ? formatName(head, locale, "salutation") : title ? t("salutationOffice", { title }) : t("salutationGeneric"),
    member: localized(input.member.names, locale),
    "event.title": facts.title,
    "event.dates": facts.dates,
    "event.venue": facts.venue,
    "rsvp.link": input.rsvpUrl ?? "",
    "rsvp.deadline": facts.deadline,
    organisation,
    signature: (input.identity && localized(input.identity.signature, locale)) || organisation,
  };
}

/** The event's calendar file in one language; the same for every letter (the personal link is in the letter). */
const calendars = new Map<string, { name: string; content: string }>();

function calendarOf(event: EventRow, locale: Lng, values: PlaceholderValues) {
  const key = `${event.id}:${event.version}:${locale}`;
  let file = calendars.get(key);
  if (!file) {
    file = {
      name: `${values["event.title"].replace(/[\\/:*?"<>|]/g, "").slice(0, 80) || "event"}.ics`,
      content: calendarFile({
        uid: `event-${event.id}@plenary`,
        title: values["event.title"],
        start: new Date(event.startsAt),
        end: new Date(event.endsAt),
        location: values["event.venue"],
        description: values["event.dates"],
      }),
    };
    if (calendars.size > 500) calendars.clear();
    calendars.set(key, file);
  }
  return file;
}

/** The event's .ics in `locale` (the same file the invitation carried). */
export function eventCalendar(event: EventRow, locale: Lng) {
  const facts = factsOf(event, locale);
  return calendarOf(event, locale, { "event.title": facts.title, "event.venue": facts.venue, "event.dates": facts.dates } as PlaceholderValues);
}

/** Title, dates, venue and deadline of an event in `locale`, formatted as letters show them. */
export function eventFactsIn(event: EventRow, locale: Lng) {
  return factsOf(event, locale);
}

/**
 * What every notice about one event shares (a reply's confirmation, a place become free, an approval, an
 * e-badge), in `locale`: the organisation and its letterhead, the facts box (event, dates, venue), the sentence
 * before the written-out link, and the plain text written from the same parts as the HTML, in the same order.
 */
export async function noticeFrame({ locale, identity, event }: { locale: Lng; identity: LetterIdentity | null | undefined; event: EventRow }) {
  const t = await getFixedT(locale, "emails");
  const facts = factsOf(event, locale);
  const organisation = organisationName(identity, locale, t("organisation"));
  const rows = [
    { label: t("facts.event"), value: facts.title },
    { label: t("facts.dates"), value: facts.dates },
    ...(facts.venue ? [{ label: t("facts.venue"), value: facts.venue }] : []),
  ];
  const factsBox = { heading: t("facts.heading"), rows };
  return {
    t,
    facts,
    organisation,
    lang: htmlLang[locale],
    letterhead: letterheadOf(identity, locale),
    factsBox,
    linkIntro: t("linkIntro"),
    text: ({ body, link, footer }: { body: string[]; link: { url: string; label: string }; footer: string }) =>
      [organisation, ...body, `${link.label}:\n${link.url}`, [factsBox.heading, ...rows.map((row) => `${row.label}: ${row.value}`)].join("\n"), footer].join(
        "\n\n",
      ),
  };
}

/**
 * A notice about a delegation's registration (the confirmation of a reply, a place become free, staff's approval):
 * paragraphs, the reply link as a button and written out, the event's facts and the footer naming the member;
 * HTML and plain text from the same parts, the subject on one line.
 */
export async function composeNoticeMail({
  locale,
  identity,
  event,
  subject,
  paragraphs,
  link,
  member,
}: {
  locale: Lng;
  identity: LetterIdentity | null | undefined;
  event: EventRow;
  subject: string;
  paragraphs: string[];
  /** the reply link; its label defaults to "change the reply" */
  link: { url: string; label?: string };
  /** the member's name in `locale`, for the footer */
  member: string;
}) {
  const frame = await noticeFrame({ locale, identity, event });
  const { t, organisation } = frame;
  const title = oneLine(subject);
  const button = { url: link.url, label: link.label ?? t("buttonUpdate"), intro: frame.linkIntro };
  const footer = t("footer", { member, organisation });
  const html = renderEmail(
    Letter({
      lang: frame.lang,
      organisation,
      letterhead: frame.letterhead,
      preview: title,
      paragraphs,
      link: button,
      facts: frame.factsBox,
      footer,
    }),
  );
  return { subject: title, html, text: frame.text({ body: [paragraphs.join("\n\n")], link: button, footer }) };
}

const paragraphsOf = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);

/** The letter's subject and paragraphs in `input.locale`, placeholders filled: the text of the PDF letter (issue 18 §8). */
export async function filledLetter(input: LetterInput) {
  const values = await placeholderValues(input, input.locale);
  return { subject: oneLine(fillPlaceholders(input.letter.subject, values)), paragraphs: paragraphsOf(fillPlaceholders(input.letter.body, values)), values };
}

/**
 * The message exactly as it will be sent: subject, HTML and plain text, and the event's .ics. Values are inserted
 * as text, so markup in a member's name is shown, never run.
 */
export async function composeLetter(input: LetterInput): Promise<ComposedLetter> {
  const personal = await personalValuesOf(input);
  // the letter's frame (everything but the member's name and salutation) rendered once per language, then filled
  const mergeable = personal.every((value) => MERGEABLE.test(value) && !value.includes("://") && !value.includes("{{"));
  const frame = mergeable ? await frameOf(input) : null;
  if (frame) {
    letterFrameStats.merged++;
    return mergeFrame(frame, personal);
  }
  letterFrameStats.rendered++;
  return composeLetterFully(input);
}

type ComposedLetter = { subject: string; html: string; text: string; ics: { name: string; content: string } | null };

/**
 * Mail merge for a wave's letters (issue 15): letters of one event, kind, language and text differ only in the
 * member's name and the salutation (in the letter's language, and in English for a bilingual letter). The frame
 * is composed once with a marker in place of each, and every letter then fills the markers: its name escaped as
 * React escapes text for the HTML, as written for the subject and the plain text. A frame is used only after a
 * probe (names full of characters HTML escapes) composed both ways came out the same; values that the letter's
 * layout could treat differently (line breaks, runs of spaces, blank values, anything like a link or a
 * placeholder) are composed fully.
 */
const MARKERS = ["\uE000salutation\uE001", "\uE000member\uE001", "\uE000salutation-en\uE001", "\uE000member-en\uE001"] as const;
const PROBE = [`Dr. O'Brien & <b>"Ко"</b> 김 $&`, `<i>'Region'</i> & "東京" > Улан $1`, `Mr & Mrs "A" <c>' $$`, `Kyōto & 'Ōsaka' <x> "y" $'`];
/** a value of non-space characters separated by single spaces, holding no marker's characters */
const MERGEABLE = /^[^\s\uE000\uE001]+(?: [^\s\uE000\uE001]+)*$/u;
const FRAME_LIMIT = 200;
const frames = new Map<string, Promise<ComposedLetter | null>>();

/** How many letters were filled into a frame and how many were composed fully (tests, diagnosis). */
export const letterFrameStats = { merged: 0, rendered: 0 };

const HTML_ESCAPES: Record<string, string> = { '"': "&quot;", "&": "&amp;", "'": "&#x27;", "<": "&lt;", ">": "&gt;" };
/** React's escaping of text and attribute values (react-dom/server's escapeTextForBrowser). */
const escapeHtml = (text: string) => text.replace(/["&'<>]/g, (c) => HTML_ESCAPES[c]);

function mergeFrame(frame: ComposedLetter, values: string[]): ComposedLetter {
  const fill = (text: string, escape: boolean) =>
    // a function, not a string, as the replacement: a name holding "$&" or "$1" is inserted as written
    MARKERS.reduce((out, marker, i) => out.replaceAll(marker, () => (escape ? escapeHtml(values[i] ?? "") : (values[i] ?? ""))), text);
  return { subject: fill(frame.subject, false), html: fill(frame.html, true), text: fill(frame.text, false), ics: frame.ics };
}

/** The salutation and the member's name, in the letter's language and (bilingual) in English. */
async function personalValuesOf(input: LetterInput): Promise<string[]> {
  const values = await placeholderValues(input, input.locale);
  const english = input.english && input.locale !== "en" ? await placeholderValues(input, "en") : null;
  return [values.salutation, values.member, ...(english ? [english.salutation, english.member] : [])];
}

function frameOf(input: LetterInput): Promise<ComposedLetter | null> {
  const { member: _member, head: _head, ...shared } = input;
  const key = JSON.stringify(shared);
  let frame = frames.get(key);
  if (!frame) {
    frame = (async () => {
      const marked = await composeLetterFully(input, [...MARKERS]);
      // the probe: the frame filled with awkward names must equal the letter composed with them
      const probe = await composeLetterFully(input, PROBE);
      const filled = mergeFrame(marked, PROBE);
      const same = filled.subject === probe.subject && filled.html === probe.html && filled.text === probe.text;
      return same ? marked : null;
    })();
    if (frames.size >= FRAME_LIMIT) frames.delete(frames.keys().next().value!);
    frames.set(key, frame);
    frame.catch(() => frames.delete(key));
  }
  return frame;
}

/**
 * The message exactly as it will be sent, from one React render (composeLetter fills a frame of it instead, when it
 * can). `personal` replaces the salutation and the member's name (a frame's markers, a probe's names).
 */
export async function composeLetterFully(input: LetterInput, personal?: string[]): Promise<ComposedLetter> {
  const { locale, event } = input;
  const t = await getFixedT(locale, "emails");
  const values = { ...(await placeholderValues(input, locale)), ...(personal ? { salutation: personal[0], member: personal[1] } : {}) };
  const subject = oneLine(fillPlaceholders(input.letter.subject, values));
  const venue = values["event.venue"];
  const deadline = values["rsvp.deadline"];
  const rows = [
    { label: t("facts.event"), value: values["event.title"] },
    { label: t("facts.dates"), value: values["event.dates"] },
    ...(venue ? [{ label: t("facts.venue"), value: venue }] : []),
    ...(event.rsvpDeadline && input.kind !== "cancellation" ? [{ label: t("facts.deadline"), value: deadline }] : []),
    ...(event.meetingUrl ? [{ label: t("facts.online"), value: event.meetingUrl }] : []),
  ];
  let second = null;
  if (input.english && locale !== "en") {
    const english = { ...(await placeholderValues(input, "en")), ...(personal ? { salutation: personal[2], member: personal[3] } : {}) };
    const tEn = await getFixedT("en", "emails");
    second = {
      lang: "en",
      heading: tEn("englishVersion"),
      paragraphs: paragraphsOf(fillPlaceholders(input.english.body, english)),
      linkLabel: input.kind === "update" ? tEn("buttonUpdate") : tEn("button"),
    };
  }
  const element = Letter({
    lang: locale === "zh" ? "zh-Hans" : locale,
    organisation: values.organisation,
    letterhead: letterheadOf(input.identity, locale),
    preview: subject,
    paragraphs: paragraphsOf(fillPlaceholders(input.letter.body, values)),
    link:
      input.rsvpUrl && input.kind !== "cancellation"
        ? { url: input.rsvpUrl, label: input.kind === "update" ? t("buttonUpdate") : t("button"), intro: t("linkIntro") }
        : null,
    facts: { heading: t("facts.heading"), rows },
    footer: t("footer", { member: values.member, organisation: values.organisation }),
    second,
  });
  const html = renderEmail(element);
  // The plain-text part is written from the same parts, keeping the letter's own line breaks.
  const link = input.rsvpUrl && input.kind !== "cancellation" ? `${input.kind === "update" ? t("buttonUpdate") : t("button")}:\n${input.rsvpUrl}` : null;
  const text = [
    values.organisation,
    fillPlaceholders(input.letter.body, values).trim(),
    link,
    [t("facts.heading"), ...rows.map((row) => `${row.label}: ${row.value}`)].join("\n"),
    second ? [`— ${second.heading} —`, second.paragraphs.join("\n\n")].join("\n\n") : null,
    t("footer", { member: values.member, organisation: values.organisation }),
  ]
    .filter(Boolean)
    .join("\n\n");
  const ics = input.kind === "cancellation" ? null : calendarOf(event, locale, values);
  return { subject, html, text, ics };
}
