import type { DB } from "~/db.server";
import type { Env } from "~/env.server";
import type { Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { toPersonName } from "~/lib/contact-display";
import { formatDateRange } from "~/lib/dates";
import { localized } from "~/lib/directory";
import type { InvitationLetterPage } from "~/lib/pdf/invitation-letter.server";
import type { PdfLang } from "~/lib/pdf/types";
import { LINK_PLACEHOLDER } from "~/lib/tokens.server";
import { filledLetter, type LetterInput, loadLetterIdentity } from "~/mail/compose.server";
import { getLetterOptions } from "~/models/attachment.server";
import { listAudience } from "~/models/audience.server";
import type { EventRow } from "~/models/event.server";
import { getLetter } from "~/models/letter.server";
import { letterheadFor } from "~/services/letterhead.server";
import { render } from "~/services/render-pool.server";

/**
 * The PDF letter of one invitation as stored with its message (email_message_document.letter): the text of each
 * page, already personalised, with the reply link still masked. The worker renders it when it sends, with the
 * live link and the logo; the creation date is fixed here, so every attempt makes the same file.
 */
export type LetterPdfSpec = { fileName: string; createdAt: string; pages: InvitationLetterPage[] };

export function isLetterPdfSpec(value: unknown): value is LetterPdfSpec {
  const spec = value as LetterPdfSpec | null;
  return Boolean(spec && typeof spec.fileName === "string" && typeof spec.createdAt === "string" && Array.isArray(spec.pages));
}

type Letterhead = Awaited<ReturnType<typeof letterheadFor>>;

/** Letterheads and letters of one event by language, read once for a batch of invitations. */
export function letterSources(db: DB, eventId: string) {
  const heads = new Map<Lng, Letterhead>();
  const letters = new Map<Lng, Awaited<ReturnType<typeof getLetter>>>();
  return {
    head: async (lang: Lng) => {
      if (!heads.has(lang)) heads.set(lang, await letterheadFor(db, lang));
      return heads.get(lang) ?? null;
    },
    letter: async (lang: Lng) => {
      if (!letters.has(lang)) letters.set(lang, await getLetter(db, { eventId, kind: "invitation", locale: lang }));
      return letters.get(lang)!;
    },
  };
}

/**
 * The pages of the PDF letter: the letter's language, then the second language when one is chosen (and differs).
 * `inputFor` gives the letter input in a language (the head's name is written per language).
 */
export async function letterPdfSpec({
  languages,
  inputFor,
  sources,
  now,
}: {
  languages: Lng[];
  inputFor: (lang: Lng, letter: { subject: string; body: string }) => LetterInput;
  sources: ReturnType<typeof letterSources>;
  now: Date;
}): Promise<LetterPdfSpec> {
  const pages: InvitationLetterPage[] = [];
  for (const lang of [...new Set(languages)]) {
    const input = inputFor(lang, await sources.letter(lang));
    const head = await sources.head(lang);
    const { subject, paragraphs, values } = await filledLetter(input);
    const office = localized(input.member.headTitle, lang);
    pages.push({
      lang: lang as PdfLang,
      letterhead: {
        name: head?.name || values.organisation,
        address: head?.address || undefined,
        contact: [head?.phone, head?.website].filter(Boolean).join(" · ") || undefined,
      },
      date: formatDateRange(now, now, lang, input.event.timeZone),
      addressee: [office, values.member].filter(Boolean),
      subject,
      paragraphs,
    });
  }
  const t = await getFixedT(languages[0], "attachments");
  return { fileName: `${t("pdf.fileName").replace(/[\\/:*?"<>|\r\n]/g, "")}.pdf`, createdAt: now.toISOString(), pages };
}

/** Renders a stored letter in the render pool, the live reply link in place of the masked one (none: left masked). */
export async function renderLetterPdf(db: DB, spec: LetterPdfSpec, { token }: { token: string | null }): Promise<Buffer<ArrayBuffer>> {
  const live = (text: string) => (token ? text.replaceAll(LINK_PLACEHOLDER, token) : text);
  const head = await letterheadFor(db, (spec.pages[0]?.lang ?? "en") as Lng);
  return render({
    kind: "invitation_letter_pdf",
    input: { createdAt: spec.createdAt, logo: head?.logo, pages: spec.pages.map((p) => ({ ...p, paragraphs: p.paragraphs.map(live) })) },
  });
}

/**
 * The PDF letter staff preview for a member (or, without one, a member-less letter) in `locale` and the event's
 * second language: the same text an invitation queued now would carry, the reply link masked.
 */
export async function previewLetterPdf(
  db: DB,
  { env, event, memberId, locale }: { env: Env; event: EventRow; memberId: string | null; locale: Lng },
): Promise<{ fileName: string; pdf: Buffer<ArrayBuffer> }> {
  const options = await getLetterOptions(db, { eventId: event.id });
  const [member] = memberId ? await listAudience(db, { mode: "picked", memberIds: [memberId] }) : [];
  const head = member?.contacts.find((c) => c.isHead);
  const identity = await loadLetterIdentity(db, env.APP_URL);
  const spec = await letterPdfSpec({
    languages: [locale, ...(options.secondLocale ? [options.secondLocale] : [])],
    inputFor: (lang, letter) => ({
      kind: "invitation",
      locale: lang,
      letter,
      event,
      member: member ?? { names: {}, headTitle: {} },
      head: head ? toPersonName(head, lang) : null,
      // the reply link as stored messages hold it (invitations.server storedRsvpUrl), masked
      rsvpUrl: `${env.APP_URL}/r/${LINK_PLACEHOLDER}`,
      identity,
    }),
    sources: letterSources(db, event.id),
    now: new Date(),
  });
  return { fileName: spec.fileName, pdf: await renderLetterPdf(db, spec, { token: null }) };
}
