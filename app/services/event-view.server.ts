import { type DB, getDb } from "~/db.server";
import type { Lng } from "~/i18n";
import { formatDateTime, formatEventDates, utcOffsetLabel, utcToLocalInput } from "~/lib/dates";
import { countryName, localized, missingLanguages, sortMembers } from "~/lib/directory";
import { foundOr404 } from "~/lib/found.server";
import { type EventRow, getEvent } from "~/models/event.server";
import { listMembers } from "~/models/member.server";
import { listSubcommittees } from "~/models/subcommittee.server";

/** The event a route's URL names, or a 404. */
export function requireEvent(id: string | undefined) {
  return foundOr404(id, (id) => getEvent(getDb(), { id }));
}

const COUNTRY_ORDER = ["CN", "JP", "KR", "KP", "MN", "RU"];

/** Hosts grouped by country (NEAR's order), subcommittees, and every IANA zone for the event form. */
export async function eventFormChoices(db: DB, locale: Lng) {
  const [members, subcommittees] = await Promise.all([listMembers(db), listSubcommittees(db)]);
  const rank = (c: string) => (COUNTRY_ORDER.includes(c) ? COUNTRY_ORDER.indexOf(c) : 99);
  return {
    members: sortMembers(members, locale)
      .sort((a, b) => rank(a.country) - rank(b.country))
      .map((m) => ({ id: m.id, name: localized(m.names, locale), group: countryName(m.country, locale) })),
    subcommittees: subcommittees.map((s) => ({ id: s.id, name: localized(s.names, locale) })),
    timeZones: Intl.supportedValuesOf("timeZone"),
  };
}

/** The stored event as the form's values: times back in venue time. */
export function eventToFormValue(event: EventRow) {
  return {
    kind: event.kind,
    subcommitteeId: event.subcommitteeId ?? "",
    hostMemberId: event.hostMemberId ?? "",
    title: event.title,
    description: event.description,
    venue: event.venue,
    timeZone: event.timeZone,
    start: utcToLocalInput(new Date(event.startsAt), event.timeZone),
    end: utcToLocalInput(new Date(event.endsAt), event.timeZone),
    rsvpDeadline: event.rsvpDeadline ? utcToLocalInput(new Date(event.rsvpDeadline), event.timeZone) : "",
    format: event.format,
    meetingUrl: event.meetingUrl ?? "",
    quota: String(event.delegationQuota),
    reminderDays: event.autoReminderDays.join(", "),
    categories: event.categories,
    contactName: event.contactName ?? "",
    contactEmail: event.contactEmail ?? "",
    contactPhone: event.contactPhone ?? "",
  };
}

/** What lists and pages show of an event, formatted on the server in the viewer's language. */
export function eventSummary(event: EventRow, locale: Lng) {
  const venue = localized(event.venue, locale);
  return {
    id: event.id,
    title: localized(event.title, locale),
    kind: event.kind,
    status: event.status,
    dates: formatEventDates(new Date(event.startsAt), new Date(event.endsAt), locale, event.timeZone, venue || null),
    host: event.hostNames ? localized(event.hostNames, locale) : null,
    subcommittee: event.subcommitteeNames ? localized(event.subcommitteeNames, locale) : null,
    isDemo: event.isDemo,
  };
}

export function eventDetails(event: EventRow, locale: Lng) {
  const deadline = event.rsvpDeadline ? new Date(event.rsvpDeadline) : null;
  return {
    ...eventSummary(event, locale),
    version: event.version,
    description: localized(event.description, locale),
    venue: localized(event.venue, locale),
    timeZone: event.timeZone,
    offset: utcOffsetLabel(new Date(event.startsAt), event.timeZone),
    format: event.format,
    meetingUrl: event.meetingUrl,
    deadline: deadline ? `${formatDateTime(deadline, locale, event.timeZone)} (${utcOffsetLabel(deadline, event.timeZone)})` : null,
    quota: event.delegationQuota,
    reminderDays: event.autoReminderDays,
    categories: event.categories,
    contact: { name: event.contactName, email: event.contactEmail, phone: event.contactPhone },
    cancelReason: event.cancelReason,
    missing: {
      title: missingLanguages(event.title),
      venue: missingLanguages(event.venue),
      description: missingLanguages(event.description),
    },
  };
}
