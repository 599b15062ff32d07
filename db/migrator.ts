import { type Kysely, sql } from "kysely";
import { type MigrationResultSet, Migrator } from "kysely/migration";

import { migrations } from "./migrations/index";

export function createMigrator(db: Kysely<any>) {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: "kysely_migration",
    migrationLockTableName: "kysely_migration_lock",
  });
}

/**
 * True when the database has applied exactly this code's migrations: one statement, where kysely's Migrator
 * first inspects every table of the catalogue and takes its lock (about half a second on the embedded database,
 * a sixth of a restart; issue 15). Anything else (no table yet, a migration missing, one the code does not know)
 * is left to the Migrator, which applies, waits for another process's lock, or refuses as before.
 */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  // a failed statement would end a caller's transaction; a new database has no table to read (and logs no error)
  if (db.isTransaction) return false;
  try {
    const present = await sql<{ present: boolean }>`select to_regclass('kysely_migration') is not null as present`.execute(db);
    if (!present.rows[0]?.present) return false;
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(rows.map((row) => row.name));
    const known = Object.keys(migrations);
    return applied.size === known.length && known.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  if (await isMigrated(db)) return { results: [] };
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Migration ${failed} failed: ${String((result.error as Error).message ?? result.error)}`, {
      cause: result.error,
    });
  }
  return result;
}
