import { type Kysely, sql } from "kysely";

/**
 * Send waves run as jobs (issue 15): the staff request records the wave (the members it goes to, as confirmed)
 * and returns; a runner next to the mail worker prepares the invitations in chunks, each chunk in one
 * transaction with the wave's progress, so a crash repeats no chunk and loses none. `lease_until` / `leased_by`
 * let another process take over a wave whose runner died.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("send_wave")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("member_ids", sql`uuid[]`, (c) => c.notNull())
    .addColumn("bilingual", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("queued")
        .check(sql`status in ('queued', 'running', 'done', 'stopped')`),
    )
    .addColumn("done", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("queued", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("already_invited", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("no_email", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("stop_reason", "text")
    .addColumn("created_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .addColumn("lease_until", "timestamptz")
    .addColumn("leased_by", "text")
    .execute();
  await sql`create index send_wave_open on send_wave (created_at) where status in ('queued', 'running')`.execute(db);
  await sql`create index send_wave_event on send_wave (event_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("send_wave").ifExists().execute();
}
