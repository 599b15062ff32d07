import { type Kysely, sql } from "kysely";

const LOCALES = sql`('en', 'ko', 'zh', 'ja', 'ru', 'mn')`;
const LOCAL_DATE_TIME = "'^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$'";
const LOCAL_DATE = "'^\\d{4}-\\d{2}-\\d{2}$'";

/** Replies by link: the delegation, its history, link access (opens) and the per-event passport settings. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("event")
    .addColumn("passport_countries", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("passport_retention_days", "integer", (c) =>
      c
        .notNull()
        .defaultTo(30)
        .check(sql`passport_retention_days between 0 and 3650`),
    )
    .execute();

  await db.schema.alterTable("invitation").addColumn("decline_reason", "text").addColumn("changed_at", "timestamptz").execute();

  await db.schema
    .createTable("delegate")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("invitation_id", "uuid", (c) => c.notNull().references("invitation.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('head', 'deputy', 'official', 'interpreter', 'staff', 'accompanying')`))
    .addColumn("name_locale", "text", (c) => c.notNull().check(sql`name_locale in ${LOCALES}`))
    .addColumn("family_name", "text")
    .addColumn("given_name", "text", (c) => c.notNull())
    .addColumn("patronymic", "text")
    .addColumn("clan_name", "text")
    .addColumn("latin_family_name", "text")
    .addColumn("latin_given_name", "text")
    .addColumn("gender", "text", (c) => c.check(sql`gender in ('female', 'male')`))
    .addColumn("honorific", "text", (c) => c.check(sql`honorific in ('mr', 'ms', 'dr', 'prof', 'excellency')`))
    .addColumn("title", "text")
    .addColumn("email", "text")
    .addColumn("phone", "text")
    .addColumn("dietary", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("dietary_note", "text")
    .addColumn("accessibility", "text")
    .addColumn("interpretation_locale", "text", (c) => c.check(sql`interpretation_locale in ${LOCALES}`))
    .addColumn("arrival_at", "text", (c) => c.check(sql.raw(`arrival_at ~ ${LOCAL_DATE_TIME}`)))
    .addColumn("arrival_transport", "text")
    .addColumn("arrival_place", "text")
    .addColumn("departure_at", "text", (c) => c.check(sql.raw(`departure_at ~ ${LOCAL_DATE_TIME}`)))
    .addColumn("departure_transport", "text")
    .addColumn("departure_place", "text")
    .addColumn("hotel", "text")
    .addColumn("programme_item_ids", sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'::uuid[]`))
    .addColumn("needs_visa_letter", "boolean", (c) => c.notNull().defaultTo(false))
    // Passport data (RELIABILITY D1–D6): the number and the date of birth only as AES-256-GCM ciphertext.
    .addColumn("passport_name", "text")
    .addColumn("nationality", "text")
    .addColumn("passport_expiry", "text", (c) => c.check(sql.raw(`passport_expiry ~ ${LOCAL_DATE}`)))
    .addColumn("passport_number_enc", "text")
    .addColumn("birth_date_enc", "text")
    .addColumn("consent_at", "timestamptz")
    .addColumn("notice_version", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("delegate_invitation_position", ["invitation_id", "position"])
    .execute();

  // One row per change of an answer or a delegation: by the link holder or by a named staff user.
  await db.schema
    .createTable("invitation_change")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("invitation_id", "uuid", (c) => c.notNull().references("invitation.id").onDelete("cascade"))
    .addColumn("event_id", "uuid", (c) => c.notNull().references("event.id").onDelete("cascade"))
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("actor_kind", "text", (c) => c.notNull().check(sql`actor_kind in ('link', 'staff')`))
    .addColumn("staff_user_id", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("staff_label", "text")
    .addColumn("reason", "text")
    .addColumn("submission_id", "text", (c) => c.notNull())
    .addColumn("response_before", "text", (c) => c.notNull())
    .addColumn("response_after", "text", (c) => c.notNull())
    .addColumn("summary", "jsonb", (c) => c.notNull())
    .addUniqueConstraint("invitation_change_submission", ["invitation_id", "submission_id"])
    .addUniqueConstraint("invitation_change_revision", ["invitation_id", "revision"])
    .execute();
  await db.schema.createIndex("invitation_change_event_idx").on("invitation_change").columns(["event_id", "at"]).execute();

  // The first opening of a link: the only thing a GET of a reply link writes, once (insert or nothing). Mail
  // scanners open links too, so this means "opened", not "read".
  await db.schema
    .createTable("invitation_access")
    .addColumn("invitation_id", "uuid", (c) => c.primaryKey().references("invitation.id").onDelete("cascade"))
    .addColumn("first_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.alterTable("invitation").dropColumn("first_opened_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("invitation").addColumn("first_opened_at", "timestamptz").execute();
  for (const table of ["invitation_access", "invitation_change", "delegate"]) await db.schema.dropTable(table).execute();
  await db.schema.alterTable("invitation").dropColumn("decline_reason").dropColumn("changed_at").execute();
  await db.schema.alterTable("event").dropColumn("passport_countries").dropColumn("passport_retention_days").execute();
}
