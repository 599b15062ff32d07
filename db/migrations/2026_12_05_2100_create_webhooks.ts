import { type Kysely, sql } from "kysely";

/**
 * Signed webhooks (issue 19 item 2): subscriptions per event type to a URL, and a delivery outbox. A delivery
 * row is written in the same transaction as the change it reports; a runner next to the mail worker leases due
 * rows (`lease_until` / `leased_by`, so a crashed runner's row comes back), signs them per Standard Webhooks
 * and retries with backoff. `(subscription_id, event_key)` is unique: the same change never queues twice.
 * `webhook_settings` is a single row: whether an administrator allows loopback and private-network targets.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("webhook_settings")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("allow_private_targets", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.insertInto("webhook_settings").values({ id: 1 }).execute();

  await db.schema
    .createTable("webhook_subscription")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("event_types", sql`text[]`, (c) => c.notNull())
    .addColumn("secret_sealed", "text", (c) => c.notNull())
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_by", "uuid", (c) => c.references("staff_user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("webhook_delivery")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("subscription_id", "uuid", (c) => c.notNull().references("webhook_subscription.id").onDelete("cascade"))
    .addColumn("webhook_id", "text", (c) => c.notNull().unique())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("event_key", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("queued")
        .check(sql`status in ('queued', 'sending', 'deferred', 'delivered', 'failed')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("lease_until", "timestamptz")
    .addColumn("leased_by", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("last_response", "text")
    .addColumn("last_error", "text")
    .addColumn("last_attempt_at", "timestamptz")
    .addColumn("delivered_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("webhook_delivery_event_once", ["subscription_id", "event_key"])
    .execute();
  await sql`create index webhook_delivery_due on webhook_delivery (next_attempt_at) where status in ('queued', 'deferred', 'sending')`.execute(db);
  await sql`create index webhook_delivery_log on webhook_delivery (subscription_id, created_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("webhook_delivery").ifExists().execute();
  await db.schema.dropTable("webhook_subscription").ifExists().execute();
  await db.schema.dropTable("webhook_settings").ifExists().execute();
}
