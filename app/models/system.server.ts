import { statSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import packageJson from "../../package.json";
import { type DB } from "~/db.server";

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
