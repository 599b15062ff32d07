import { sql } from "kysely";

import type { DB } from "~/db.server";
import type { ContactRow } from "~/models/contact.server";
import type { EventRow, ProgrammeItemRow } from "~/models/event.server";
import type { MemberRow } from "~/models/member.server";
import type { EventStatus, InvitationResponse, LocalizedText, MemberKind, MemberStatus } from "../../db/schema";

/**
 * The JSON API's list queries (issue 19 §1): keyset pages on a stable sort, so a page never repeats or skips rows
 * while others write. `after` is the sort key of the previous page's last row (decoded from the cursor); each
 * query fetches one row more than `limit` to tell whether a next page exists.
 */

export type Page<T> = { rows: T[]; more: boolean };

function page<T>(rows: T[], limit: number): Page<T> {
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

const MEMBER_COLUMNS = [
  "m.id",
  "m.country",
  "m.kind",
  "m.status",
  "m.names",
  "m.name_kana as nameKana",
  "m.head_title as headTitle",
  "m.default_locale as defaultLocale",
  "m.time_zone as timeZone",
  "m.office_email as officeEmail",
  "m.postal_address as postalAddress",
  "m.notes",
  "m.is_demo as isDemo",
  "m.archived_at as archivedAt",
  "m.version",
] as const;

export type ApiMemberRow = MemberRow & { updatedAt: Date; sortName: string };

export type MemberListFilter = { country?: string; status?: MemberStatus; kind?: MemberKind; updatedSince?: Date; archived?: boolean };

/** Members by country, English name and id. */
export async function listMembersPage(db: DB, { filter, after, limit }: { filter: MemberListFilter; after: string[] | null; limit: number }) {
  let query = db
    .selectFrom("member as m")
    .select(MEMBER_COLUMNS)
    .select(["m.updated_at as updatedAt", sql<string>`coalesce(m.names->>'en', '')`.as("sortName")]);
  query = filter.archived ? query.where("m.archived_at", "is not", null) : query.where("m.archived_at", "is", null);
  query = query.where("m.guest_kind", "is", null);
  if (filter.country) query = query.where("m.country", "=", filter.country);
  if (filter.status) query = query.where("m.status", "=", filter.status);
  if (filter.kind) query = query.where("m.kind", "=", filter.kind);
  if (filter.updatedSince) query = query.where("m.updated_at", ">=", filter.updatedSince);
  if (after) query = query.where(sql<boolean>`(m.country, coalesce(m.names->>'en', ''), m.id::text) > (${after[0]}, ${after[1]}, ${after[2]})`);
  const rows = await query
    .orderBy("m.country")
    .orderBy(sql`coalesce(m.names->>'en', '')`)
    .orderBy(sql`m.id::text`)
    .limit(limit + 1)
    .execute();
  return page(rows as unknown as ApiMemberRow[], limit);
}

const CONTACT_COLUMNS = [
  "c.id",
  "c.member_id as memberId",
  "c.name_locale as nameLocale",
  "c.family_name as familyName",
  "c.given_name as givenName",
  "c.patronymic",
  "c.clan_name as clanName",
  "c.latin_family_name as latinFamilyName",
  "c.latin_given_name as latinGivenName",
  "c.gender",
  "c.honorific",
  "c.position",
  "c.is_head as isHead",
  "c.is_focal_point as isFocalPoint",
  "c.emails",
  "c.phone",
  "c.preferred_locale as preferredLocale",
  "c.is_demo as isDemo",
  "c.version",
  "c.updated_at as updatedAt",
] as const;

export type ApiContactRow = ContactRow & { updatedAt: Date };
export type ContactListFilter = { memberId?: string; country?: string; updatedSince?: Date };

/** Contacts of members that are not archived, by id (a stable order that needs no join to compare). */
export async function listContactsPage(db: DB, { filter, after, limit }: { filter: ContactListFilter; after: string[] | null; limit: number }) {
  let query = db.selectFrom("contact as c").innerJoin("member as m", "m.id", "c.member_id").select(CONTACT_COLUMNS).where("m.archived_at", "is", null);
  if (filter.memberId) query = query.where("c.member_id", "=", filter.memberId);
  if (filter.country) query = query.where("m.country", "=", filter.country);
  if (filter.updatedSince) query = query.where("c.updated_at", ">=", filter.updatedSince);
  if (after) query = query.where(sql<boolean>`c.id::text > ${after[0]}`);
  const rows = await query
    .orderBy(sql`c.id::text`)
    .limit(limit + 1)
    .execute();
  return page(rows as unknown as ApiContactRow[], limit);
}

/** One contact by its id alone (the staff pages address contacts under their member). */
export async function getContactById(db: DB, { id }: { id: string }) {
  return (await db.selectFrom("contact as c").select(CONTACT_COLUMNS).where("c.id", "=", id).executeTakeFirst()) as ApiContactRow | undefined;
}

/** The members of each subcommittee (coordinators first), for the subcommittee list. */
export async function listSubcommitteeMemberships(db: DB, { subcommitteeIds }: { subcommitteeIds: string[] }) {
  if (!subcommitteeIds.length) return new Map<string, { memberId: string; isCoordinator: boolean }[]>();
  const rows = await db
    .selectFrom("subcommittee_member as sm")
    .innerJoin("member as m", "m.id", "sm.member_id")
    .select(["sm.subcommittee_id as subcommitteeId", "sm.member_id as memberId", "sm.is_coordinator as isCoordinator"])
    .where("sm.subcommittee_id", "in", subcommitteeIds)
    .where("m.archived_at", "is", null)
    .orderBy("sm.is_coordinator", "desc")
    .orderBy("m.country")
    .orderBy(sql`m.names->>'en'`)
    .execute();
  const map = new Map<string, { memberId: string; isCoordinator: boolean }[]>();
  for (const row of rows) map.set(row.subcommitteeId, [...(map.get(row.subcommitteeId) ?? []), { memberId: row.memberId, isCoordinator: row.isCoordinator }]);
  return map;
}

export type ApiEventRow = Pick<
  EventRow,
  | "id"
  | "kind"
  | "subcommitteeId"
  | "hostMemberId"
  | "title"
  | "description"
  | "venue"
  | "startsAt"
  | "endsAt"
  | "timeZone"
  | "format"
  | "meetingUrl"
  | "rsvpDeadline"
  | "delegationQuota"
  | "status"
  | "version"
> & { updatedAt: Date };

export type EventListFilter = { status?: EventStatus; updatedSince?: Date };

/** Events by start and id (drafts included: a token with events:read is staff's reading eye). */
export async function listEventsPage(db: DB, { filter, after, limit, id }: { filter: EventListFilter; after: string[] | null; limit: number; id?: string }) {
  let query = db
    .selectFrom("event as e")
    .select([
      "e.id",
      "e.kind",
      "e.subcommittee_id as subcommitteeId",
      "e.host_member_id as hostMemberId",
      "e.title",
      "e.description",
      "e.venue",
      "e.starts_at as startsAt",
      "e.ends_at as endsAt",
      "e.time_zone as timeZone",
      "e.format",
      "e.meeting_url as meetingUrl",
      "e.rsvp_deadline as rsvpDeadline",
      "e.delegation_quota as delegationQuota",
      "e.status",
      "e.version",
      "e.updated_at as updatedAt",
    ]);
  if (id) query = query.where("e.id", "=", id);
  if (filter.status) query = query.where("e.status", "=", filter.status);
  if (filter.updatedSince) query = query.where("e.updated_at", ">=", filter.updatedSince);
  if (after) query = query.where(sql<boolean>`(e.starts_at, e.id::text) > (${after[0]}::timestamptz, ${after[1]})`);
  const rows = await query
    .orderBy("e.starts_at")
    .orderBy(sql`e.id::text`)
    .limit(limit + 1)
    .execute();
  return page(rows as unknown as ApiEventRow[], limit);
}

export type ApiInvitationRow = {
  id: string;
  memberId: string;
  country: string;
  memberNames: LocalizedText;
  sortName: string;
  letterLocale: string;
  response: InvitationResponse;
  revision: number;
  answeredAt: Date | null;
  changedAt: Date | null;
  declineReason: string | null;
  updatedAt: Date;
  lastMessageStatus: string | null;
  people: number;
};

export type InvitationListFilter = { response?: InvitationResponse; country?: string; updatedSince?: Date };

/** An event's invitations by country, member name and id, each with its latest message's status and its delegation's size. */
export async function listInvitationsPage(
  db: DB,
  { eventId, filter, after, limit }: { eventId: string; filter: InvitationListFilter; after: string[] | null; limit: number },
) {
  let query = db
    .selectFrom("invitation as i")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select([
      "i.id",
      "i.member_id as memberId",
      "m.country",
      "m.names as memberNames",
      sql<string>`coalesce(m.names->>'en', '')`.as("sortName"),
      "i.letter_locale as letterLocale",
      "i.response",
      "i.revision",
      "i.answered_at as answeredAt",
      "i.changed_at as changedAt",
      "i.decline_reason as declineReason",
      sql<Date>`greatest(i.updated_at, (select max(em.updated_at) from email_message em where em.invitation_id = i.id))`.as("updatedAt"),
      sql<string | null>`(select em.status from email_message em where em.invitation_id = i.id order by em.created_at desc limit 1)`.as("lastMessageStatus"),
      sql<number>`(select count(*) from delegate d where d.invitation_id = i.id)::int`.as("people"),
    ])
    .where("i.event_id", "=", eventId);
  if (filter.response) query = query.where("i.response", "=", filter.response);
  if (filter.country) query = query.where("m.country", "=", filter.country);
  // a delivery that changed (sent, bounced) counts as a change of the invitation
  if (filter.updatedSince) {
    const since = filter.updatedSince;
    query = query.where((eb) =>
      eb.or([eb("i.updated_at", ">=", since), eb.exists(sql`(select 1 from email_message em where em.invitation_id = i.id and em.updated_at >= ${since})`)]),
    );
  }
  if (after) query = query.where(sql<boolean>`(m.country, coalesce(m.names->>'en', ''), i.id::text) > (${after[0]}, ${after[1]}, ${after[2]})`);
  const rows = await query
    .orderBy("m.country")
    .orderBy(sql`coalesce(m.names->>'en', '')`)
    .orderBy(sql`i.id::text`)
    .limit(limit + 1)
    .execute();
  return page(rows as unknown as ApiInvitationRow[], limit);
}

/** The programme of several events at once (a page of the event list), each in time order. */
export async function listProgrammeOfEvents(db: DB, { eventIds }: { eventIds: string[] }) {
  const map = new Map<string, ProgrammeItemRow[]>();
  if (!eventIds.length) return map;
  const rows = (await db
    .selectFrom("programme_item")
    .select([
      "id",
      "event_id as eventId",
      "kind",
      "starts_at as startsAt",
      "ends_at as endsAt",
      "title",
      "description",
      "place",
      "attendance_asked as attendanceAsked",
      "capacity",
      "version",
    ])
    .where("event_id", "in", eventIds)
    .orderBy("starts_at")
    .orderBy("created_at")
    .execute()) as ProgrammeItemRow[];
  for (const row of rows) map.set(row.eventId, [...(map.get(row.eventId) ?? []), row]);
  return map;
}

/** One event as the list shows it (for GET /events/{id}). */
export async function getApiEvent(db: DB, { id }: { id: string }) {
  const { rows } = await listEventsPage(db, { filter: {}, after: null, limit: 1, id });
  return rows[0];
}

/** One member with its last change (for GET and PATCH /members/{id}). */
export async function getApiMember(db: DB, { id }: { id: string }) {
  return (await db
    .selectFrom("member as m")
    .select(MEMBER_COLUMNS)
    .select(["m.updated_at as updatedAt", sql<string>`coalesce(m.names->>'en', '')`.as("sortName")])
    .where("m.id", "=", id)
    .executeTakeFirst()) as ApiMemberRow | undefined;
}
