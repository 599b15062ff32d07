import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("event")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('general_assembly', 'working_committee', 'subcommittee_meeting', 'forum', 'workshop', 'other')`),
    )
    .addColumn("subcommittee_id", "uuid", (c) => c.references("subcommittee.id").onDelete("set null"))
    .addColumn("host_member_id", "uuid", (c) => c.references("member.id").onDelete("set null"))
    .addColumn("title", "jsonb", (c) => c.notNull().check(sql`jsonb_typeof(title) = 'object' and coalesce(title->>'en', '') <> ''`))
    .addColumn("description", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("venue", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("starts_at", "timestamptz", (c) => c.notNull())
    .addColumn("ends_at", "timestamptz", (c) => c.notNull())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("format", "text", (c) =>
      c
        .notNull()
        .defaultTo("in_person")
        .check(sql`format in ('in_person', 'online', 'hybrid')`),
    )
    .addColumn("meeting_url", "text")
    .addColumn("rsvp_deadline", "timestamptz")
    .addColumn("delegation_quota", "integer", (c) =>
      c
        .notNull()
        .defaultTo(5)
        .check(sql`delegation_quota >= 1`),
    )
    .addColumn("categories", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{delegate}'::text[]`))
    .addColumn("contact_name", "text")
    .addColumn("contact_email", "text")
    .addColumn("contact_phone", "text")
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("draft")
        .check(sql`status in ('draft', 'open', 'closed', 'archived', 'cancelled')`),
    )
    .addColumn("cancel_reason", "text")
    .addColumn("is_demo", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("event_ends_after_start", sql`ends_at > starts_at`)
    .addCheckConstraint("event_deadline_before_start", sql`rsvp_deadline is null or rsvp_deadline < starts_at`)
    .addCheckConstraint("event_cancel_reason", sql`status <> 'cancelled' or coalesce(cancel_reason, '') <> ''`)
    .execute();
  await db.schema.createIndex("event_starts_at_idx").on("event").column("starts_at").execute();

  await db.schema
    .createTable("programme_item")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('plenary', 'subcommittee_session', 'signing_ceremony', 'welcome_dinner', 'field_trip', 'other')`),
    )
    .addColumn("starts_at", "timestamptz", (c) => c.notNull())
    .addColumn("ends_at", "timestamptz", (c) => c.notNull())
    .addColumn("title", "jsonb", (c) => c.notNull().check(sql`jsonb_typeof(title) = 'object' and coalesce(title->>'en', '') <> ''`))
    .addColumn("description", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("place", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("attendance_asked", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("capacity", "integer", (c) => c.check(sql`capacity is null or capacity >= 1`))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("programme_item_ends_after_start", sql`ends_at > starts_at`)
    .execute();
  await db.schema.createIndex("programme_item_event_idx").on("programme_item").columns(["event_id", "starts_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("programme_item").execute();
  await db.schema.dropTable("event").execute();
}
