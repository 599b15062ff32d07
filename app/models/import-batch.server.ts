import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import type { CheckedRow, ImportKind, RowError } from "~/lib/directory-import.server";
import type { ContactInput, MemberInput } from "~/lib/directory-schemas";
import { writeAudit } from "~/models/audit.server";
import { upsertContact } from "~/models/contact.server";
import { findMemberByNaturalKey, upsertMember } from "~/models/member.server";

type ValidRow = Extract<CheckedRow, { ok: true }>;
export type ImportCounts = { created: number; updated: number; unchanged: number };
export type ImportOutcome = { counts: ImportCounts; rowErrors: { line: number; errors: RowError[] }[] };

class Rollback extends Error {}

async function applyRows(db: DB, kind: ImportKind, rows: ValidRow[]): Promise<ImportOutcome> {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  const rowErrors: ImportOutcome["rowErrors"] = [];
  for (const row of rows) {
    if (kind === "members") {
      const { outcome } = await upsertMember(db, row.member as MemberInput);
      counts[outcome]++;
      continue;
    }
    const member = await findMemberByNaturalKey(db, row.memberKey!);
    if (!member) {
      rowErrors.push({ line: row.line, errors: [{ column: "member_name_en", message: "directory:import.errors.unknownMember" }] });
      continue;
    }
    const { outcome } = await upsertContact(db, { memberId: member.id, input: row.contact as ContactInput });
    counts[outcome]++;
  }
  return { counts, rowErrors };
}

/** What an import would do, computed inside a transaction that is always rolled back. */
export async function previewImport(db: DB, kind: ImportKind, rows: ValidRow[]): Promise<ImportOutcome> {
  let result: ImportOutcome | undefined;
  try {
    await inTransaction(db, async (trx) => {
      result = await applyRows(trx, kind, rows);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result!;
}

export async function createImportBatch(db: DB, { kind, fileName, rows, userId }: { kind: ImportKind; fileName: string; rows: ValidRow[]; userId: string }) {
  await db
    .deleteFrom("import_batch")
    .where("created_at", "<", sql<Date>`now() - interval '1 day'`)
    .execute();
  return db
    .insertInto("import_batch")
    .values({ kind, file_name: fileName.slice(0, 200), rows: JSON.stringify(rows), row_count: rows.length, created_by: userId })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export class ImportRejectedError extends Error {
  constructor(public outcome: ImportOutcome) {
    super("import rejected");
  }
}

/**
 * Writes every row of a stored batch in ONE transaction, or nothing: any row error rolls back all of it.
 * The batch row is locked and marked applied in the same transaction, so a double click applies it once.
 */
export async function applyImportBatch(
  db: DB,
  { id, user, ip }: { id: string; user: { id: string; email: string }; ip?: string },
): Promise<{ counts: ImportCounts; alreadyApplied: boolean; kind: ImportKind }> {
  return inTransaction(db, async (trx) => {
    const batch = await trx
      .selectFrom("import_batch")
      .select(["kind", "rows", "applied_at as appliedAt", "file_name as fileName"])
      .where("id", "=", id)
      .where("created_by", "=", user.id)
      .forUpdate()
      .executeTakeFirst();
    if (!batch) throw new Error("import batch not found");
    if (batch.appliedAt) return { counts: { created: 0, updated: 0, unchanged: 0 }, alreadyApplied: true, kind: batch.kind };
    const outcome = await applyRows(trx, batch.kind, batch.rows as ValidRow[]);
    if (outcome.rowErrors.length) throw new ImportRejectedError(outcome);
    await trx
      .updateTable("import_batch")
      .set({ applied_at: sql`now()` })
      .where("id", "=", id)
      .execute();
    await writeAudit(trx, {
      actor: user,
      action: `directory.import_${batch.kind}`,
      objectType: "import_batch",
      objectId: id,
      ip,
      details: { file: batch.fileName, ...outcome.counts },
    });
    return { counts: outcome.counts, alreadyApplied: false, kind: batch.kind };
  });
}
