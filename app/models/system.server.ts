import { statSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { sql } from "kysely";

import type { DB } from "~/db.server";
import packageJson from "../../package.json";

export function appVersion(): string {
  return packageJson.version;
}

/** When the server bundle was built (this module is part of it); null when that cannot be read. */
export function builtAt(): Date | null {
  try {
    return statSync(fileURLToPath(import.meta.url)).mtime;
  } catch {
    return null;
  }
}

/** Bytes of the current database; for an embedded database that cannot say, the size of its directory on disk. */
export async function databaseSize(db: DB, { dataDir }: { dataDir?: string } = {}): Promise<number | null> {
  try {
    const { rows } = await sql<{ bytes: string }>`select pg_database_size(current_database())::text as bytes`.execute(db);
    return Number(rows[0].bytes);
  } catch {
    return dataDir ? directorySize(path.join(dataDir, "pgdata")).catch(() => null) : null;
  }
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(full);
    else if (entry.isFile()) total += (await fs.stat(full)).size;
  }
  return total;
}

/** Messages waiting in the outbox by state, and when the oldest of them was queued. */
export async function queueSummary(db: DB) {
  const row = await db
    .selectFrom("email_message")
    .select([
      sql<string>`count(*) filter (where status = 'queued')`.as("queued"),
      sql<string>`count(*) filter (where status = 'sending')`.as("sending"),
      sql<string>`count(*) filter (where status = 'deferred')`.as("deferred"),
      sql<Date | null>`min(created_at)`.as("oldest"),
    ])
    .where("status", "in", ["queued", "sending", "deferred"])
    .executeTakeFirstOrThrow();
  return { queued: Number(row.queued), sending: Number(row.sending), deferred: Number(row.deferred), oldestAt: row.oldest ? new Date(row.oldest) : null };
}

/** The outbox row of an idempotency key (the test message just queued), with its delivery state. */
export function findMessageByKey(db: DB, { key }: { key: string }) {
  return db.selectFrom("email_message").select(["id", "status"]).where("idempotency_key", "=", key).executeTakeFirst();
}

export function getMessageStatus(db: DB, { id }: { id: string }) {
  return db.selectFrom("email_message").select(["id", "status", "to_addresses as to", "last_reply as lastReply"]).where("id", "=", id).executeTakeFirst();
}

/** The mail figures of /metrics and Settings → System, in one round trip. */
export async function mailMetrics(db: DB) {
  const { rows } = await sql<{ status: string; n: string; retries: string; sent_hour: string }>`
    select status, count(*)::text as n, coalesce(sum(greatest(attempts - 1, 0)), 0)::text as retries,
      count(*) filter (where sent_at > now() - interval '1 hour')::text as sent_hour
    from email_message group by status`.execute(db);
  const other = await sql<{ suppressed: string; paused: boolean }>`
    select (select count(*) from mail_suppression)::text as suppressed,
      (select paused_at is not null from mail_queue_state where id = 1) as paused`.execute(db);
  const byStatus: Record<string, number> = {};
  let retries = 0;
  let sentLastHour = 0;
  for (const row of rows) {
    byStatus[row.status] = Number(row.n);
    retries += Number(row.retries);
    sentLastHour += Number(row.sent_hour);
  }
  return { byStatus, retries, sentLastHour, suppressed: Number(other.rows[0]?.suppressed ?? 0), paused: Boolean(other.rows[0]?.paused) };
}

/** Messages handed to the relay per minute over the last hour, oldest first (60 numbers; the System chart). */
export async function sentPerMinute(db: DB, { now = new Date() }: { now?: Date } = {}) {
  const { rows } = await sql<{ minute: number; n: string }>`
    select floor(extract(epoch from (${now}::timestamptz - sent_at)) / 60)::int as minute, count(*)::text as n
    from email_message
    where sent_at > ${now}::timestamptz - interval '1 hour' and sent_at <= ${now}::timestamptz and status <> 'local'
    group by 1`.execute(db);
  const series = Array.from({ length: 60 }, () => 0);
  for (const row of rows) if (row.minute >= 0 && row.minute < 60) series[59 - row.minute] = Number(row.n);
  return series;
}

/** The last migration applied to the database, for the readiness check (null before the first). */
export async function latestAppliedMigration(db: DB): Promise<string | null> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return rows[0]?.name ?? null;
}

/** One round trip to the database (health checks). */
export async function pingDatabase(db: DB): Promise<true> {
  await sql`select 1`.execute(db);
  return true;
}

/**
 * The tables whose planner statistics are out of date: their size on disk moved by more than a tenth (and at least
 * 8 pages) since their last ANALYZE, or they hold data and were never analyzed. PostgreSQL's autovacuum keeps
 * statistics for a server; the embedded database runs no autovacuum, so without this its planner never had any
 * (issue 15: a 10,000-person list joined its tables by nested loops planned for one row each).
 */
export async function staleStatisticsTables(db: DB): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name
    from pg_class c
    where c.relnamespace = 'public'::regnamespace
      and c.relkind = 'r'
      and abs(pg_relation_size(c.oid) / current_setting('block_size')::int - c.relpages) > greatest(8, c.relpages / 10)
    order by c.relname`.execute(db);
  return rows.map((row) => row.name);
}

/** ANALYZE one table of the application's schema (a name from staleStatisticsTables). */
export async function analyzeTable(db: DB, { table }: { table: string }): Promise<void> {
  await sql`analyze ${sql.table(table)}`.execute(db);
}
