import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import type { SubcommitteeInput } from "~/lib/directory-schemas";
import { ConflictError, DuplicateError, isUniqueViolation } from "~/models/errors";
import { compact } from "~/models/member.server";
import type { LocalizedText } from "../../db/schema";

export type SubcommitteeSummary = {
  id: string;
  number: number | null;
  names: LocalizedText;
  version: number;
  memberCount: number;
  coordinators: { id: string; names: LocalizedText }[];
};

export async function listSubcommittees(db: DB): Promise<SubcommitteeSummary[]> {
  const rows = await db
    .selectFrom("subcommittee as s")
    .select(["s.id", "s.number", "s.names", "s.version"])
    .select((eb) => [
      eb
        .selectFrom("subcommittee_member as sm")
        .innerJoin("member as m", "m.id", "sm.member_id")
        .select(eb.fn.countAll<string>().as("n"))
        .whereRef("sm.subcommittee_id", "=", "s.id")
        .where("m.archived_at", "is", null)
        .as("memberCount"),
      sql<{ id: string; names: LocalizedText }[]>`coalesce((
        select jsonb_agg(jsonb_build_object('id', m.id, 'names', m.names) order by m.names->>'en')
        from subcommittee_member sm join member m on m.id = sm.member_id
        where sm.subcommittee_id = s.id and sm.is_coordinator), '[]'::jsonb)`.as("coordinators"),
    ])
    .where("s.archived_at", "is", null)
    .orderBy(sql`s.number nulls last`)
    .orderBy(sql`s.names->>'en'`)
    .execute();
  return rows.map((row) => ({ ...row, memberCount: Number(row.memberCount ?? 0) })) as SubcommitteeSummary[];
}

export async function getSubcommittee(db: DB, { id }: { id: string }) {
  const subcommittee = await db
    .selectFrom("subcommittee")
    .select(["id", "number", "names", "version"])
    .where("id", "=", id)
    .where("archived_at", "is", null)
    .executeTakeFirst();
  if (!subcommittee) return undefined;
  const members = await db
    .selectFrom("subcommittee_member as sm")
    .innerJoin("member as m", "m.id", "sm.member_id")
    .select(["m.id", "m.names", "m.country", "m.name_kana as nameKana", "sm.is_coordinator as isCoordinator"])
    .where("sm.subcommittee_id", "=", id)
    .where("m.archived_at", "is", null)
    .execute();
  return { ...subcommittee, members };
}

/** Subcommittees a member belongs to (for the member page). */
export function listSubcommitteesOfMember(db: DB, { memberId }: { memberId: string }) {
  return db
    .selectFrom("subcommittee_member as sm")
    .innerJoin("subcommittee as s", "s.id", "sm.subcommittee_id")
    .select(["s.id", "s.number", "s.names", "sm.is_coordinator as isCoordinator"])
    .where("sm.member_id", "=", memberId)
    .where("s.archived_at", "is", null)
    .orderBy(sql`s.number nulls last`)
    .execute();
}

async function replaceMembers(db: DB, id: string, input: SubcommitteeInput) {
  await db.deleteFrom("subcommittee_member").where("subcommittee_id", "=", id).execute();
  const ids = [...new Set([...input.memberIds, ...input.coordinatorIds])];
  if (ids.length) {
    await db
      .insertInto("subcommittee_member")
      .values(ids.map((memberId) => ({ subcommittee_id: id, member_id: memberId, is_coordinator: input.coordinatorIds.includes(memberId) })))
      .execute();
  }
}

export async function createSubcommittee(db: DB, input: SubcommitteeInput) {
  return inTransaction(db, async (trx) => {
    try {
      const { id } = await trx
        .insertInto("subcommittee")
        .values({ number: input.number ?? null, names: JSON.stringify(compact(input.names)) })
        .returning("id")
        .executeTakeFirstOrThrow();
      await replaceMembers(trx, id, input);
      return { id };
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError("subcommittee", "names.en");
      throw error;
    }
  });
}

export async function updateSubcommittee(db: DB, { id, version, input }: { id: string; version: number; input: SubcommitteeInput }) {
  return inTransaction(db, async (trx) => {
    let row;
    try {
      row = await trx
        .updateTable("subcommittee")
        .set((eb) => ({
          number: input.number ?? null,
          names: JSON.stringify(compact(input.names)),
          version: eb("version", "+", 1),
          updated_at: sql`now()`,
        }))
        .where("id", "=", id)
        .where("version", "=", version)
        .returning("id")
        .executeTakeFirst();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError("subcommittee", "names.en");
      throw error;
    }
    if (!row) throw new ConflictError("subcommittee");
    await replaceMembers(trx, id, input);
  });
}
