import { sql } from "kysely";

import type { DB } from "~/db.server";
import type { GuestInput } from "~/lib/guest-schemas";
import { ConflictError, DuplicateError, isUniqueViolation } from "~/models/errors";
import { compact } from "~/models/member.server";
import type { GuestKind, Locale, LocalizedText } from "../../db/schema";

/**
 * Guests (issue 18 §3): non-member invitees kept as `member` rows with a guest kind, so that invitations, letters,
 * links, reminders, the reply page, the roster and badges work for them unchanged. Member lists leave them out.
 */
export type GuestRow = {
  id: string;
  kind: GuestKind;
  names: LocalizedText;
  country: string;
  email: string;
  defaultLocale: Locale;
  notes: string | null;
  version: number;
  invitations: number;
};

const COLUMNS = [
  "m.id",
  "m.guest_kind as kind",
  "m.names",
  "m.country",
  "m.office_email as email",
  "m.default_locale as defaultLocale",
  "m.notes",
  "m.version",
  sql<number>`(select count(*) from invitation i where i.member_id = m.id)::int`.as("invitations"),
] as const;

const toRow = (row: Record<string, unknown>) => ({ ...row, invitations: Number(row.invitations) }) as GuestRow;

/** Active guests by kind, then English name. */
export async function listGuests(db: DB): Promise<GuestRow[]> {
  const rows = await db
    .selectFrom("member as m")
    .select(COLUMNS)
    .where("m.guest_kind", "is not", null)
    .where("m.archived_at", "is", null)
    .orderBy("m.guest_kind")
    .orderBy(sql`lower(m.names->>'en')`)
    .orderBy("m.id")
    .execute();
  return rows.map(toRow);
}

export async function getGuest(db: DB, { id }: { id: string }): Promise<GuestRow | undefined> {
  const row = await db
    .selectFrom("member as m")
    .select(COLUMNS)
    .where("m.id", "=", id)
    .where("m.guest_kind", "is not", null)
    .where("m.archived_at", "is", null)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

function toColumns(input: GuestInput) {
  return {
    guest_kind: input.kind,
    // the member columns a guest does not use get neutral values: it is never listed among the members
    kind: "other" as const,
    status: "observer" as const,
    names: JSON.stringify(compact(input.names)),
    country: input.country,
    office_email: input.email,
    default_locale: input.defaultLocale,
    notes: input.notes || null,
  };
}

export async function createGuest(db: DB, input: GuestInput) {
  try {
    return await db
      .insertInto("member")
      .values({ ...toColumns(input), time_zone: "UTC" })
      .returning(["id"])
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateError("guest", "names.en");
    throw error;
  }
}

/** Saves the form only if nobody saved the guest since `version` was read. */
export async function updateGuest(db: DB, { id, version, input }: { id: string; version: number; input: GuestInput }) {
  try {
    const row = await db
      .updateTable("member")
      .set((eb) => ({ ...toColumns(input), version: eb("version", "+", 1), updated_at: sql`now()` }))
      .where("id", "=", id)
      .where("guest_kind", "is not", null)
      .where("version", "=", version)
      .returning(["id", "version"])
      .executeTakeFirst();
    if (!row) throw new ConflictError("guest");
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateError("guest", "names.en");
    throw error;
  }
}

/**
 * Removes a guest: deleted when never invited; once invited, archived instead (its invitations, replies and people
 * stay on the events' lists). Refused (ConflictError) when someone saved it since `version` was read.
 */
export async function deleteGuest(db: DB, { id, version }: { id: string; version: number }): Promise<"deleted" | "archived"> {
  const invited = await db.selectFrom("invitation").select("id").where("member_id", "=", id).limit(1).executeTakeFirst();
  if (!invited) {
    const gone = await db
      .deleteFrom("member")
      .where("id", "=", id)
      .where("guest_kind", "is not", null)
      .where("version", "=", version)
      .returning("id")
      .executeTakeFirst();
    if (!gone) throw new ConflictError("guest");
    return "deleted";
  }
  const row = await db
    .updateTable("member")
    .set((eb) => ({ archived_at: sql`now()`, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", id)
    .where("guest_kind", "is not", null)
    .where("version", "=", version)
    .returning("id")
    .executeTakeFirst();
  if (!row) throw new ConflictError("guest");
  return "archived";
}

/** A guest invitation's category and form, by invitation (the event page marks guests' rows). */
export async function guestInvitationsOfEvent(db: DB, { eventId }: { eventId: string }) {
  return db
    .selectFrom("invitation as i")
    .innerJoin("member as m", "m.id", "i.member_id")
    .select(["i.id", "i.member_id as memberId", "m.guest_kind as kind", "i.guest_category as category", "i.single_person as singlePerson", "i.response"])
    .where("i.event_id", "=", eventId)
    .where("m.guest_kind", "is not", null)
    .execute();
}
