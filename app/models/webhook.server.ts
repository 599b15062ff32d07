import { type RawBuilder, sql } from "kysely";

import type { DB } from "~/db.server";
import type { WebhookDeliveryStatus, WebhookEventType } from "../../db/schema";

/** The type of the "send test" event: only the subscription it was asked for receives it. */
export const WEBHOOK_TEST_TYPE = "webhook.test";

export async function getWebhookSettings(db: DB) {
  const row = await db.selectFrom("webhook_settings").select("allow_private_targets as allowPrivateTargets").where("id", "=", 1).executeTakeFirst();
  return { allowPrivateTargets: row?.allowPrivateTargets ?? false };
}

export async function setAllowPrivateTargets(db: DB, { allow }: { allow: boolean }) {
  await db
    .insertInto("webhook_settings")
    .values({ id: 1, allow_private_targets: allow })
    .onConflict((oc) => oc.column("id").doUpdateSet({ allow_private_targets: allow, updated_at: sql`now()` }))
    .execute();
}

export async function createSubscription(
  db: DB,
  {
    url,
    description,
    eventTypes,
    secretSealed,
    createdBy,
  }: { url: string; description: string | null; eventTypes: WebhookEventType[]; secretSealed: string; createdBy: string | null },
) {
  return db
    .insertInto("webhook_subscription")
    .values({ url, description, event_types: sql`${sql.val(eventTypes)}::text[]`, secret_sealed: secretSealed, created_by: createdBy })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export type SubscriptionRow = {
  id: string;
  url: string;
  description: string | null;
  eventTypes: WebhookEventType[];
  enabled: boolean;
  createdAt: Date;
  lastStatus: WebhookDeliveryStatus | null;
  lastStatusCode: number | null;
  lastAttemptAt: Date | null;
};

/** Every subscription (without its secret), with the outcome of its latest delivery. */
export async function listSubscriptions(db: DB): Promise<SubscriptionRow[]> {
  const rows = await db
    .selectFrom("webhook_subscription as s")
    .select((eb) => {
      const latest = () => eb.selectFrom("webhook_delivery as d").whereRef("d.subscription_id", "=", "s.id").orderBy("d.created_at", "desc").limit(1);
      return [
        "s.id",
        "s.url",
        "s.description",
        "s.event_types as eventTypes",
        "s.enabled",
        "s.created_at as createdAt",
        latest().select("d.status").as("lastStatus"),
        latest().select("d.last_status_code").as("lastStatusCode"),
        latest().select("d.last_attempt_at").as("lastAttemptAt"),
      ];
    })
    .orderBy("s.created_at")
    .execute();
  return rows.map((row) => ({
    ...row,
    lastStatus: (row.lastStatus as WebhookDeliveryStatus | null) ?? null,
    lastStatusCode: row.lastStatusCode === null ? null : Number(row.lastStatusCode),
    lastAttemptAt: row.lastAttemptAt ? new Date(row.lastAttemptAt as unknown as string) : null,
  }));
}

export async function getSubscription(db: DB, { id }: { id: string }) {
  return db
    .selectFrom("webhook_subscription")
    .select(["id", "url", "description", "event_types as eventTypes", "enabled", "created_at as createdAt"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function setSubscriptionEnabled(db: DB, { id, enabled }: { id: string; enabled: boolean }) {
  const row = await db
    .updateTable("webhook_subscription")
    .set({ enabled, updated_at: sql`now()` })
    .where("id", "=", id)
    .returning(["id", "url"])
    .executeTakeFirst();
  return row;
}

/** Deletes a subscription and its delivery log. */
export async function deleteSubscription(db: DB, { id }: { id: string }) {
  return db.deleteFrom("webhook_subscription").where("id", "=", id).returning(["id", "url"]).executeTakeFirst();
}

const newWebhookId = sql<string>`'msg_' || replace(gen_random_uuid()::text, '-', '')`;

/**
 * Queues an event for every enabled subscription to its type. Call it inside the transaction of the change it
 * reports: the delivery commits with the change or not at all. `key` identifies the change; queuing the same
 * key again is a no-op. Returns how many deliveries were queued.
 */
export async function enqueueWebhookEvent(
  db: DB,
  { type, key, data, now }: { type: WebhookEventType; key: string; data: Record<string, unknown>; now?: Date },
): Promise<number> {
  const at = now ? sql<Date>`${now}::timestamptz` : sql<Date>`now()`;
  const payload = JSON.stringify({ type, timestamp: (now ?? new Date()).toISOString(), data });
  const result = await sql`
    insert into webhook_delivery (subscription_id, webhook_id, event_type, event_key, payload, next_attempt_at, created_at)
    select id, ${newWebhookId}, ${type}, ${`${type}:${key}`}, ${payload}::jsonb, ${at}, ${at}
    from webhook_subscription
    where enabled and ${type} = any(event_types)
    on conflict (subscription_id, event_key) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * enqueueWebhookEvent for the rows of another part of the same statement (a data-modifying WITH): one delivery per
 * row and enabled subscription to `type`, keyed `type:key`, with the payload enqueueWebhookEvent writes. `from` is
 * an aliased subquery over those rows, `key` and `data` SQL over its alias.
 */
export function webhookEventsFrom({
  type,
  from,
  key,
  data,
  now,
}: {
  type: WebhookEventType;
  from: RawBuilder<unknown>;
  key: RawBuilder<string>;
  data: RawBuilder<unknown>;
  now?: Date;
}): RawBuilder<unknown> {
  const at = now ? sql<Date>`${now}::timestamptz` : sql<Date>`now()`;
  const timestamp = (now ?? new Date()).toISOString();
  // SQL written out rather than built with kysely's insert builder: it runs once per message sent, and building
  // and compiling that builder cost more than the statement itself (issue 15)
  return sql`insert into webhook_delivery (subscription_id, webhook_id, event_type, event_key, payload, next_attempt_at, created_at)
    select s.id, ${newWebhookId}, ${type}, ${`${type}:`} || ${key}, jsonb_build_object('type', ${type}::text, 'timestamp', ${timestamp}::text, 'data', ${data}), ${at}, ${at}
    from ${from} join webhook_subscription s on s.enabled and ${type} = any(s.event_types)
    on conflict (subscription_id, event_key) do nothing`;
}

/** The "send test" button: one delivery of a test event to this subscription, whatever its types. */
export async function enqueueTestDelivery(db: DB, { subscriptionId, now }: { subscriptionId: string; now?: Date }) {
  const stamp = now ?? new Date();
  const payload = JSON.stringify({ type: WEBHOOK_TEST_TYPE, timestamp: stamp.toISOString(), data: { subscriptionId } });
  const row = await db
    .insertInto("webhook_delivery")
    .values({
      subscription_id: subscriptionId,
      webhook_id: newWebhookId,
      event_type: WEBHOOK_TEST_TYPE,
      event_key: sql`${`${WEBHOOK_TEST_TYPE}:`} || gen_random_uuid()::text`,
      payload,
      next_attempt_at: stamp,
      created_at: stamp,
    })
    .returning(["id", "webhook_id as webhookId"])
    .executeTakeFirstOrThrow();
  return row;
}

export type ClaimedDelivery = {
  id: string;
  subscriptionId: string;
  webhookId: string;
  eventType: string;
  payload: Record<string, unknown>;
  attempts: number;
  url: string;
  secretSealed: string;
};

/**
 * Leases due deliveries of enabled subscriptions to one runner: queued or deferred ones whose time has come,
 * and "sending" ones whose lease ran out (a runner that crashed mid-request). SKIP LOCKED lets several runners
 * claim side by side. `now` is the runner's clock (injectable in tests), else the database's.
 */
export async function claimDueDeliveries(
  db: DB,
  { runnerId, limit, leaseSeconds, now }: { runnerId: string; limit: number; leaseSeconds: number; now?: Date },
): Promise<ClaimedDelivery[]> {
  const at = now ? sql<Date>`${now}::timestamptz` : sql<Date>`now()`;
  const { rows } = await sql<ClaimedDelivery>`
    update webhook_delivery d set
      status = 'sending',
      attempts = d.attempts + 1,
      lease_until = ${at} + make_interval(secs => ${leaseSeconds}),
      leased_by = ${runnerId},
      last_attempt_at = ${at}
    from webhook_subscription s
    where s.id = d.subscription_id and d.id in (
      select w.id from webhook_delivery w
      join webhook_subscription ws on ws.id = w.subscription_id
      where ws.enabled
        and ((w.status in ('queued', 'deferred') and w.next_attempt_at <= ${at})
          or (w.status = 'sending' and w.lease_until < ${at}))
      order by w.next_attempt_at, w.created_at
      limit ${limit}
      for update of w skip locked
    )
    returning d.id, d.subscription_id as "subscriptionId", d.webhook_id as "webhookId", d.event_type as "eventType", d.payload,
      d.attempts, s.url, s.secret_sealed as "secretSealed"`.execute(db);
  return rows.map((row) => ({ ...row, payload: typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload }));
}

/** Records an attempt's outcome, only while this runner still holds the lease. */
export async function finishDelivery(
  db: DB,
  {
    id,
    runnerId,
    status,
    statusCode,
    response,
    error,
    nextAttemptAt,
    now,
  }: {
    id: string;
    runnerId: string;
    status: Extract<WebhookDeliveryStatus, "delivered" | "deferred" | "failed">;
    statusCode: number | null;
    response: string | null;
    error: string | null;
    nextAttemptAt?: Date;
    now?: Date;
  },
) {
  const at = now ? sql<Date>`${now}::timestamptz` : sql<Date>`now()`;
  const result = await db
    .updateTable("webhook_delivery")
    .set((eb) => ({
      status,
      last_status_code: statusCode,
      last_response: response,
      last_error: error ? error.slice(0, 500) : null,
      next_attempt_at: nextAttemptAt ?? eb.ref("next_attempt_at"),
      delivered_at: status === "delivered" ? at : eb.ref("delivered_at"),
      lease_until: null,
      leased_by: null,
    }))
    .where("id", "=", id)
    .where("leased_by", "=", runnerId)
    .where("status", "=", "sending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type DeliveryRow = {
  id: string;
  webhookId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastResponse: string | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
};

/** The delivery log of one subscription, newest first. */
export async function listDeliveries(db: DB, { subscriptionId, limit = 100 }: { subscriptionId: string; limit?: number }): Promise<DeliveryRow[]> {
  return db
    .selectFrom("webhook_delivery")
    .select([
      "id",
      "webhook_id as webhookId",
      "event_type as eventType",
      "status",
      "attempts",
      "next_attempt_at as nextAttemptAt",
      "last_status_code as lastStatusCode",
      "last_response as lastResponse",
      "last_error as lastError",
      "last_attempt_at as lastAttemptAt",
      "delivered_at as deliveredAt",
      "created_at as createdAt",
    ])
    .where("subscription_id", "=", subscriptionId)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** The delivery log keeps finished deliveries for `days`; older delivered and failed rows are removed. */
export async function purgeOldDeliveries(db: DB, { days, now }: { days: number; now?: Date }) {
  const at = now ? sql<Date>`${now}::timestamptz` : sql<Date>`now()`;
  const result = await db
    .deleteFrom("webhook_delivery")
    .where("status", "in", ["delivered", "failed"])
    .where("created_at", "<", sql<Date>`${at} - make_interval(days => ${days})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deliveries by status, for /metrics. */
export async function countDeliveriesByStatus(db: DB): Promise<Partial<Record<WebhookDeliveryStatus, number>>> {
  const rows = await db
    .selectFrom("webhook_delivery")
    .select(["status", (eb) => eb.fn.countAll<string>().as("n")])
    .groupBy("status")
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}
