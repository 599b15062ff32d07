import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import { zonedToUtc } from "~/lib/dates";
import type { EventInput, ProgrammeItemInput } from "~/lib/event-schemas";
import { canTransition } from "~/lib/event-status";
import { ConflictError } from "~/models/errors";
import { compact } from "~/models/member.server";
import { enqueueWebhookEvent } from "~/models/webhook.server";
import type { EventKind, EventStatus, LocalizedText, ParticipantCategory, ProgrammeKind, ProtocolOrder, VisaLetterText } from "../../db/schema";

export type EventRow = {
  id: string;
  kind: EventKind;
  subcommitteeId: string | null;
  hostMemberId: string | null;
  title: LocalizedText;
  description: LocalizedText;
  venue: LocalizedText;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  format: "in_person" | "online" | "hybrid";
  meetingUrl: string | null;
  rsvpDeadline: Date | null;
  delegationQuota: number;
  autoReminderDays: number[];
  passportCountries: string[];
  passportRetentionDays: number;
  categories: ParticipantCategory[];
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  protocol: ProtocolOrder;
  visaLetter: VisaLetterText;
  status: EventStatus;
  cancelReason: string | null;
  isDemo: boolean;
  version: number;
  hostNames: LocalizedText | null;
  subcommitteeNames: LocalizedText | null;
};

export type ProgrammeItemRow = {
  id: string;
  eventId: string;
  kind: ProgrammeKind;
  startsAt: Date;
  endsAt: Date;
  title: LocalizedText;
  description: LocalizedText;
  place: LocalizedText;
  attendanceAsked: boolean;
  capacity: number | null;
  version: number;
};

function eventQuery(db: DB) {
  return db
    .selectFrom("event as e")
    .leftJoin("member as h", "h.id", "e.host_member_id")
    .leftJoin("subcommittee as s", "s.id", "e.subcommittee_id")
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
      "e.auto_reminder_days as autoReminderDays",
      "e.passport_countries as passportCountries",
      "e.passport_retention_days as passportRetentionDays",
      "e.categories",
      "e.contact_name as contactName",
      "e.contact_email as contactEmail",
      "e.contact_phone as contactPhone",
      "e.protocol",
      "e.visa_letter as visaLetter",
      "e.status",
      "e.cancel_reason as cancelReason",
      "e.is_demo as isDemo",
      "e.version",
      "h.names as hostNames",
      "s.names as subcommitteeNames",
    ]);
}

export type EventFilter = { when?: "upcoming" | "past"; kind?: string; q?: string };

/** Upcoming: not yet over and not archived, soonest first. Past: over or archived, latest first. */
export async function listEvents(db: DB, filter: EventFilter = {}): Promise<(EventRow & { programmeCount: number })[]> {
  let query = eventQuery(db).select((eb) =>
    eb.selectFrom("programme_item as p").select(eb.fn.countAll<string>().as("n")).whereRef("p.event_id", "=", "e.id").as("programmeCount"),
  );
  if (filter.when === "past") {
    query = query
      .where((eb) => eb.or([eb("e.ends_at", "<", sql<Date>`now()`), eb("e.status", "=", "archived")]))
      .orderBy("e.starts_at", "desc")
      .orderBy("e.created_at", "desc");
  } else {
    query = query
      .where("e.ends_at", ">=", sql<Date>`now()`)
      .where("e.status", "<>", "archived")
      .orderBy("e.starts_at", "asc")
      .orderBy("e.created_at", "asc");
  }
  if (filter.kind) query = query.where("e.kind", "=", filter.kind as EventKind);
  const q = filter.q?.normalize("NFC").trim();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb.exists(sql`(select 1 from jsonb_each_text(e.title) as t where t.value ilike ${pattern})`),
        eb.exists(sql`(select 1 from jsonb_each_text(e.venue) as t where t.value ilike ${pattern})`),
        eb.exists(sql`(select 1 from jsonb_each_text(h.names) as t where t.value ilike ${pattern})`),
      ]),
    );
  }
  const rows = await query.execute();
  return rows.map((row) => ({ ...(row as unknown as EventRow), programmeCount: Number(row.programmeCount ?? 0) }));
}

export async function getEvent(db: DB, { id }: { id: string }): Promise<EventRow | undefined> {
  return (await eventQuery(db).where("e.id", "=", id).executeTakeFirst()) as EventRow | undefined;
}

function toColumns(input: EventInput) {
  return {
    kind: input.kind,
    subcommittee_id: input.kind === "subcommittee_meeting" ? (input.subcommitteeId ?? null) : null,
    host_member_id: input.hostMemberId ?? null,
    title: JSON.stringify(compact(input.title)),
    description: JSON.stringify(compact(input.description)),
    venue: JSON.stringify(compact(input.venue)),
    starts_at: zonedToUtc(input.start, input.timeZone),
    ends_at: zonedToUtc(input.end, input.timeZone),
    time_zone: input.timeZone,
    format: input.format,
    meeting_url: input.format === "in_person" ? null : (input.meetingUrl ?? null),
    rsvp_deadline: input.rsvpDeadline ? zonedToUtc(input.rsvpDeadline, input.timeZone) : null,
    delegation_quota: input.quota,
    auto_reminder_days: input.reminderDays,
    categories: input.categories,
    contact_name: input.contactName ?? null,
    contact_email: input.contactEmail ?? null,
    contact_phone: input.contactPhone ?? null,
  };
}

export async function createEvent(db: DB, input: EventInput & { status?: EventStatus; isDemo?: boolean }) {
  return db
    .insertInto("event")
    .values({ ...toColumns(input), status: input.status ?? "draft", is_demo: input.isDemo ?? false })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export async function updateEvent(db: DB, { id, version, input }: { id: string; version: number; input: EventInput }) {
  const row = await db
    .updateTable("event")
    .set((eb) => ({ ...toColumns(input), version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", id)
    .where("version", "=", version)
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new ConflictError("event");
}

export class InvalidTransitionError extends Error {
  constructor(
    public from: EventStatus,
    public to: EventStatus,
  ) {
    super(`${from} → ${to} is not allowed`);
    this.name = "InvalidTransitionError";
  }
}

export class ReasonRequiredError extends Error {}

/** Moves an event through its workflow; cancelling needs a reason. Checked against the stored state. */
export async function transitionEvent(db: DB, { id, version, to, reason }: { id: string; version: number; to: EventStatus; reason?: string }) {
  return inTransaction(db, async (trx) => {
    const current = await trx.selectFrom("event").select(["status", "version"]).where("id", "=", id).forUpdate().executeTakeFirst();
    if (!current || current.version !== version) throw new ConflictError("event");
    if (!canTransition(current.status, to)) throw new InvalidTransitionError(current.status, to);
    if (to === "cancelled" && !reason) throw new ReasonRequiredError();
    await trx
      .updateTable("event")
      .set((eb) => ({
        status: to,
        cancel_reason: to === "cancelled" ? reason : eb.ref("cancel_reason"),
        version: eb("version", "+", 1),
        updated_at: sql`now()`,
      }))
      .where("id", "=", id)
      .execute();
    await enqueueWebhookEvent(trx, { type: "event.status_changed", key: `${id}:${current.version + 1}`, data: { eventId: id, from: current.status, to } });
    return { from: current.status, to };
  });
}

/**
 * A new draft with the same texts, venue, quota, categories and programme shape, moved so that it starts at
 * `start` (venue time); programme items and the deadline keep their distance to the start.
 */
export async function duplicateEvent(db: DB, { id, start }: { id: string; start: string }) {
  return inTransaction(db, async (trx) => {
    const source = await trx.selectFrom("event").selectAll().where("id", "=", id).executeTakeFirst();
    if (!source) throw new Error("event not found");
    const shift = zonedToUtc(start, source.time_zone).getTime() - new Date(source.starts_at).getTime();
    const moved = (d: Date | string) => new Date(new Date(d).getTime() + shift);
    const { id: newId } = await trx
      .insertInto("event")
      .values({
        kind: source.kind,
        subcommittee_id: source.subcommittee_id,
        host_member_id: source.host_member_id,
        title: JSON.stringify(source.title),
        description: JSON.stringify(source.description),
        venue: JSON.stringify(source.venue),
        starts_at: moved(source.starts_at),
        ends_at: moved(source.ends_at),
        time_zone: source.time_zone,
        format: source.format,
        meeting_url: source.meeting_url,
        rsvp_deadline: source.rsvp_deadline ? moved(source.rsvp_deadline) : null,
        delegation_quota: source.delegation_quota,
        auto_reminder_days: source.auto_reminder_days,
        categories: source.categories,
        contact_name: source.contact_name,
        contact_email: source.contact_email,
        contact_phone: source.contact_phone,
        status: "draft",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const items = await trx.selectFrom("programme_item").selectAll().where("event_id", "=", id).execute();
    if (items.length) {
      await trx
        .insertInto("programme_item")
        .values(
          items.map((item) => ({
            event_id: newId,
            kind: item.kind,
            starts_at: moved(item.starts_at),
            ends_at: moved(item.ends_at),
            title: JSON.stringify(item.title),
            description: JSON.stringify(item.description),
            place: JSON.stringify(item.place),
            attendance_asked: item.attendance_asked,
            capacity: item.capacity,
          })),
        )
        .execute();
    }
    return { id: newId };
  });
}

const ITEM_COLUMNS = [
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
] as const;

export async function listProgramme(db: DB, { eventId }: { eventId: string }): Promise<ProgrammeItemRow[]> {
  return (await db
    .selectFrom("programme_item")
    .select(ITEM_COLUMNS)
    .where("event_id", "=", eventId)
    .orderBy("starts_at")
    .orderBy("created_at")
    .execute()) as ProgrammeItemRow[];
}

export async function getProgrammeItem(db: DB, { id, eventId }: { id: string; eventId: string }) {
  return (await db.selectFrom("programme_item").select(ITEM_COLUMNS).where("id", "=", id).where("event_id", "=", eventId).executeTakeFirst()) as
    ProgrammeItemRow | undefined;
}

function itemColumns(input: ProgrammeItemInput, timeZone: string) {
  return {
    kind: input.kind,
    starts_at: zonedToUtc(input.start, timeZone),
    ends_at: zonedToUtc(input.end, timeZone),
    title: JSON.stringify(compact(input.title)),
    description: JSON.stringify(compact(input.description)),
    place: JSON.stringify(compact(input.place)),
    attendance_asked: input.attendanceAsked,
    capacity: input.capacity ?? null,
  };
}

export async function createProgrammeItem(db: DB, { eventId, timeZone, input }: { eventId: string; timeZone: string; input: ProgrammeItemInput }) {
  return db
    .insertInto("programme_item")
    .values({ ...itemColumns(input, timeZone), event_id: eventId })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export async function updateProgrammeItem(
  db: DB,
  { id, eventId, version, timeZone, input }: { id: string; eventId: string; version: number; timeZone: string; input: ProgrammeItemInput },
) {
  const row = await db
    .updateTable("programme_item")
    .set((eb) => ({ ...itemColumns(input, timeZone), version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", id)
    .where("event_id", "=", eventId)
    .where("version", "=", version)
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new ConflictError("programme_item");
}

export async function deleteProgrammeItem(db: DB, { id, eventId, version }: { id: string; eventId: string; version: number }) {
  const row = await db
    .deleteFrom("programme_item")
    .where("id", "=", id)
    .where("event_id", "=", eventId)
    .where("version", "=", version)
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new ConflictError("programme_item");
}

/** Open events whose automatic reminder is due now: the deadline is within one of their "days before". */
export async function listDueReminderSchedules(db: DB) {
  const rows = await db
    .selectFrom("event")
    .select(["id", "rsvp_deadline as rsvpDeadline", "auto_reminder_days as days"])
    .where("status", "=", "open")
    .where("rsvp_deadline", ">", sql<Date>`now()`)
    .where(sql<boolean>`cardinality(auto_reminder_days) > 0`)
    .execute();
  const now = Date.now();
  // only the latest point that has passed: a schedule added late sends one reminder, not one per missed point
  return rows.flatMap((row) => {
    const due = row.days.filter((days) => new Date(row.rsvpDeadline!).getTime() - days * 86_400_000 <= now);
    return due.length ? [{ eventId: row.id, days: Math.min(...due) }] : [];
  });
}

/** Per event, admins only: the countries whose delegates may give passport data, and how long it is kept after the event. */
export async function setPassportCollection(db: DB, { id, countries, retentionDays }: { id: string; countries: string[]; retentionDays: number }) {
  await db
    .updateTable("event")
    .set({ passport_countries: countries, passport_retention_days: retentionDays, updated_at: sql`now()` })
    .where("id", "=", id)
    .execute();
}
