import { type Kysely, sql } from "kysely";

/**
 * Sign-in throttling (issue 13 §5). One row per (address, client) pair that has failed or is waiting, and one row
 * per client (address '') counting its failed attempts across addresses. Refused attempts are counted here and
 * summarised into the audit log (`unreported` are those not yet in it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sign_in_throttle")
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("client", "text", (c) => c.notNull())
    .addColumn("started_at", "timestamptz", (c) => c.notNull())
    .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("refused", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("unreported", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_failure_at", "timestamptz")
    .addColumn("blocked_until", "timestamptz")
    .addColumn("reported_at", "timestamptz")
    .addPrimaryKeyConstraint("sign_in_throttle_pkey", ["address", "client"])
    .addCheckConstraint("sign_in_throttle_counts", sql`failures >= 0 and refused >= 0 and unreported >= 0`)
    .execute();
  await db.schema.createIndex("sign_in_throttle_unreported_idx").on("sign_in_throttle").column("reported_at").where(sql.ref("unreported"), ">", 0).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sign_in_throttle").execute();
}
