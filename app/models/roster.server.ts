import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import { unseal } from "~/lib/sealed.server";
import { approvedOrNotRequired } from "~/models/capacity.server";
import type { DelegateRow } from "~/models/reply.server";
import { enqueueWebhookEvent } from "~/models/webhook.server";
import type { GuestKind, InvitationResponse, Locale, LocalizedText, ParticipantCategory, ProtocolOrder, RosterKind, VisaLetterText } from "../../db/schema";

/** Who is on the List of Participants: the delegates of members whose answer is in `attendance`. */
export type RosterFilter = {
  category?: ParticipantCategory;
  programmeItemId?: string;
  /** confirmed: attending or sending a representative (default); all: also undecided; checked_in / not_checked_in: of the confirmed */
  attendance?: "confirmed" | "all" | "checked_in" | "not_checked_in";
  /** one person only (e.g. to show whom a scan just checked in) */
  delegateId?: string;
  /** these people only (the published List of Participants: a frozen version's people) */
  delegateIds?: string[];
  /** only those who agreed to appear on the published list (issue 18 §2) */
  listConsent?: true;
};

/** A delegate as the list, badges and logistics see them: the delegation's fields plus member, answer and check-in. */
export type RosterPerson = Omit<
  DelegateRow,
  "id" | "passportName" | "nationality" | "passportExpiry" | "passportNumberMasked" | "birthYear" | "hasPassportData" | "consentAt"
> & {
  delegateId: string;
  invitationId: string;
  memberId: string;
  country: string;
  memberNames: LocalizedText;
  memberNameEn: string;
  memberLocale: Locale;
  /** a guest's people (issue 18 §3): listed after the members */
  guestKind: GuestKind | null;
  response: InvitationResponse;
  category: ParticipantCategory;
  checkInCode: string;
  checkedInAt: Date | null;
};

/** An event's people (delegate d, invitation i, member m), narrowed by the list's filters when given. */
function rosterBase(db: DB, eventId: string, filter?: RosterFilter) {
  let query = db
    .selectFrom("delegate as d")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .innerJoin("member as m", "m.id", "i.member_id")
    .where("i.event_id", "=", eventId);
  if (!filter) return query;
  // people waiting for staff approval, or refused, are on no list, badge or check-in (issue 18 §7)
  query = query.where(approvedOrNotRequired);
  const attendance = filter.attendance ?? "confirmed";
  query =
    attendance === "all"
      ? query.where("i.response", "in", ["attending", "representative", "undecided"])
      : query.where("i.response", "in", ["attending", "representative"]);
  if (attendance === "checked_in") query = query.where("d.checked_in_at", "is not", null);
  if (attendance === "not_checked_in") query = query.where("d.checked_in_at", "is", null);
  if (filter.category) query = query.where("d.category", "=", filter.category);
  if (filter.delegateId) query = query.where("d.id", "=", filter.delegateId);
  if (filter.delegateIds) query = filter.delegateIds.length ? query.where("d.id", "in", filter.delegateIds) : query.where(sql<boolean>`false`);
  if (filter.listConsent) query = query.where("d.list_consent", "=", true);
  if (filter.programmeItemId) query = query.where(sql<boolean>`${filter.programmeItemId}::uuid = any(d.programme_item_ids)`);
  return query;
}

function rosterQuery(db: DB, eventId: string, filter?: RosterFilter) {
  return rosterBase(db, eventId, filter).select([
    "d.id as delegateId",
    "i.id as invitationId",
    "m.id as memberId",
    "m.country",
    "m.names as memberNames",
    sql<string>`coalesce(m.names->>'en', '')`.as("memberNameEn"),
    "m.default_locale as memberLocale",
    "m.guest_kind as guestKind",
    "i.response",
    "d.role",
    "d.position",
    "d.category",
    "d.name_locale as nameLocale",
    "d.family_name as familyName",
    "d.given_name as givenName",
    "d.patronymic",
    "d.clan_name as clanName",
    "d.latin_family_name as latinFamilyName",
    "d.latin_given_name as latinGivenName",
    "d.gender",
    "d.honorific",
    "d.title",
    "d.email",
    "d.phone",
    "d.dietary",
    "d.dietary_note as dietaryNote",
    "d.accessibility",
    "d.interpretation_locale as interpretation",
    "d.arrival_at as arrivalAt",
    "d.arrival_transport as arrivalTransport",
    "d.arrival_place as arrivalPlace",
    "d.departure_at as departureAt",
    "d.departure_transport as departureTransport",
    "d.departure_place as departurePlace",
    "d.hotel",
    "d.programme_item_ids as programme",
    "d.needs_visa_letter as needsVisaLetter",
    "d.list_consent as listConsent",
    "d.check_in_code as checkInCode",
    "d.checked_in_at as checkedInAt",
  ]);
}

/** Everyone on the event's list (unordered: protocol order is app/lib/protocol.ts). */
export async function listRosterPeople(
  db: DB,
  { eventId, filter = {}, ids, memberIds }: { eventId: string; filter?: RosterFilter; ids?: string[]; memberIds?: string[] },
): Promise<RosterPerson[]> {
  if ((ids && !ids.length) || (memberIds && !memberIds.length)) return [];
  let query = rosterQuery(db, eventId, filter);
  if (ids) query = query.where("d.id", "in", ids);
  if (memberIds) query = query.where("m.id", "in", memberIds);
  return (await query.execute()) as RosterPerson[];
}

/** A delegation on the list as protocol order sees it, with how many of its people the filter keeps. */
export type RosterDelegation = { memberId: string; memberNameEn: string; country: string; guestKind: GuestKind | null; people: number };

/**
 * The delegations on the list, one row each with its size: what a page of a long list is found with. Protocol
 * order sorts delegations and keeps each one's people together, so the rows a page needs are those of the
 * delegations it overlaps; a 10,000-person list of 2,000 members is ordered on 2,000 rows.
 */
export async function listRosterDelegations(db: DB, { eventId, filter = {} }: { eventId: string; filter?: RosterFilter }): Promise<RosterDelegation[]> {
  const rows = await rosterBase(db, eventId, filter)
    .select((eb) => [
      "m.id as memberId",
      "m.country",
      sql<string>`coalesce(m.names->>'en', '')`.as("memberNameEn"),
      "m.guest_kind as guestKind",
      eb.fn.countAll<string | number>().as("people"),
    ])
    .groupBy("m.id")
    .execute();
  return rows.map((row) => ({ ...row, people: Number(row.people) }));
}

export async function saveProtocol(db: DB, { eventId, protocol }: { eventId: string; protocol: ProtocolOrder }) {
  await db
    .updateTable("event")
    .set({ protocol: JSON.stringify(protocol), updated_at: new Date() })
    .where("id", "=", eventId)
    .execute();
}

export async function saveVisaLetterText(db: DB, { eventId, text }: { eventId: string; text: VisaLetterText }) {
  await db
    .updateTable("event")
    .set({ visa_letter: JSON.stringify(text), updated_at: new Date() })
    .where("id", "=", eventId)
    .execute();
}

/** Sets a delegate's participant category; false when the delegate is not on this event. */
export async function setDelegateCategory(db: DB, { eventId, delegateId, category }: { eventId: string; delegateId: string; category: ParticipantCategory }) {
  const result = await db
    .updateTable("delegate")
    .set({ category, updated_at: new Date() })
    .where("id", "=", delegateId)
    .where("invitation_id", "in", (eb) => eb.selectFrom("invitation").select("id").where("event_id", "=", eventId))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- frozen versions -----------------------------------------------------------------------

export type RosterVersionRow = {
  id: string;
  number: number;
  kind: RosterKind;
  locale: Locale;
  createdAt: Date;
  createdByLabel: string;
  filters: Record<string, unknown>;
  rowCount: number;
};

/** Freezes a version; numbers count up per event (a concurrent freeze gets the next number, never the same). */
export async function freezeRosterVersion(
  db: DB,
  input: { eventId: string; kind: RosterKind; locale: Locale; createdBy: { id: string; label: string }; filters: RosterFilter; rows: unknown[] },
): Promise<number> {
  return inTransaction(db, async (trx) => {
    await trx.selectFrom("event").select("id").where("id", "=", input.eventId).forUpdate().executeTakeFirstOrThrow();
    const last = await trx
      .selectFrom("roster_version")
      .select((eb) => eb.fn.max("number").as("n"))
      .where("event_id", "=", input.eventId)
      .executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    await trx
      .insertInto("roster_version")
      .values({
        event_id: input.eventId,
        number,
        kind: input.kind,
        locale: input.locale,
        created_by: input.createdBy.id,
        created_by_label: input.createdBy.label,
        filters: JSON.stringify(input.filters),
        rows: JSON.stringify(input.rows),
      })
      .execute();
    return number;
  });
}

export async function listRosterVersions(db: DB, { eventId }: { eventId: string }): Promise<RosterVersionRow[]> {
  const rows = await db
    .selectFrom("roster_version")
    .select([
      "id",
      "number",
      "kind",
      "locale",
      "created_at as createdAt",
      "created_by_label as createdByLabel",
      "filters",
      sql<number>`jsonb_array_length(rows)`.as("rowCount"),
    ])
    .where("event_id", "=", eventId)
    .orderBy("number", "desc")
    .execute();
  return rows.map((row) => ({ ...row, rowCount: Number(row.rowCount) }));
}

export async function getRosterVersion(db: DB, { eventId, number }: { eventId: string; number: number }) {
  return db
    .selectFrom("roster_version")
    .select(["id", "number", "kind", "locale", "created_at as createdAt", "created_by_label as createdByLabel", "filters", "rows"])
    .where("event_id", "=", eventId)
    .where("number", "=", number)
    .executeTakeFirst();
}

// ---- check-in ------------------------------------------------------------------------------

export type CheckInOutcome = { status: "checked_in" | "already" | "undone" | "not_checked_in"; at: Date | null } | { status: "not_found" };

/** Marks (or unmarks) a delegate of this event as arrived; idempotent, so a double scan keeps the first time. */
export async function setCheckedIn(
  db: DB,
  { eventId, delegateId, by, arrived }: { eventId: string; delegateId: string; by: string; arrived: boolean },
): Promise<CheckInOutcome> {
  const row = await db
    .selectFrom("delegate as d")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .select(["d.id", "d.checked_in_at as at", "i.id as invitationId"])
    .where("d.id", "=", delegateId)
    .where("i.event_id", "=", eventId)
    .executeTakeFirst();
  if (!row) return { status: "not_found" };
  if (arrived) {
    // the arrival and its webhook (issue 19) commit together
    const updated = await inTransaction(db, async (trx) => {
      const marked = await trx
        .updateTable("delegate")
        .set({ checked_in_at: new Date(), checked_in_by: by })
        .where("id", "=", delegateId)
        .where("checked_in_at", "is", null)
        .returning("checked_in_at as at")
        .executeTakeFirst();
      if (marked) {
        const at = new Date(marked.at ?? Date.now()).toISOString();
        await enqueueWebhookEvent(trx, {
          type: "delegate.checked_in",
          key: `${delegateId}:${at}`,
          data: { eventId, invitationId: row.invitationId, delegateId, checkedInAt: at },
        });
      }
      return marked;
    });
    return updated ? { status: "checked_in", at: updated.at } : { status: "already", at: row.at };
  }
  const undone = await inTransaction(db, async (trx) => {
    // a check-in a device sent (app/models/check-in.server.ts) is taken back as well, so the person can be checked in again
    await trx
      .updateTable("check_in")
      .set({ outcome: "undone" })
      .where("delegate_id", "=", delegateId)
      .where("programme_item_id", "is", null)
      .where("outcome", "=", "checked_in")
      .execute();
    return trx
      .updateTable("delegate")
      .set({ checked_in_at: null, checked_in_by: null })
      .where("id", "=", delegateId)
      .where("checked_in_at", "is not", null)
      .executeTakeFirst();
  });
  return { status: Number(undone.numUpdatedRows) ? "undone" : "not_checked_in", at: null };
}

/** The delegate a badge's code belongs to, on this event (codes are compared without spaces or dashes, any case). */
export async function findByCheckInCode(db: DB, { eventId, code }: { eventId: string; code: string }) {
  const normalized = code.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[0-9A-Z]{6,20}$/.test(normalized)) return undefined;
  return db
    .selectFrom("delegate as d")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .select("d.id")
    .where("i.event_id", "=", eventId)
    .where("d.check_in_code", "=", normalized)
    .executeTakeFirst();
}

// ---- visa letters --------------------------------------------------------------------------

/** A delegate's data for a visa support letter, passport number and date of birth unsealed (admin only, audited by the caller). */
export async function getVisaLetterData(db: DB, { eventId, delegateId, key }: { eventId: string; delegateId: string; key: Buffer }) {
  const row = await rosterQuery(db, eventId)
    .select([
      "d.passport_name as passportName",
      "m.head_title as memberHeadTitle",
      "d.nationality",
      "d.passport_expiry as passportExpiry",
      "d.passport_number_enc as passportNumberEnc",
      "d.birth_date_enc as birthDateEnc",
    ])
    .where("d.id", "=", delegateId)
    .where("d.needs_visa_letter", "=", true)
    .executeTakeFirst();
  if (!row) return undefined;
  const { passportNumberEnc, birthDateEnc, ...rest } = row;
  const open = (sealed: string | null) => {
    if (!sealed) return null;
    try {
      return unseal(key, sealed);
    } catch {
      return null;
    }
  };
  return {
    ...(rest as unknown as RosterPerson),
    passportName: rest.passportName,
    memberHeadTitle: rest.memberHeadTitle,
    nationality: rest.nationality,
    passportExpiry: rest.passportExpiry,
    passportNumber: open(passportNumberEnc),
    birthDate: open(birthDateEnc),
  };
}
