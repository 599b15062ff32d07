import { type Expression, sql, type SqlBool } from "kysely";

import type { DB, Tx } from "~/db.server";
import { DEFAULT_RETENTION_MONTHS } from "~/lib/retention";
import { deleteEventDocuments } from "~/models/document.server";
import type { LocalizedText } from "../../db/schema";

/**
 * Issue 18 §9: delegates' personal data is anonymised a configurable number of months after their event ended
 * (default 24). What goes: names, titles, e-mail addresses, phones, passport data, dietary, access, travel and
 * hotel details of delegates; the names and staff reasons in the reply history; decline reasons; the bodies and
 * addresses of the event's mail; names in frozen rosters; mail received about the event; unused reply links.
 * What stays: events, invitations and their answers, each delegate's member, role, category, programme choices,
 * interpretation language and check-in, so counts per member, category and attendance still add up.
 */

/** What an anonymised name reads as; kept non-empty because a delegate's given name is required. */
export const ANONYMISED_NAME = "—";

export async function getRetentionMonths(db: DB): Promise<number> {
  const row = await db.selectFrom("secretariat").select("personal_data_retention_months as months").where("id", "=", 1).executeTakeFirst();
  return row?.months ?? DEFAULT_RETENTION_MONTHS;
}

/** Returns the months in force before, or null when nothing changed. */
export async function setRetentionMonths(trx: Tx, { months }: { months: number }): Promise<number | null> {
  const before = await getRetentionMonths(trx);
  if (before === months) return null;
  await trx.updateTable("secretariat").set({ personal_data_retention_months: months }).where("id", "=", 1).execute();
  return before;
}

const past = (endsAt: Expression<Date>, months: number, now: Date) => sql<SqlBool>`${endsAt} + make_interval(months => ${months}) < ${now}`;

/** Delegates of the event not anonymised yet. */
const pendingDelegates = (eventId: Expression<string>) =>
  sql<number>`(select count(*) from delegate d join invitation i on i.id = d.invitation_id where i.event_id = ${eventId} and d.anonymised_at is null)::int`;

/** E-mail addresses and phone numbers of those delegates. */
const pendingContactDetails = (eventId: Expression<string>) =>
  sql<number>`(select coalesce(sum((d.email is not null)::int + (d.phone is not null)::int), 0) from delegate d join invitation i on i.id = d.invitation_id where i.event_id = ${eventId} and d.anonymised_at is null)::int`;

/** A reply-history row still holding a staff reason or a delegate's name (an anonymised entry is role, script and "—"). */
const CHANGE_PENDING = sql<SqlBool>`(c.reason is not null or exists (
  select 1 from jsonb_array_elements(case when jsonb_typeof(c.summary->'delegates') = 'array' then c.summary->'delegates' else '[]'::jsonb end) x
  where x - 'role' - 'nameLocale' <> jsonb_build_object('givenName', ${ANONYMISED_NAME}::text)))`;

/** Mail that has left or given up (never one still to be sent) and still holds bodies or addresses. */
const MESSAGE_PENDING = sql<SqlBool>`(m.status not in ('queued', 'sending', 'deferred') and (m.html <> '' or m.text_body <> '' or m.to_addresses <> '[]'::jsonb
  or m.cc_addresses <> '[]'::jsonb or m.ics is not null or m.last_reply is not null
  or exists (select 1 from jsonb_array_elements(m.recipients) r where coalesce(r->>'address', '') <> '' or r ? 'name' or r ? 'reply')))`;

const ROSTER_PENDING = sql<SqlBool>`exists (select 1 from jsonb_array_elements(v.rows) r
  where r->>'name' is distinct from ${ANONYMISED_NAME}::text or coalesce(r->>'latin', '') <> '' or coalesce(r->>'title', '') <> '')`;

const pendingReplies = (eventId: Expression<string>) =>
  sql<number>`(select count(*) from invitation_change c where c.event_id = ${eventId} and ${CHANGE_PENDING})::int`;
const pendingMessages = (eventId: Expression<string>) =>
  sql<number>`(select count(*) from email_message m where m.event_id = ${eventId} and ${MESSAGE_PENDING})::int`;
const pendingRosters = (eventId: Expression<string>) =>
  sql<number>`(select count(*) from roster_version v where v.event_id = ${eventId} and ${ROSTER_PENDING})::int`;
const pendingDeclineReasons = (eventId: Expression<string>) =>
  sql<number>`(select count(*) from invitation i where i.event_id = ${eventId} and i.decline_reason is not null)::int`;
const pendingInbound = (eventId: Expression<string>) => sql<number>`(select count(*) from inbound_mail im where im.event_id = ${eventId})::int`;
const pendingLinks = (eventId: Expression<string>) =>
  sql<number>`(select count(*) from invitation_token k join invitation i on i.id = k.invitation_id where i.event_id = ${eventId} and (k.revoked_at is null or k.token_sealed is not null))::int`;

export type RetentionCounts = {
  delegates: number;
  contactDetails: number;
  replies: number;
  declineReasons: number;
  messages: number;
  rosters: number;
  inboundMail: number;
  links: number;
};

export type DueEvent = { id: string; title: LocalizedText; endsAt: Date; anonymisedAt: Date | null } & RetentionCounts;

export const hasPersonalData = (c: RetentionCounts) =>
  c.delegates + c.contactDetails + c.replies + c.declineReasons + c.messages + c.rosters + c.inboundMail + c.links > 0;

/**
 * Events that ended more than `months` before `now` and still hold personal data, oldest first, with what the
 * run would anonymise in each. Events within the period never appear.
 */
export async function listEventsDueForAnonymisation(db: DB, { months, now }: { months: number; now: Date }): Promise<DueEvent[]> {
  const rows = await db
    .selectFrom("event as e")
    .select((eb) => [
      "e.id",
      "e.title",
      "e.ends_at as endsAt",
      "e.personal_data_anonymised_at as anonymisedAt",
      pendingDelegates(eb.ref("e.id")).as("delegates"),
      pendingContactDetails(eb.ref("e.id")).as("contactDetails"),
      pendingReplies(eb.ref("e.id")).as("replies"),
      pendingDeclineReasons(eb.ref("e.id")).as("declineReasons"),
      pendingMessages(eb.ref("e.id")).as("messages"),
      pendingRosters(eb.ref("e.id")).as("rosters"),
      pendingInbound(eb.ref("e.id")).as("inboundMail"),
      pendingLinks(eb.ref("e.id")).as("links"),
    ])
    .where((eb) => past(eb.ref("e.ends_at"), months, now))
    .orderBy("e.ends_at")
    .orderBy("e.id")
    .execute();
  return rows.filter(hasPersonalData);
}

/**
 * Anonymises one event's personal data in the caller's transaction, if the event ended more than `months` before
 * `now` (checked under a row lock, so an event moved into the period meanwhile is left alone). Returns what it
 * changed, or null when the event is within the period or gone. Running it again changes nothing.
 */
export async function anonymiseEvent(trx: Tx, { eventId, months, now }: { eventId: string; months: number; now: Date }): Promise<RetentionCounts | null> {
  const event = await trx
    .selectFrom("event as e")
    .select("e.id")
    .where("e.id", "=", eventId)
    .where((eb) => past(eb.ref("e.ends_at"), months, now))
    .forUpdate()
    .executeTakeFirst();
  if (!event) return null;
  const invitations = trx.selectFrom("invitation").select("id").where("event_id", "=", eventId);

  const { contactDetails } = await trx.selectNoFrom(pendingContactDetails(sql<string>`${eventId}`).as("contactDetails")).executeTakeFirstOrThrow();
  const delegates = await trx
    .updateTable("delegate")
    .set({
      family_name: null,
      given_name: ANONYMISED_NAME,
      patronymic: null,
      clan_name: null,
      latin_family_name: null,
      latin_given_name: null,
      gender: null,
      honorific: null,
      title: null,
      email: null,
      phone: null,
      dietary: sql`'{}'::text[]`,
      dietary_note: null,
      accessibility: null,
      arrival_at: null,
      arrival_transport: null,
      arrival_place: null,
      departure_at: null,
      departure_transport: null,
      departure_place: null,
      hotel: null,
      passport_name: null,
      nationality: null,
      passport_expiry: null,
      passport_number_enc: null,
      birth_date_enc: null,
      consent_at: null,
      notice_version: null,
      anonymised_at: now,
      updated_at: now,
    })
    .where("invitation_id", "in", invitations)
    .where("anonymised_at", "is", null)
    .executeTakeFirst();

  const replies = await trx
    .updateTable("invitation_change as c")
    .set({
      reason: null,
      summary: sql`case when jsonb_typeof(c.summary->'delegates') = 'array' then jsonb_set(c.summary, '{delegates}', (
        select coalesce(jsonb_agg(jsonb_build_object('role', x->'role', 'nameLocale', x->'nameLocale', 'givenName', ${ANONYMISED_NAME}::text) order by n), '[]'::jsonb)
        from jsonb_array_elements(c.summary->'delegates') with ordinality as t(x, n))) else c.summary end`,
    })
    .where("c.event_id", "=", eventId)
    .where(CHANGE_PENDING)
    .executeTakeFirst();

  const declineReasons = await trx
    .updateTable("invitation")
    .set({ decline_reason: null, updated_at: now })
    .where("event_id", "=", eventId)
    .where("decline_reason", "is not", null)
    .executeTakeFirst();

  const messages = await trx
    .updateTable("email_message as m")
    .set({
      to_addresses: "[]",
      cc_addresses: "[]",
      html: "",
      text_body: "",
      ics: null,
      ics_name: null,
      last_reply: null,
      recipients: sql`(select coalesce(jsonb_agg((r - 'name' - 'reply') || '{"address": ""}'::jsonb order by n), '[]'::jsonb)
        from jsonb_array_elements(m.recipients) with ordinality as t(r, n))`,
      updated_at: now,
    })
    .where("m.event_id", "=", eventId)
    .where(MESSAGE_PENDING)
    .executeTakeFirst();

  const rosters = await trx
    .updateTable("roster_version as v")
    .set({
      rows: sql`(select coalesce(jsonb_agg(r || jsonb_build_object('name', ${ANONYMISED_NAME}::text, 'latin', '', 'title', '') order by n), '[]'::jsonb)
        from jsonb_array_elements(v.rows) with ordinality as t(r, n))`,
    })
    .where("v.event_id", "=", eventId)
    .where(ROSTER_PENDING)
    .executeTakeFirst();

  // substitutions (issue 18 §4) keep names only: those go too; a published List of Participants ends
  const anonymisedPerson = (column: string) =>
    sql<string>`jsonb_build_object('role', ${sql.ref(column)}->'role', 'nameLocale', ${sql.ref(column)}->'nameLocale', 'givenName', ${ANONYMISED_NAME}::text)`;
  await trx
    .updateTable("delegate_substitution")
    .set({ replaced: anonymisedPerson("replaced"), replacement: anonymisedPerson("replacement"), staff_label: null })
    .where("event_id", "=", eventId)
    .execute();
  await trx.deleteFrom("participant_list").where("event_id", "=", eventId).execute();
  // uploaded files (issue 18 §1: note verbale, photos, passport scans) hold names and faces: all go
  await deleteEventDocuments(trx, { eventId });

  const inboundMail = await trx.deleteFrom("inbound_mail").where("event_id", "=", eventId).executeTakeFirst();

  const links = await trx
    .updateTable("invitation_token")
    .set({ revoked_at: sql`coalesce(revoked_at, ${now})`, token_sealed: null })
    .where("invitation_id", "in", invitations)
    .where((eb) => eb.or([eb("revoked_at", "is", null), eb("token_sealed", "is not", null)]))
    .executeTakeFirst();

  const counts: RetentionCounts = {
    delegates: Number(delegates.numUpdatedRows),
    contactDetails,
    replies: Number(replies.numUpdatedRows),
    declineReasons: Number(declineReasons.numUpdatedRows),
    messages: Number(messages.numUpdatedRows),
    rosters: Number(rosters.numUpdatedRows),
    inboundMail: Number(inboundMail.numDeletedRows),
    links: Number(links.numUpdatedRows),
  };
  if (hasPersonalData(counts)) await trx.updateTable("event").set({ personal_data_anonymised_at: now }).where("id", "=", eventId).execute();
  return counts;
}
