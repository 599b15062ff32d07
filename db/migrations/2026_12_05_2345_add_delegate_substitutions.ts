import { type Kysely, sql } from "kysely";

/**
 * Issue 18, items 2 and 4. A substitution (the vice-governor comes instead of the governor) is a new delegate
 * record; the person replaced is kept here as history (names only, no contact or passport data), with who
 * replaced them and when. Each delegate says whether they may appear on the published List of Participants
 * (unticked by default), and staff publish one list per event: a frozen roster version, optionally public.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("delegate_substitution")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("invitation_id", "uuid", (c) => c.notNull().references("invitation.id").onDelete("cascade"))
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("revision", "integer", (c) => c.notNull())
    // the replaced person's record is gone (its badge code with it); this is what the history shows of them
    .addColumn("replaced_delegate_id", "uuid", (c) => c.notNull())
    .addColumn("replaced", "jsonb", (c) => c.notNull())
    .addColumn("replaced_checked_in_at", "timestamptz")
    // no foreign key: a save re-writes the delegation (same ids), which must not clear this
    .addColumn("replaced_by", "uuid")
    .addColumn("replacement", "jsonb", (c) => c.notNull())
    .addColumn("explicit", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("actor_kind", "text", (c) => c.notNull().check(sql`actor_kind in ('link', 'staff')`))
    .addColumn("staff_label", "text")
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index delegate_substitution_invitation on delegate_substitution (invitation_id, at)`.execute(db);

  await db.schema
    .alterTable("delegate")
    .addColumn("list_consent", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable("participant_list")
    .addColumn("event_id", "uuid", (c) => c.primaryKey().references("event.id").onDelete("cascade"))
    .addColumn("version_id", "uuid", (c) => c.notNull().references("roster_version.id").onDelete("cascade"))
    .addColumn("is_public", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("published_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("published_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("participant_list").execute();
  await db.schema.alterTable("delegate").dropColumn("list_consent").execute();
  await db.schema.dropTable("delegate_substitution").execute();
}
