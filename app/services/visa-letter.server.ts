import type { DB } from "~/db.server";
import { isSupportedLng, type Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { formatDateRange } from "~/lib/dates";
import { countryName, localized } from "~/lib/directory";
import type { PdfLang } from "~/lib/pdf/types";
import type { VisaLetterPage } from "~/lib/pdf/visa-letter.server";
import type { EventRow } from "~/models/event.server";
import { getMember } from "~/models/member.server";
import type { getVisaLetterData } from "~/models/roster.server";
import { letterheadFor } from "~/services/letterhead.server";
import { render } from "~/services/render-pool.server";

type VisaData = NonNullable<Awaited<ReturnType<typeof getVisaLetterData>>>;

/** English and the host country's language (the host member's language), once each. */
export async function visaLetterLanguages(db: DB, event: EventRow): Promise<Lng[]> {
  const host = event.hostMemberId ? await getMember(db, { id: event.hostMemberId }) : undefined;
  const hostLang = host && isSupportedLng(host.defaultLocale) ? host.defaultLocale : "en";
  return hostLang === "en" ? ["en"] : ["en", hostLang];
}

function localDate(value: string | null) {
  if (!value) return null;
  const [y, m, d] = value.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d, 12));
}

/** The letter language's own script: a title typed in another one (a Chinese "省长" in the English letter) is not used. */
const SCRIPT: Record<Lng, RegExp> = {
  en: /\p{Script=Latin}/u,
  ru: /\p{Script=Cyrillic}/u,
  mn: /\p{Script=Cyrillic}/u,
  ko: /\p{Script=Hangul}/u,
  zh: /\p{Script=Han}/u,
  ja: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u,
};

function writtenIn(text: string, lang: Lng) {
  const letters = [...text].filter((c) => /\p{L}/u.test(c));
  return letters.length > 0 && letters.every((c) => SCRIPT[lang].test(c));
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * The person's position in the letter's language: the title as they typed it when it is in that language's
 * script; else, for the head of a delegation the member itself sends, the member's head title in that language
 * ("Governor"); else their role in the delegation ("Head of delegation").
 */
export function positionIn(person: Pick<VisaData, "title" | "role" | "response" | "memberHeadTitle">, lang: Lng, t: Translate) {
  const title = person.title?.trim();
  if (title && writtenIn(title, lang)) return title;
  const official = person.memberHeadTitle?.[lang];
  if (person.role === "head" && person.response !== "representative" && official) return official;
  return t(`reply:roles.${person.role}`);
}

/** "For any question please contact Kim Minji, email: …, tel. …": only what is known; null when nothing is. */
function contactSentence(contact: { name?: string | null; email?: string | null; phone?: string | null }, t: Translate) {
  const details = [
    contact.name?.trim(),
    contact.email ? t("rosters:visa.contactEmail", { email: contact.email }) : null,
    contact.phone ? t("rosters:visa.contactPhone", { phone: contact.phone }) : null,
  ].filter(Boolean);
  if (!contact.email && !contact.phone) return null;
  return t("rosters:visa.contact", { details: details.join(t("rosters:visa.listSeparator")) });
}

export type VisaLetterSource = {
  event: EventRow;
  person: VisaData;
  /** the letter's languages with the secretariat's letterhead in each (null when no identity is set) */
  letters: { lang: Lng; head: Awaited<ReturnType<typeof letterheadFor>> }[];
  now: Date;
};

/** The text of a visa support letter, one page per language, from the event's host and inviter wording. */
export async function visaLetterPages({ event, person, letters, now }: VisaLetterSource): Promise<VisaLetterPage[]> {
  const pages: VisaLetterPage[] = [];
  for (const { lang, head } of letters) {
    const t = (await getFixedT(lang, ["rosters", "reply"])) as Translate;
    const text = (value: string) => ({ text: value, lang: lang as PdfLang });
    const wording = event.visaLetter ?? {};
    const eventTitle = localized(event.title, lang);
    const venue = localized(event.venue, lang);
    const dates = formatDateRange(new Date(event.startsAt), new Date(event.endsAt), lang, event.timeZone);
    const arrival = localDate(person.arrivalAt) ?? new Date(event.startsAt);
    const departure = localDate(person.departureAt) ?? new Date(event.endsAt);
    const inviter = localized(wording.inviter, lang) || head?.name || "";
    const fullName = person.passportName || [person.latinFamilyName?.toUpperCase(), person.latinGivenName].filter(Boolean).join(" ") || person.givenName;
    const position = [positionIn(person, lang, t), localized(person.memberNames, lang)].filter(Boolean).join(", ");
    // the event's contact, else the secretariat's phone; the sentence is left out when there is neither
    const contact =
      event.contactEmail || event.contactPhone
        ? { name: event.contactName, email: event.contactEmail, phone: event.contactPhone }
        : { name: event.contactName || head?.name, phone: head?.phone };
    const contactLine = contactSentence(contact, t);
    pages.push({
      lang: lang as PdfLang,
      letterhead: {
        name: text(head?.name || inviter),
        address: head?.address ? text(head.address) : undefined,
        contact: [head?.phone, head?.website, event.contactEmail].filter(Boolean).join(" · ") || undefined,
        logo: head?.logo,
      },
      date: formatDateRange(now, now, lang, event.timeZone),
      reference: t("rosters:visa.reference", { code: person.checkInCode }),
      addressee: [text(t("rosters:visa.addressee"))],
      subject: text(t("rosters:visa.subject", { name: fullName, event: eventTitle })),
      paragraphs: [
        // the English sentence carries its own article ("to take part in the 16th …"): a title's own "The" is dropped
        text(t("rosters:visa.invites", { inviter, name: fullName, event: lang === "en" ? eventTitle.replace(/^the\s+/i, "") : eventTitle, dates, venue })),
        ...(localized(wording.purpose, lang) ? [text(localized(wording.purpose, lang))] : []),
        text(localized(wording.costs, lang) || t("rosters:visa.costsDefault")),
        ...(localized(wording.accommodation, lang) ? [text(localized(wording.accommodation, lang))] : []),
        ...(contactLine ? [text(contactLine)] : []),
      ],
      facts: [
        { label: t("rosters:visa.facts.name"), value: fullName },
        { label: t("rosters:visa.facts.nationality"), value: person.nationality ? countryName(person.nationality, lang) : "—" },
        { label: t("rosters:visa.facts.birthDate"), value: person.birthDate ?? "—" },
        { label: t("rosters:visa.facts.passport"), value: person.passportNumber ?? "—" },
        { label: t("rosters:visa.facts.passportExpiry"), value: person.passportExpiry ?? "—" },
        { label: t("rosters:visa.facts.position"), value: text(position || "—") },
        { label: t("rosters:visa.facts.stay"), value: formatDateRange(arrival, departure, lang, event.timeZone) },
      ],
      closing: text(t("rosters:visa.closing")),
      signature: (localized(wording.signatory, lang) || head?.signature || inviter).split("\n").map((line) => text(line)),
    });
  }
  return pages;
}

/** A visa support letter for one delegate as a PDF: English and the host's language. */
export async function visaLetterPdf(db: DB, event: EventRow, person: VisaData, now = new Date()) {
  const langs = await visaLetterLanguages(db, event);
  const letters = await Promise.all(langs.map(async (lang) => ({ lang, head: await letterheadFor(db, lang) })));
  return render({ kind: "visa_letters_pdf", input: { pages: await visaLetterPages({ event, person, letters, now }) } });
}
