import { type Kysely, sql } from "kysely";

/**
 * Issue 18 §9: delegates' personal data is anonymised a configurable number of months after their event ended
 * (Settings → Data retention, default 24). The delegate and the event remember when.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("secretariat")
    .addColumn("personal_data_retention_months", "integer", (c) =>
      c
        .notNull()
        .defaultTo(24)
        .check(sql`personal_data_retention_months between 1 and 240`),
    )
    .execute();
  await db.schema.alterTable("delegate").addColumn("anonymised_at", "timestamptz").execute();
  await db.schema.alterTable("event").addColumn("personal_data_anonymised_at", "timestamptz").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("event").dropColumn("personal_data_anonymised_at").execute();
  await db.schema.alterTable("delegate").dropColumn("anonymised_at").execute();
  await db.schema.alterTable("secretariat").dropColumn("personal_data_retention_months").execute();
}
