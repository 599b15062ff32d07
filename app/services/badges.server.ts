import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { isSupportedLng } from "~/i18n";
import { countryName, localized } from "~/lib/directory";
import type { BadgeInput } from "~/lib/pdf/badges.server";
import type { PdfLang } from "~/lib/pdf/types";
import { protocolOrder } from "~/lib/protocol";
import { recordAccess } from "~/models/audit.server";
import { listBadgePhotos } from "~/models/document.server";
import { listRosterPeople } from "~/models/roster.server";
import { requireEvent } from "~/services/event-view.server";
import { letterheadFor } from "~/services/letterhead.server";
import { render } from "~/services/render-pool.server";
import { CATEGORY_COLORS, nameForms, rosterFilterFrom, rosterLabels } from "~/services/roster-view.server";

/** Badges (A4 sheets of 8, or one per A6 page) and table place cards, in protocol order, for the roster's filters. */
export async function badgesDownload(args: LoaderFunctionArgs, kind: "badges" | "place_cards") {
  const user = requireUser(args);
  const event = await requireEvent(args.params.eventId);
  const url = new URL(args.request.url);
  const lngParam = url.searchParams.get("lang");
  const lang = isSupportedLng(lngParam) ? lngParam : args.context.locale;
  const db = getDb();
  const people = protocolOrder(await listRosterPeople(db, { eventId: event.id, filter: rosterFilterFrom(url) }), event.protocol ?? {}, event.hostMemberId);
  const labels = await rosterLabels(lang);
  const eventTitle = { text: localized(event.title, lang), lang: lang as PdfLang };
  await recordAccess(db, {
    actor: user,
    action: kind === "badges" ? "badges.exported" : "place_cards.exported",
    objectType: "event",
    objectId: event.id,
    ip: args.context.clientIp,
    details: { lang, rows: people.length },
  });
  const date = event.startsAt.toISOString().slice(0, 10);
  if (kind === "place_cards") {
    const seen = new Set<string>();
    const cards = people
      .filter((p) => (seen.has(p.memberId) ? false : (seen.add(p.memberId), true)))
      .map((p) => ({
        primary: { text: localized(p.memberNames, lang), lang: lang as PdfLang },
        secondary: { text: localized(p.memberNames, p.memberLocale), lang: p.memberLocale as PdfLang },
        country: countryName(p.country, lang),
      }));
    return {
      body: await render({ kind: "place_cards_pdf", input: { lang: lang as PdfLang, cards } }),
      fileName: `${labels.t("rosters:badges.placeCardsFile")}-${date}.pdf`,
    };
  }
  const layout = url.searchParams.get("layout") === "single" ? "single" : "sheet";
  // issue 18 §1: the photo a delegation uploaded, printed when there is one
  const photos = await listBadgePhotos(db, { eventId: event.id });
  const badges: BadgeInput[] = people.map((p) => {
    const names = nameForms(p);
    return {
      nameNative: { text: names.name, lang: p.nameLocale as PdfLang },
      nameLatin: names.latin,
      member: { text: localized(p.memberNames, lang), lang: lang as PdfLang },
      country: countryName(p.country, lang),
      role: labels.role(p.role),
      category: labels.category(p.category),
      color: CATEGORY_COLORS[p.category],
      checkInCode: p.checkInCode,
      photo: photos.get(p.delegateId),
    };
  });
  const head = await letterheadFor(db, lang);
  const body = await render({
    kind: "badges_pdf",
    input: {
      lang: lang as PdfLang,
      eventTitle,
      badges,
      layout,
      letterhead: head ? { name: { text: head.name, lang: lang as PdfLang }, logo: head.logo } : undefined,
    },
  });
  return { body, fileName: `${labels.t("rosters:badges.badgesFile")}-${date}.pdf` };
}
