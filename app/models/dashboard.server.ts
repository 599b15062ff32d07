import { sql } from "kysely";

import type { DB } from "~/db.server";
import type { EventStatus, LocalizedText } from "../../db/schema";

export type UpcomingEvent = {
  id: string;
  title: LocalizedText;
  status: EventStatus;
  startsAt: Date;
  endsAt: Date;
  rsvpDeadline: Date | null;
  timeZone: string;
  invited: number;
  answered: number;
  attending: number;
  declining: number;
  people: number;
  /** the letter languages of its invitations that its title is not written in */
  untitledLanguages: string[];
};

/**
 * Events not yet over (drafts, open and closed ones), soonest first, each with its answers counted in one
 * aggregate: the dashboard's first panel.
 */
export async function upcomingEvents(db: DB, { now = new Date(), limit = 6 }: { now?: Date; limit?: number } = {}): Promise<UpcomingEvent[]> {
  const rows = await db
    .selectFrom("event as e")
    .leftJoin("invitation as i", "i.event_id", "e.id")
    .select([
      "e.id",
      "e.title",
      "e.status",
      "e.starts_at as startsAt",
      "e.ends_at as endsAt",
      "e.rsvp_deadline as rsvpDeadline",
      "e.time_zone as timeZone",
      // members' answers only: guests' invitations (issue 18 §3) are not counted among the members
      sql<number>`count(i.id) filter (where i.guest_category is null)::int`.as("invited"),
      sql<number>`count(i.id) filter (where i.guest_category is null and i.response not in ('pending', 'undecided'))::int`.as("answered"),
      sql<number>`count(i.id) filter (where i.guest_category is null and i.response in ('attending', 'representative'))::int`.as("attending"),
      sql<number>`count(i.id) filter (where i.guest_category is null and i.response = 'declining')::int`.as("declining"),
      sql<number>`(select count(*) from delegate d join invitation di on di.id = d.invitation_id where di.event_id = e.id)::int`.as("people"),
      sql<string[]>`coalesce(array_agg(distinct i.letter_locale::text) filter (where i.id is not null), '{}')`.as("letterLocales"),
    ])
    .where("e.status", "in", ["draft", "open", "closed"])
    .where("e.ends_at", ">=", now)
    .groupBy("e.id")
    .orderBy("e.starts_at")
    .limit(limit)
    .execute();
  return rows.map(({ letterLocales, ...row }) => ({
    ...row,
    startsAt: new Date(row.startsAt),
    endsAt: new Date(row.endsAt),
    rsvpDeadline: row.rsvpDeadline ? new Date(row.rsvpDeadline) : null,
    invited: Number(row.invited),
    answered: Number(row.answered),
    attending: Number(row.attending),
    declining: Number(row.declining),
    people: Number(row.people),
    untitledLanguages: letterLocales.filter((lng) => !(row.title as Record<string, string | undefined>)[lng]?.trim()).sort(),
  }));
}

/** The latest answers across every event (who, which event, what), newest first. */
export async function recentAnswers(db: DB, { limit = 8 }: { limit?: number } = {}) {
  return db
    .selectFrom("invitation_change as c")
    .innerJoin("invitation as i", "i.id", "c.invitation_id")
    .innerJoin("member as m", "m.id", "i.member_id")
    .innerJoin("event as e", "e.id", "i.event_id")
    .select([
      "c.id",
      "c.at",
      "c.invitation_id as invitationId",
      "c.response_after as response",
      "c.actor_kind as actorKind",
      "m.names as memberNames",
      "e.id as eventId",
      "e.title as eventTitle",
      "e.time_zone as timeZone",
    ])
    .orderBy("c.at", "desc")
    .orderBy("c.id")
    .limit(limit)
    .execute();
}

/**
 * What needs a person's attention: members that no invitation can reach (no office address and no contact with
 * an address), and delegates whose passport data will be deleted within `withinDays` (or is due now).
 */
export async function dashboardTasks(db: DB, { now = new Date(), withinDays = 14 }: { now?: Date; withinDays?: number } = {}) {
  const [unreachable, passports] = await Promise.all([
    db
      .selectFrom("member as m")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("m.archived_at", "is", null)
      .where("m.guest_kind", "is", null)
      .where((eb) => eb.or([eb("m.office_email", "is", null), eb("m.office_email", "=", "")]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("contact as c")
              .select(sql`1`.as("one"))
              .whereRef("c.member_id", "=", "m.id")
              .where(sql<boolean>`cardinality(c.emails) > 0`),
          ),
        ),
      )
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("delegate as d")
      .innerJoin("invitation as i", "i.id", "d.invitation_id")
      .innerJoin("event as e", "e.id", "i.event_id")
      .select([sql<number>`count(*)::int`.as("n"), sql<Date | null>`min(e.ends_at + make_interval(days => e.passport_retention_days))`.as("first")])
      .where((eb) => eb.or([eb("d.passport_number_enc", "is not", null), eb("d.birth_date_enc", "is not", null)]))
      .where(sql<boolean>`e.ends_at + make_interval(days => e.passport_retention_days) < ${new Date(now.getTime() + withinDays * 86_400_000)}`)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    unreachableMembers: Number(unreachable.n),
    passportsDue: Number(passports.n),
    passportsDueAt: passports.first ? new Date(passports.first) : null,
  };
}

export type EventCounts = { invited: number; delivered: number; answered: number; attending: number; declining: number; people: number };

/** One event's answers at a glance (the event page's summary), in one aggregate whatever its size. */
export async function eventCounts(db: DB, { eventId }: { eventId: string }): Promise<EventCounts> {
  const row = await db
    .selectFrom("invitation as i")
    .select([
      // the members' tallies: guests' invitations (issue 18 §3) are left out; their people count below
      sql<number>`count(*) filter (where i.guest_category is null)::int`.as("invited"),
      sql<number>`count(*) filter (where i.guest_category is null and exists (select 1 from email_message em where em.invitation_id = i.id and em.status in ('sent', 'local')))::int`.as(
        "delivered",
      ),
      sql<number>`count(*) filter (where i.guest_category is null and i.response not in ('pending', 'undecided'))::int`.as("answered"),
      sql<number>`count(*) filter (where i.guest_category is null and i.response in ('attending', 'representative'))::int`.as("attending"),
      sql<number>`count(*) filter (where i.guest_category is null and i.response = 'declining')::int`.as("declining"),
      sql<number>`(select count(*) from delegate d join invitation di on di.id = d.invitation_id where di.event_id = ${eventId})::int`.as("people"),
    ])
    .where("i.event_id", "=", eventId)
    .executeTakeFirstOrThrow();
  return {
    invited: Number(row.invited),
    delivered: Number(row.delivered),
    answered: Number(row.answered),
    attending: Number(row.attending),
    declining: Number(row.declining),
    people: Number(row.people),
  };
}
