import { sql } from "kysely";

import type { DB } from "~/db.server";

export type BackupLogKind = "command" | "download" | "scheduled";
export type TableChecksums = Record<string, { rows: number; md5: string }>;

/** One row per backup taken (the command line or a download from Settings → System). */
export async function recordBackup(
  db: DB,
  entry: { kind: BackupLogKind; databaseKind: "embedded" | "postgres"; fileName: string; bytes: number; createdBy: string | null },
) {
  await db
    .insertInto("backup_log")
    .values({ kind: entry.kind, database_kind: entry.databaseKind, file_name: entry.fileName, bytes: entry.bytes, created_by: entry.createdBy })
    .execute();
}

/** When the last backup of a kind was taken (the schedule), or null. */
export async function lastBackupOfKind(db: DB, { kind }: { kind: BackupLogKind }): Promise<Date | null> {
  const row = await db.selectFrom("backup_log").select("at").where("kind", "=", kind).orderBy("at", "desc").limit(1).executeTakeFirst();
  return row ? new Date(row.at) : null;
}

/** The most recent backup, for Settings → System. */
export async function lastBackup(db: DB): Promise<{ at: Date; kind: BackupLogKind; bytes: number | null } | null> {
  const row = await db.selectFrom("backup_log").select(["at", "kind", "bytes"]).orderBy("at", "desc").limit(1).executeTakeFirst();
  return row ? { at: new Date(row.at), kind: row.kind, bytes: row.bytes === null ? null : Number(row.bytes) } : null;
}

/** Every table of the application's schema, in a stable order. */
export async function listTables(db: DB): Promise<string[]> {
  const rows = await sql<{ name: string }>`select tablename as name from pg_catalog.pg_tables where schemaname = 'public' order by tablename`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * The settings under which a row's text form is the same on every server (time zone, date style, floats,
 * bytea). They are set for the current transaction only: call this inside one.
 */
const CANONICAL_SETTINGS = sql`select
  pg_catalog.set_config('TimeZone', 'UTC', true),
  pg_catalog.set_config('DateStyle', 'ISO, YMD', true),
  pg_catalog.set_config('IntervalStyle', 'postgres', true),
  pg_catalog.set_config('extra_float_digits', '1', true),
  pg_catalog.set_config('bytea_output', 'hex', true)`;

/**
 * Row count and a checksum of every table: md5 over the sorted md5s of each row's text form. Sorting by the
 * row hashes makes it independent of collation, and it needs 33 bytes per row, not the whole table, in memory.
 * Call it inside a transaction (a consistent snapshot, and the canonical settings above stay local to it).
 */
export async function tableChecksums(trx: DB): Promise<TableChecksums> {
  await CANONICAL_SETTINGS.execute(trx);
  const result: TableChecksums = {};
  for (const table of await listTables(trx)) {
    const { rows } = await sql<{ rows: string | number; md5: string }>`
      select count(*)::int as rows, md5(coalesce(string_agg(md5(t::text), '' order by md5(t::text)), '')) as md5
      from ${sql.table(`public.${table}`)} t`.execute(trx);
    result[table] = { rows: Number(rows[0].rows), md5: rows[0].md5 };
  }
  return result;
}

/** How much a database holds: used to refuse restoring over data without --force. */
export async function databaseContents(db: DB): Promise<{ tables: number; rows: number; functions: number }> {
  let rows = 0;
  const tables = await listTables(db);
  for (const table of tables) {
    const result = await sql<{ n: string | number }>`select count(*)::int as n from ${sql.table(`public.${table}`)}`.execute(db);
    rows += Number(result.rows[0].n);
  }
  const { rows: fn } = await sql<{ n: string | number }>`
    select count(*)::int as n from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'`.execute(db);
  return { tables: tables.length, rows, functions: Number(fn[0].n) };
}

/** The last migration applied, or null before the first one. */
export async function latestMigration(db: DB): Promise<string | null> {
  if (!(await listTables(db)).includes("kysely_migration")) return null;
  const { rows } = await sql<{ name: string }>`select name from public.kysely_migration order by name desc limit 1`.execute(db);
  return rows[0]?.name ?? null;
}

/** PostgreSQL only: the snapshot of the current (repeatable read) transaction, for pg_dump --snapshot. */
export async function exportSnapshot(trx: DB): Promise<string> {
  const { rows } = await sql<{ id: string }>`select pg_catalog.pg_export_snapshot() as id`.execute(trx);
  return rows[0].id;
}

export async function serverVersion(db: DB): Promise<string> {
  const { rows } = await sql<{ v: string }>`select pg_catalog.current_setting('server_version') as v`.execute(db);
  return rows[0].v;
}

/** PostgreSQL only: other Plenary processes (application_name "plenary") connected to this database. */
export async function otherPlenaryConnections(db: DB): Promise<number> {
  const { rows } = await sql<{ n: string | number }>`
    select count(*)::int as n from pg_catalog.pg_stat_activity
    where datname = pg_catalog.current_database() and application_name = 'plenary' and pid <> pg_catalog.pg_backend_pid()`.execute(db);
  return Number(rows[0].n);
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * SQL for psql, run inside the restore's transaction. `replaceSchema`: drop and recreate schema public first,
 * keeping its owner and grants (the audit log's triggers go with its table, so they block nothing).
 */
export function restorePreludeSql({ replaceSchema }: { replaceSchema: boolean }) {
  const lines = ["SET client_min_messages = warning;", "BEGIN;"];
  if (replaceSchema) {
    lines.push(`DO $plenary$
DECLARE owner_name text; acl aclitem[]; grant_row record;
BEGIN
  SELECT n.nspowner::regrole::text, n.nspacl INTO owner_name, acl FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public';
  DROP SCHEMA IF EXISTS public CASCADE;
  CREATE SCHEMA public;
  IF owner_name IS NOT NULL THEN
    EXECUTE pg_catalog.format('ALTER SCHEMA public OWNER TO %s', owner_name);
    FOR grant_row IN SELECT a.grantee, a.privilege_type FROM pg_catalog.aclexplode(acl) a WHERE a.grantee <> owner_name::regrole LOOP
      EXECUTE pg_catalog.format('GRANT %s ON SCHEMA public TO %s', grant_row.privilege_type,
        CASE WHEN grant_row.grantee = 0 THEN 'PUBLIC' ELSE grant_row.grantee::regrole::text END);
    END LOOP;
  END IF;
END
$plenary$;`);
  }
  return lines.join("\n") + "\n";
}

/**
 * SQL for psql, run at the end of the restore's transaction: recomputes every table's count and checksum the
 * way tableChecksums does and raises (so the whole restore rolls back) unless they equal the backup's.
 */
export function restoreVerificationSql(expected: TableChecksums) {
  const json = JSON.stringify(expected);
  return `DO $plenary$
DECLARE expected jsonb := ${quote(json)}::jsonb; actual jsonb := '{}'::jsonb; tbl text; n bigint; h text; wrong text;
BEGIN
  PERFORM pg_catalog.set_config('TimeZone', 'UTC', true), pg_catalog.set_config('DateStyle', 'ISO, YMD', true),
    pg_catalog.set_config('IntervalStyle', 'postgres', true), pg_catalog.set_config('extra_float_digits', '1', true),
    pg_catalog.set_config('bytea_output', 'hex', true);
  FOR tbl IN SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename LOOP
    EXECUTE pg_catalog.format('SELECT count(*), md5(coalesce(string_agg(md5(t::text), '''' ORDER BY md5(t::text)), '''')) FROM public.%I t', tbl) INTO n, h;
    actual := actual || jsonb_build_object(tbl, jsonb_build_object('rows', n, 'md5', h));
  END LOOP;
  IF actual <> expected THEN
    SELECT string_agg(k, ', ' ORDER BY k) INTO wrong FROM (SELECT jsonb_object_keys(expected || actual) AS k) keys
      WHERE expected -> k IS DISTINCT FROM actual -> k;
    RAISE EXCEPTION 'plenary: the restored data does not match the backup''s checksums (tables: %).', wrong;
  END IF;
END
$plenary$;
`;
}
