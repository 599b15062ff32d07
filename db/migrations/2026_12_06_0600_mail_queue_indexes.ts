import { type Kysely, sql } from "kysely";

/**
 * Issue 15. The mail worker's claim took the oldest due messages by reading the whole outbox and sorting it: every
 * sent message of every past wave was read again for each batch of 20 (5,000 queued letters: 4–8 ms a claim on
 * PostgreSQL, more on the embedded database, and growing with the history). Two partial indexes hold only what a
 * claim looks for: messages waiting for their next attempt in that order, and messages whose lease may run out.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index email_message_queue_due on email_message (next_attempt_at, created_at) where status in ('queued', 'deferred')`.execute(db);
  await sql`create index email_message_queue_leased on email_message (lease_until) where status = 'sending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index email_message_queue_leased`.execute(db);
  await sql`drop index email_message_queue_due`.execute(db);
}
