import type { DB } from "~/db.server";
import type { Lng } from "~/i18n";
import { formatDateTimeZoned, formatEventDates } from "~/lib/dates";
import { localized } from "~/lib/directory";
import type { EventRow } from "~/models/event.server";
import { getParticipantList } from "~/models/participant-list.server";
import { rosterPdf } from "~/services/roster-output.server";
import { buildRoster, rosterLabels } from "~/services/roster-view.server";

/**
 * The published List of Participants (issue 18 §2) in `lang`: the people of the published version who agreed to be
 * listed, as they are now (a withdrawn consent or a replaced person drops out at once), in protocol order.
 * Undefined when the event publishes no list (or, for `publicOnly` readers, none publicly).
 */
export async function publishedParticipants(db: DB, event: EventRow, { lang, publicOnly }: { lang: Lng; publicOnly: boolean }) {
  const list = await getParticipantList(db, { eventId: event.id, publicOnly });
  if (!list) return undefined;
  const [view, labels] = await Promise.all([
    buildRoster(db, event, { lang, filter: { delegateIds: list.delegateIds, listConsent: true } }),
    rosterLabels(lang),
  ]);
  const { t } = labels;
  const title = localized(event.title, lang);
  const venue = localized(event.venue, lang);
  return {
    t,
    lang,
    view,
    isPublic: list.isPublic,
    kind: list.kind,
    heading: t(`delegation:participants.${list.kind}`),
    eventTitle: title,
    subtitle: `${title} · ${formatEventDates(new Date(event.startsAt), new Date(event.endsAt), lang, event.timeZone, venue || null)}`,
    stamp: `${t(`delegation:participants.${list.kind}`)} · ${t("delegation:participants.stamp", { at: formatDateTimeZoned(new Date(list.publishedAt), lang, event.timeZone) })}`,
    fileBase: `${t("delegation:participants.fileName")}-${new Date(event.startsAt).toISOString().slice(0, 10)}`,
  };
}

export type PublishedParticipants = NonNullable<Awaited<ReturnType<typeof publishedParticipants>>>;

/** The same list as a PDF, through the render pool (the roster's renderer and fonts). */
export function participantsPdf(db: DB, list: PublishedParticipants) {
  return rosterPdf({
    db,
    view: list.view,
    t: list.t,
    lang: list.lang,
    subtitle: list.subtitle,
    stamp: list.stamp,
    title: list.t("delegation:participants.title"),
  });
}
