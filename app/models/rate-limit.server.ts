import { sql } from "kysely";

import type { DB } from "~/db.server";

export type RateLimitRule = { limit: number; windowSeconds: number };
export type RateLimitState = { limited: boolean; retryAfterSeconds: number };

/**
 * Fixed-window counters kept in PostgreSQL, so every web process shares them. `check` reads,
 * `hit` counts one event (atomically, starting a new window when the old one is over).
 */
export async function checkRateLimit(db: DB, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const row = await db
    .selectFrom("rate_limit")
    .select(["hits", sql<number>`ceil(extract(epoch from (window_started_at + make_interval(secs => ${rule.windowSeconds}) - now())))::int`.as("remaining")])
    .where("key", "=", key)
    .executeTakeFirst();
  if (!row || row.remaining <= 0) return { limited: false, retryAfterSeconds: 0 };
  return { limited: row.hits >= rule.limit, retryAfterSeconds: row.hits >= rule.limit ? row.remaining : 0 };
}

export async function hitRateLimit(db: DB, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const expired = sql<boolean>`rate_limit.window_started_at <= now() - make_interval(secs => ${rule.windowSeconds})`;
  const row = await db
    .insertInto("rate_limit")
    .values({ key, hits: 1, window_started_at: sql`now()` })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        hits: sql`case when ${expired} then 1 else rate_limit.hits + 1 end`,
        window_started_at: sql`case when ${expired} then now() else rate_limit.window_started_at end`,
      }),
    )
    .returning(["hits", sql<number>`ceil(extract(epoch from (window_started_at + make_interval(secs => ${rule.windowSeconds}) - now())))::int`.as("remaining")])
    .executeTakeFirstOrThrow();
  const limited = row.hits > rule.limit;
  return { limited, retryAfterSeconds: limited ? row.remaining : 0 };
}

export async function resetRateLimit(db: DB, key: string) {
  await db.deleteFrom("rate_limit").where("key", "=", key).execute();
}
