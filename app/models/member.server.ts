import { sql } from "kysely";

import type { DB } from "~/db.server";
import type { Lng } from "~/i18n";
import type { MemberInput } from "~/lib/directory-schemas";
import { ConflictError, DuplicateError, isUniqueViolation } from "~/models/errors";
import type { GuestKind, LocalizedText, MemberKind, MemberStatus } from "../../db/schema";

export type MemberRow = {
  id: string;
  country: string;
  kind: MemberKind;
  status: MemberStatus;
  names: LocalizedText;
  nameKana: string | null;
  headTitle: LocalizedText;
  defaultLocale: Lng;
  timeZone: string;
  officeEmail: string | null;
  postalAddress: string | null;
  notes: string | null;
  isDemo: boolean;
  archivedAt: Date | null;
  version: number;
  /** null for a member government; a guest's kind (issue 18 §3) */
  guestKind: GuestKind | null;
};

const COLUMNS = [
  "member.id",
  "member.country",
  "member.kind",
  "member.status",
  "member.names",
  "member.name_kana as nameKana",
  "member.head_title as headTitle",
  "member.default_locale as defaultLocale",
  "member.time_zone as timeZone",
  "member.office_email as officeEmail",
  "member.postal_address as postalAddress",
  "member.notes",
  "member.is_demo as isDemo",
  "member.archived_at as archivedAt",
  "member.version",
  "member.guest_kind as guestKind",
] as const;

/** `withGuests`: guests (issue 18 §3) are left out of every member list unless asked for (by id only). */
export type MemberFilter = { q?: string; country?: string; kind?: string; status?: string; archived?: boolean; ids?: string[]; withGuests?: boolean };

/** Members matching the filter; the search looks at every language's name, the kana reading and the country code. */
export async function listMembers(db: DB, filter: MemberFilter = {}): Promise<(MemberRow & { contactCount: number })[]> {
  let query = db
    .selectFrom("member")
    .select(COLUMNS)
    .select((eb) => eb.selectFrom("contact").select(eb.fn.countAll<string>().as("n")).whereRef("contact.member_id", "=", "member.id").as("contactCount"));
  query = filter.archived ? query.where("archived_at", "is not", null) : query.where("archived_at", "is", null);
  if (!(filter.withGuests && filter.ids)) query = query.where("guest_kind", "is", null);
  if (filter.ids) query = query.where("id", "in", filter.ids);
  if (filter.country) query = query.where("country", "=", filter.country);
  if (filter.kind) query = query.where("kind", "=", filter.kind as MemberKind);
  if (filter.status) query = query.where("status", "=", filter.status as MemberStatus);
  const q = filter.q?.normalize("NFC").trim();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb.exists(sql`(select 1 from jsonb_each_text(member.names) as n where n.value ilike ${pattern})`),
        eb("name_kana", "ilike", pattern),
        eb("country", "=", q.toUpperCase()),
      ]),
    );
  }
  const rows = await query.execute();
  return rows.map((row) => ({ ...(row as unknown as MemberRow), contactCount: Number(row.contactCount ?? 0) }));
}

export async function countMembers(db: DB) {
  const row = await db
    .selectFrom("member")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("guest_kind", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getMember(db: DB, { id }: { id: string }): Promise<MemberRow | undefined> {
  return (await db.selectFrom("member").select(COLUMNS).where("id", "=", id).executeTakeFirst()) as MemberRow | undefined;
}

export async function findMemberByNaturalKey(db: DB, { country, nameEn }: { country: string; nameEn: string }) {
  return (await db
    .selectFrom("member")
    .select(COLUMNS)
    .where("country", "=", country)
    .where("guest_kind", "is", null)
    .where(sql`lower(names->>'en')`, "=", nameEn.toLowerCase())
    .executeTakeFirst()) as MemberRow | undefined;
}

function toColumns(input: MemberInput) {
  return {
    country: input.country,
    kind: input.kind,
    status: input.status,
    names: JSON.stringify(compact(input.names)),
    name_kana: input.nameKana ?? null,
    head_title: JSON.stringify(compact(input.headTitle)),
    default_locale: input.defaultLocale,
    time_zone: input.timeZone,
    office_email: input.officeEmail ?? null,
    postal_address: input.postalAddress || null,
    notes: input.notes || null,
  };
}

/** Drops empty languages so `{ en: "x", ko: undefined }` is stored as `{ en: "x" }`. */
export function compact(text: Partial<Record<string, string | undefined>>): LocalizedText {
  return Object.fromEntries(Object.entries(text).filter(([, v]) => v)) as LocalizedText;
}

export async function createMember(db: DB, input: MemberInput & { isDemo?: boolean }) {
  try {
    return await db
      .insertInto("member")
      .values({ ...toColumns(input), is_demo: input.isDemo ?? false })
      .returning(["id"])
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateError("member", "names.en");
    throw error;
  }
}

/** Saves the form only if nobody saved the member since `version` was read. */
export async function updateMember(db: DB, { id, version, input }: { id: string; version: number; input: MemberInput }) {
  try {
    const row = await db
      .updateTable("member")
      .set((eb) => ({ ...toColumns(input), version: eb("version", "+", 1), updated_at: sql`now()` }))
      .where("id", "=", id)
      .where("version", "=", version)
      .returning(["id", "version"])
      .executeTakeFirst();
    if (!row) throw new ConflictError("member");
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateError("member", "names.en");
    throw error;
  }
}

/** Archived members disappear from lists and audiences but keep their history; they are never deleted. */
export async function setMemberArchived(db: DB, { id, version, archived }: { id: string; version: number; archived: boolean }) {
  const row = await db
    .updateTable("member")
    .set((eb) => ({ archived_at: archived ? sql`now()` : null, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", id)
    .where("version", "=", version)
    .returning(["id"])
    .executeTakeFirst();
  if (!row) throw new ConflictError("member");
}

/** Import: insert, or update the member with the same country and English name. Returns what happened. */
export async function upsertMember(db: DB, input: MemberInput, options: { isDemo?: boolean } = {}) {
  const existing = await findMemberByNaturalKey(db, { country: input.country, nameEn: input.names.en });
  if (!existing) {
    const { id } = await createMember(db, { ...input, isDemo: options.isDemo });
    return { id, outcome: "created" as const };
  }
  const next = toColumns(input);
  const current = {
    country: existing.country,
    kind: existing.kind,
    status: existing.status,
    names: JSON.stringify(existing.names),
    name_kana: existing.nameKana,
    head_title: JSON.stringify(existing.headTitle),
    default_locale: existing.defaultLocale,
    time_zone: existing.timeZone,
    office_email: existing.officeEmail,
    postal_address: existing.postalAddress,
    notes: existing.notes,
  };
  if (sameJson(next, current) && !existing.archivedAt) return { id: existing.id, outcome: "unchanged" as const };
  await db
    .updateTable("member")
    .set((eb) => ({ ...next, archived_at: null, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", existing.id)
    .execute();
  return { id: existing.id, outcome: "updated" as const };
}

/** Compares column values, treating JSON strings by content (key order does not matter). */
export function sameJson(a: Record<string, unknown>, b: Record<string, unknown>) {
  const norm = (value: unknown): unknown => {
    if (typeof value === "string" && value.startsWith("{")) {
      try {
        const parsed = JSON.parse(value);
        return Object.fromEntries(Object.entries(parsed).sort(([x], [y]) => x.localeCompare(y)));
      } catch {
        return value;
      }
    }
    return value ?? null;
  };
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => JSON.stringify(norm(a[key])) === JSON.stringify(norm(b[key])));
}
