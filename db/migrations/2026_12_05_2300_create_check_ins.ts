import { type Kysely, sql } from "kysely";

/**
 * Offline check-in (issue 19 §5): every check-in a device queued, by the id the device gave it (`client_id`,
 * unique, so a check-in sent twice is recorded once), for the event (`programme_item_id` null) or one programme
 * item. The first check-in of a person for an event or item is `checked_in`; another device's later one is kept
 * as a `duplicate` (a note: who, when). An undone check-in stays as `undone`. The device's clock is kept as
 * `scanned_at`; `recorded_at` is the server's time, the one that counts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("check_in")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("client_id", "uuid", (c) => c.notNull().unique())
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("delegate_id", "uuid", (c) => c.notNull().references("delegate.id").onDelete("cascade"))
    .addColumn("programme_item_id", "uuid", (c) => c.references("programme_item.id").onDelete("cascade"))
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('checked_in', 'duplicate', 'undone')`))
    .addColumn("scanned_at", "timestamptz")
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("recorded_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .execute();
  // one check-in per person and event or programme item; PostgreSQL 15 has NULLS NOT DISTINCT
  await sql`create unique index check_in_once on check_in (delegate_id, programme_item_id) nulls not distinct where outcome = 'checked_in'`.execute(db);
  await sql`create index check_in_event on check_in (event_id, programme_item_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("check_in").ifExists().execute();
}
