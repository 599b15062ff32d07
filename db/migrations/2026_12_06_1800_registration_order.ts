import { type Kysely, sql } from "kysely";

/**
 * A waiting list's order is first asked, first served (`requested_at`), but the embedded database's clock counts
 * in milliseconds: two people of one delegation asking in the same save often got the same time, and the tie
 * went by their ids, at random. `seq` numbers registrations as they are made and breaks such ties (existing rows
 * are numbered in the order they are stored).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table programme_registration add column seq bigint generated always as identity`.execute(db);
  await sql`drop index if exists programme_registration_queue`.execute(db);
  await sql`create index programme_registration_queue on programme_registration (programme_item_id, status, requested_at, seq)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists programme_registration_queue`.execute(db);
  await sql`alter table programme_registration drop column seq`.execute(db);
  await sql`create index programme_registration_queue on programme_registration (programme_item_id, status, requested_at)`.execute(db);
}
