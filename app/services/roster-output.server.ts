import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { isSupportedLng, type Lng } from "~/i18n";
import { formatDateTimeZoned, formatEventDates } from "~/lib/dates";
import { localized } from "~/lib/directory";
import type { PdfLang, PdfText } from "~/lib/pdf/types";
import { recordAccess } from "~/models/audit.server";
import { getRosterVersion } from "~/models/roster.server";
import { requireEvent } from "~/services/event-view.server";
import { letterheadFor } from "~/services/letterhead.server";
import { render } from "~/services/render-pool.server";
import { buildRoster, flatten, regroup, rosterFilterFrom, rosterLabels, type RosterLine, type RosterView } from "~/services/roster-view.server";

/** The roster a download asks for: a frozen version (`?version=n`) or the live list with its filters, in `?lang=`. */
export async function rosterForDownload(args: LoaderFunctionArgs, format: "pdf" | "csv" | "xlsx" | "print") {
  const user = requireUser(args);
  const event = await requireEvent(args.params.eventId);
  const url = new URL(args.request.url);
  const lngParam = url.searchParams.get("lang");
  const db = getDb();
  const versionNumber = Number(url.searchParams.get("version")) || null;
  let view: RosterView;
  let version: { number: number; kind: "provisional" | "final"; at: Date } | null = null;
  if (versionNumber) {
    const frozen = await getRosterVersion(db, { eventId: event.id, number: versionNumber });
    if (!frozen) throw new Response("Not Found", { status: 404 });
    view = regroup(frozen.locale, frozen.rows as RosterLine[]);
    version = { number: frozen.number, kind: frozen.kind, at: new Date(frozen.createdAt) };
  } else {
    view = await buildRoster(db, event, { lang: isSupportedLng(lngParam) ? lngParam : args.context.locale, filter: rosterFilterFrom(url) });
  }
  // Lists of people are personal data: every download is on record (RELIABILITY D5, issue 8's audit log).
  await recordAccess(db, {
    actor: user,
    action: "roster.exported",
    objectType: "event",
    objectId: event.id,
    ip: args.context.clientIp,
    details: { format, lang: view.lang, version: version?.number ?? null, rows: view.count },
  });
  const labels = await rosterLabels(view.lang);
  const { t } = labels;
  const lang = view.lang;
  const title = localized(event.title, lang);
  const venue = localized(event.venue, lang);
  const subtitle = `${title} · ${formatEventDates(new Date(event.startsAt), new Date(event.endsAt), lang, event.timeZone, venue || null)}`;
  const stamp = version
    ? t(`rosters:stamp.${version.kind}`, { number: version.number, at: formatDateTimeZoned(version.at, lang, event.timeZone) })
    : t("rosters:stamp.live", { at: formatDateTimeZoned(new Date(), lang, event.timeZone) });
  const fileBase = `${t("rosters:fileName")}-${event.startsAt.toISOString().slice(0, 10)}${version ? `-v${version.number}` : ""}`;
  return { db, event, view, version, labels, t, lang, title, subtitle, stamp, fileBase };
}

export const ROSTER_COLUMNS = ["name", "latin", "title", "member", "country", "role", "category"] as const;

/** The list as spreadsheet rows: one per person, in protocol order, with whether each may be on the published list. */
export function rosterTable(view: RosterView, t: (key: string) => string) {
  const headers = [t("rosters:columns.section"), ...ROSTER_COLUMNS.map((c) => t(`rosters:columns.${c}`)), t("delegation:columns.listConsent")];
  const consent = (line: RosterLine) => (line.listConsent === undefined ? "" : line.listConsent ? t("delegation:columns.yes") : t("delegation:columns.no"));
  const rows = flatten(view).map((line) => [
    line.section,
    line.name,
    line.latin,
    line.title,
    line.member,
    line.country,
    line.roleLabel,
    line.categoryLabel,
    consent(line),
  ]);
  return { headers, rows };
}

export async function rosterPdf(
  download: Pick<Awaited<ReturnType<typeof rosterForDownload>>, "view" | "t" | "lang" | "subtitle" | "stamp" | "db"> & { title?: string },
) {
  const { view, t, lang, subtitle, stamp, db } = download;
  const letterhead = await letterheadFor(db, lang);
  return render({
    kind: "roster_pdf",
    input: {
      lang: lang as PdfLang,
      title: download.title ?? t("rosters:roster.title"),
      subtitle: { text: subtitle, lang: lang as PdfLang },
      stamp,
      letterhead: letterhead ? { name: { text: letterhead.name, lang: lang as PdfLang }, logo: letterhead.logo } : undefined,
      columns: [
        { key: "name", label: t("rosters:columns.name"), width: 3 },
        { key: "title", label: t("rosters:columns.title"), width: 3 },
        { key: "role", label: t("rosters:columns.role"), width: 2 },
        { key: "category", label: t("rosters:columns.category"), width: 1.4 },
      ],
      sections: view.sections.map((section) => ({
        heading: { text: section.heading, lang: lang as PdfLang, bold: true },
        groups: section.members.map((member) => ({
          heading: { text: member.heading, lang: lang as PdfLang, bold: true },
          rows: member.lines.map((line) => ({
            name: { text: line.latin ? `${line.name}\n${line.latin}` : line.name, lang: line.nameLang as PdfLang } satisfies PdfText,
            title: { text: line.title, lang: line.nameLang as PdfLang },
            role: { text: line.roleLabel, lang: lang as PdfLang },
            category: { text: line.categoryLabel, lang: lang as PdfLang },
          })),
        })),
      })),
      pageLabel: t("rosters:pageOf", { page: "{page}", pages: "{pages}" }),
      continuedLabel: t("rosters:roster.continued"),
      emptyLabel: t("rosters:roster.empty.title"),
    },
  });
}

export function attachment(body: string | Uint8Array, type: string, fileName: string) {
  return new Response(typeof body === "string" ? body : (Uint8Array.from(body) as Uint8Array<ArrayBuffer>), {
    headers: {
      "Content-Type": type,
      "Content-Disposition": `attachment; filename="${fileName.replace(/[^\w.-]+/g, "-")}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "no-store",
    },
  });
}

export type { Lng };
