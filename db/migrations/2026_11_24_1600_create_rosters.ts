import { type Kysely, sql } from "kysely";

const LOCALES = sql`('en', 'ko', 'zh', 'ja', 'ru', 'mn')`;

/**
 * Rosters and check-in: the event's protocol order and visa-letter wording, each delegate's participant
 * category, badge check-in code (not the reply token) and arrival, and frozen versions of the List of
 * Participants.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("event")
    // { countryOrder?: string[], memberOrder?: string[], chairMemberId?: string, chairFirst?: boolean, hostFirst?: boolean }
    .addColumn("protocol", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // { inviter?: LocalizedText, purpose?: LocalizedText, costs?: LocalizedText, accommodation?: LocalizedText, signatory?: LocalizedText }
    .addColumn("visa_letter", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema
    .alterTable("delegate")
    .addColumn("category", "text", (c) =>
      c
        .notNull()
        .defaultTo("delegate")
        .check(sql`category in ('delegate', 'observer', 'press', 'guest', 'staff')`),
    )
    .addColumn("check_in_code", "text", (c) => c.notNull().defaultTo(sql`upper(substr(md5(random()::text || clock_timestamp()::text), 1, 10))`))
    .addColumn("checked_in_at", "timestamptz")
    .addColumn("checked_in_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .execute();
  await db.schema.createIndex("delegate_check_in_code_key").on("delegate").column("check_in_code").unique().execute();

  await db.schema
    .createTable("roster_version")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('provisional', 'final')`))
    .addColumn("locale", "text", (c) => c.notNull().check(sql`locale in ${LOCALES}`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("created_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("created_by_label", "text", (c) => c.notNull())
    .addColumn("filters", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("rows", "jsonb", (c) => c.notNull())
    .addUniqueConstraint("roster_version_event_number", ["event_id", "number"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("roster_version").execute();
  await db.schema.dropIndex("delegate_check_in_code_key").execute();
  await db.schema.alterTable("delegate").dropColumn("category").dropColumn("check_in_code").dropColumn("checked_in_at").dropColumn("checked_in_by").execute();
  await db.schema.alterTable("event").dropColumn("protocol").dropColumn("visa_letter").execute();
}
