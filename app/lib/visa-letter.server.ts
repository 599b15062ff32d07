import { type DB } from "~/db.server";
import { getFixedT } from "~/i18next.server";
import { isSupportedLng, type Lng } from "~/i18n";
import { formatDateRange } from "~/lib/dates";
import { countryName, localized } from "~/lib/directory";
import { letterheadFor } from "~/lib/letterhead.server";
import { type VisaLetterPage, renderVisaLetterPdf } from "~/lib/pdf/visa-letter.server";
import { type PdfLang } from "~/lib/pdf/types";
import { type EventRow } from "~/models/event.server";
import { getMember } from "~/models/member.server";
import { type getVisaLetterData } from "~/models/roster.server";

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

/** A visa support letter for one delegate, one page per language, from the event's host and inviter wording. */
export async function visaLetterPdf(db: DB, event: EventRow, person: VisaData, now = new Date()) {
  const langs = await visaLetterLanguages(db, event);
  const pages: VisaLetterPage[] = [];
  for (const lang of langs) {
    const t = await getFixedT(lang, ["rosters", "reply"]);
    const head = await letterheadFor(db, lang);
    const text = (value: string) => ({ text: value, lang: lang as PdfLang });
    const wording = event.visaLetter ?? {};
    const eventTitle = localized(event.title, lang);
    const venue = localized(event.venue, lang);
    const dates = formatDateRange(new Date(event.startsAt), new Date(event.endsAt), lang, event.timeZone);
    const arrival = localDate(person.arrivalAt) ?? new Date(event.startsAt);
    const departure = localDate(person.departureAt) ?? new Date(event.endsAt);
    const inviter = localized(wording.inviter, lang) || head?.name || "";
    const fullName = person.passportName || [person.latinFamilyName?.toUpperCase(), person.latinGivenName].filter(Boolean).join(" ") || person.givenName;
    const position = [person.title, localized(person.memberNames, lang)].filter(Boolean).join(", ");
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
        text(t("rosters:visa.invites", { inviter, name: fullName, event: eventTitle, dates, venue })),
        ...(localized(wording.purpose, lang) ? [text(localized(wording.purpose, lang))] : []),
        text(localized(wording.costs, lang) || t("rosters:visa.costsDefault")),
        ...(localized(wording.accommodation, lang) ? [text(localized(wording.accommodation, lang))] : []),
        text(t("rosters:visa.contact", { name: event.contactName ?? "", email: event.contactEmail ?? "", phone: event.contactPhone ?? "" })),
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
  return renderVisaLetterPdf({ pages });
}
