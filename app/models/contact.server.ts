import { sql } from "kysely";

import type { DB } from "~/db.server";
import type { Lng } from "~/i18n";
import type { ContactInput } from "~/lib/directory-schemas";
import { ConflictError, DuplicateError, isUniqueViolation } from "~/models/errors";
import { compact, sameJson } from "~/models/member.server";
import type { Gender, Honorific, LocalizedText } from "../../db/schema";

export type ContactRow = {
  id: string;
  memberId: string;
  nameLocale: Lng;
  familyName: string | null;
  givenName: string;
  patronymic: string | null;
  clanName: string | null;
  latinFamilyName: string | null;
  latinGivenName: string | null;
  gender: Gender | null;
  honorific: Honorific | null;
  position: LocalizedText;
  isHead: boolean;
  isFocalPoint: boolean;
  emails: string[];
  phone: string | null;
  preferredLocale: Lng | null;
  isDemo: boolean;
  version: number;
};

const COLUMNS = [
  "contact.id",
  "contact.member_id as memberId",
  "contact.name_locale as nameLocale",
  "contact.family_name as familyName",
  "contact.given_name as givenName",
  "contact.patronymic",
  "contact.clan_name as clanName",
  "contact.latin_family_name as latinFamilyName",
  "contact.latin_given_name as latinGivenName",
  "contact.gender",
  "contact.honorific",
  "contact.position",
  "contact.is_head as isHead",
  "contact.is_focal_point as isFocalPoint",
  "contact.emails",
  "contact.phone",
  "contact.preferred_locale as preferredLocale",
  "contact.is_demo as isDemo",
  "contact.version",
] as const;

export async function listContactsOfMember(db: DB, { memberId }: { memberId: string }): Promise<ContactRow[]> {
  return (await db
    .selectFrom("contact")
    .select(COLUMNS)
    .where("member_id", "=", memberId)
    .orderBy("is_head", "desc")
    .orderBy("is_focal_point", "desc")
    .orderBy("created_at")
    .execute()) as ContactRow[];
}

/** The contacts of many members in one query, grouped by member (head first, then focal points). */
export async function listContactsOfMembers(db: DB, { memberIds }: { memberIds: string[] }): Promise<Map<string, ContactRow[]>> {
  const grouped = new Map<string, ContactRow[]>();
  if (!memberIds.length) return grouped;
  const rows = (await db
    .selectFrom("contact")
    .select(COLUMNS)
    .where("member_id", "in", memberIds)
    .orderBy("is_head", "desc")
    .orderBy("is_focal_point", "desc")
    .orderBy("created_at")
    .execute()) as ContactRow[];
  for (const row of rows) grouped.set(row.memberId, [...(grouped.get(row.memberId) ?? []), row]);
  return grouped;
}

export type ContactWithMember = ContactRow & { memberNames: LocalizedText; memberCountry: string };

/** Every contact of active members, with the member's names, optionally filtered by a search in any script. */
export async function listContacts(db: DB, { q }: { q?: string } = {}): Promise<ContactWithMember[]> {
  let query = db
    .selectFrom("contact")
    .innerJoin("member", "member.id", "contact.member_id")
    .select(COLUMNS)
    .select(["member.names as memberNames", "member.country as memberCountry"])
    .where("member.archived_at", "is", null)
    .where("member.guest_kind", "is", null);
  const needle = q?.normalize("NFC").trim();
  if (needle) {
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb("contact.family_name", "ilike", pattern),
        eb("contact.given_name", "ilike", pattern),
        eb("contact.patronymic", "ilike", pattern),
        eb("contact.latin_family_name", "ilike", pattern),
        eb("contact.latin_given_name", "ilike", pattern),
        eb(sql`array_to_string(contact.emails, ' ')`, "ilike", pattern),
        eb.exists(sql`(select 1 from jsonb_each_text(member.names) as n where n.value ilike ${pattern})`),
      ]),
    );
  }
  return (await query.execute()) as ContactWithMember[];
}

export async function getContact(db: DB, { id, memberId }: { id: string; memberId: string }) {
  return (await db.selectFrom("contact").select(COLUMNS).where("id", "=", id).where("member_id", "=", memberId).executeTakeFirst()) as ContactRow | undefined;
}

function toColumns(input: ContactInput) {
  return {
    name_locale: input.nameLocale,
    family_name: input.familyName ?? null,
    given_name: input.givenName,
    patronymic: input.patronymic ?? null,
    clan_name: input.clanName ?? null,
    latin_family_name: input.latinFamilyName ?? null,
    latin_given_name: input.latinGivenName ?? null,
    gender: input.gender ?? null,
    honorific: input.honorific ?? null,
    position: JSON.stringify(compact(input.position)),
    is_head: input.isHead,
    is_focal_point: input.isFocalPoint,
    emails: input.emails,
    phone: input.phone ?? null,
    preferred_locale: input.preferredLocale ?? null,
  };
}

function rethrow(error: unknown): never {
  if (isUniqueViolation(error)) throw new DuplicateError("contact", "emails");
  throw error;
}

export async function createContact(db: DB, { memberId, input, isDemo = false }: { memberId: string; input: ContactInput; isDemo?: boolean }) {
  try {
    return await db
      .insertInto("contact")
      .values({ ...toColumns(input), member_id: memberId, is_demo: isDemo })
      .returning(["id"])
      .executeTakeFirstOrThrow();
  } catch (error) {
    rethrow(error);
  }
}

export async function updateContact(db: DB, { id, memberId, version, input }: { id: string; memberId: string; version: number; input: ContactInput }) {
  let row;
  try {
    row = await db
      .updateTable("contact")
      .set((eb) => ({ ...toColumns(input), version: eb("version", "+", 1), updated_at: sql`now()` }))
      .where("id", "=", id)
      .where("member_id", "=", memberId)
      .where("version", "=", version)
      .returning(["id"])
      .executeTakeFirst();
  } catch (error) {
    rethrow(error);
  }
  if (!row) throw new ConflictError("contact");
  return row;
}

export async function deleteContact(db: DB, { id, memberId, version }: { id: string; memberId: string; version: number }) {
  const row = await db
    .deleteFrom("contact")
    .where("id", "=", id)
    .where("member_id", "=", memberId)
    .where("version", "=", version)
    .returning(["id"])
    .executeTakeFirst();
  if (!row) throw new ConflictError("contact");
}

/** Import: a member's contact is identified by their first email; insert or update it. */
export async function upsertContact(db: DB, { memberId, input, isDemo = false }: { memberId: string; input: ContactInput; isDemo?: boolean }) {
  const primary = input.emails[0]?.toLowerCase();
  const existing = primary
    ? ((await db
        .selectFrom("contact")
        .select(COLUMNS)
        .where("member_id", "=", memberId)
        .where(sql`lower(emails[1])`, "=", primary)
        .executeTakeFirst()) as ContactRow | undefined)
    : undefined;
  if (!existing) {
    const created = await createContact(db, { memberId, input, isDemo });
    return { id: created.id, outcome: "created" as const };
  }
  const next = toColumns(input);
  const current = {
    name_locale: existing.nameLocale,
    family_name: existing.familyName,
    given_name: existing.givenName,
    patronymic: existing.patronymic,
    clan_name: existing.clanName,
    latin_family_name: existing.latinFamilyName,
    latin_given_name: existing.latinGivenName,
    gender: existing.gender,
    honorific: existing.honorific,
    position: JSON.stringify(existing.position),
    is_head: existing.isHead,
    is_focal_point: existing.isFocalPoint,
    emails: existing.emails,
    phone: existing.phone,
    preferred_locale: existing.preferredLocale,
  };
  if (sameJson(next, current)) return { id: existing.id, outcome: "unchanged" as const };
  await db
    .updateTable("contact")
    .set((eb) => ({ ...next, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", existing.id)
    .execute();
  return { id: existing.id, outcome: "updated" as const };
}
