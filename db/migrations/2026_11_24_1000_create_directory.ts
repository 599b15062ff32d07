import { type Kysely, sql } from "kysely";

const LOCALES = sql`('en', 'ko', 'zh', 'ja', 'ru', 'mn')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("member")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("country", "text", (c) => c.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(
        sql`kind in ('province', 'prefecture', 'metropolitan_city', 'special_city', 'special_self_governing_province',
          'special_self_governing_city', 'autonomous_region', 'krai', 'oblast', 'republic', 'aimag', 'capital_city', 'other')`,
      ),
    )
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("member")
        .check(sql`status in ('member', 'associate', 'observer', 'applicant')`),
    )
    .addColumn("names", "jsonb", (c) => c.notNull().check(sql`jsonb_typeof(names) = 'object' and coalesce(names->>'en', '') <> ''`))
    .addColumn("name_kana", "text")
    .addColumn("head_title", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("default_locale", "text", (c) =>
      c
        .notNull()
        .defaultTo("en")
        .check(sql`default_locale in ${LOCALES}`),
    )
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("office_email", "text")
    .addColumn("postal_address", "text")
    .addColumn("notes", "text")
    .addColumn("is_demo", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("archived_at", "timestamptz")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The natural key used by imports: one member per country and English name.
  await sql`create unique index member_natural_key on member (country, lower(names->>'en'))`.execute(db);

  await db.schema
    .createTable("contact")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("member_id", "uuid", (c) => c.notNull().references("member.id").onDelete("cascade"))
    .addColumn("name_locale", "text", (c) => c.notNull().check(sql`name_locale in ${LOCALES}`))
    .addColumn("family_name", "text")
    .addColumn("given_name", "text", (c) => c.notNull())
    .addColumn("patronymic", "text")
    .addColumn("clan_name", "text")
    .addColumn("latin_family_name", "text")
    .addColumn("latin_given_name", "text")
    .addColumn("gender", "text", (c) => c.check(sql`gender in ('female', 'male')`))
    .addColumn("honorific", "text", (c) => c.check(sql`honorific in ('mr', 'ms', 'dr', 'prof', 'excellency')`))
    .addColumn("position", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("is_head", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("is_focal_point", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("emails", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("phone", "text")
    .addColumn("preferred_locale", "text", (c) => c.check(sql`preferred_locale in ${LOCALES}`))
    .addColumn("is_demo", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("contact_member_id_idx").on("contact").column("member_id").execute();
  // The natural key used by imports: a member's contact is identified by their first email.
  await sql`create unique index contact_natural_key on contact (member_id, lower(emails[1])) where cardinality(emails) > 0`.execute(db);

  await db.schema
    .createTable("subcommittee")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("number", "integer", (c) => c.unique())
    .addColumn("names", "jsonb", (c) => c.notNull().check(sql`jsonb_typeof(names) = 'object' and coalesce(names->>'en', '') <> ''`))
    .addColumn("archived_at", "timestamptz")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index subcommittee_name_en on subcommittee (lower(names->>'en'))`.execute(db);

  await db.schema
    .createTable("subcommittee_member")
    .addColumn("subcommittee_id", "uuid", (c) => c.notNull().references("subcommittee.id").onDelete("cascade"))
    .addColumn("member_id", "uuid", (c) => c.notNull().references("member.id").onDelete("restrict"))
    .addColumn("is_coordinator", "boolean", (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint("subcommittee_member_pk", ["subcommittee_id", "member_id"])
    .execute();
  await db.schema.createIndex("subcommittee_member_member_idx").on("subcommittee_member").column("member_id").execute();

  await db.schema
    .createTable("import_batch")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('members', 'contacts')`))
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("rows", "jsonb", (c) => c.notNull())
    .addColumn("row_count", "integer", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.notNull().references("staff_user.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("applied_at", "timestamptz")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["import_batch", "subcommittee_member", "subcommittee", "contact", "member"]) {
    await db.schema.dropTable(table).execute();
  }
}
