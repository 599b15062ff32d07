import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { checkRateLimit, hitRateLimit, resetRateLimit } from "~/models/rate-limit.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

describe(`rate limits (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());
  const rule = { limit: 3, windowSeconds: 900 };

  it("limits after the allowed number of hits, per key", async () => {
    for (let i = 0; i < 3; i++) expect((await hitRateLimit(t.db, "k1", rule)).limited).toBe(false);
    const fourth = await hitRateLimit(t.db, "k1", rule);
    expect(fourth.limited).toBe(true);
    expect(fourth.retryAfterSeconds).toBeGreaterThan(800);
    expect((await checkRateLimit(t.db, "k1", rule)).limited).toBe(true);
    expect((await checkRateLimit(t.db, "k2", rule)).limited).toBe(false);
  });

  it("counts concurrent hits exactly", async () => {
    await Promise.all(Array.from({ length: 20 }, () => hitRateLimit(t.db, "burst", { limit: 100, windowSeconds: 60 })));
    const row = await t.db.selectFrom("rate_limit").select("hits").where("key", "=", "burst").executeTakeFirstOrThrow();
    expect(row.hits).toBe(20);
  });

  it("starts a new window when the old one is over, and can be reset", async () => {
    await t.db
      .updateTable("rate_limit")
      .set({ window_started_at: sql`now() - interval '16 minutes'` })
      .where("key", "=", "k1")
      .execute();
    expect((await checkRateLimit(t.db, "k1", rule)).limited).toBe(false);
    expect((await hitRateLimit(t.db, "k1", rule)).limited).toBe(false);
    await resetRateLimit(t.db, "k1");
    expect(await t.db.selectFrom("rate_limit").select("key").where("key", "=", "k1").executeTakeFirst()).toBeUndefined();
  });
});
