import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { staleStatisticsTables } from "~/models/system.server";
import { startEmbeddedMaintenance } from "~/services/embedded-maintenance.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const ROWS = 5000;

/**
 * Issue 15: the embedded database runs no autovacuum, so its planner had no statistics at all and planned a
 * 10,000-person list as nested loops over a few rows. The maintenance pass analyzes the tables that grew.
 */
describe(`planner statistics of the embedded database (${databaseLabel})`, () => {
  let t: TestDb;
  const statsOf = async (table: string) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from pg_stats where schemaname = 'public' and tablename = ${table}`.execute(t.db)).rows[0].n);

  beforeAll(async () => {
    t = await createTestDb();
    // a PostgreSQL server's autovacuum must not analyze the table behind the test's back
    await sql`alter table rate_limit set (autovacuum_enabled = off)`.execute(t.db);
    await sql`insert into rate_limit (key, hits, window_started_at) select 'k' || n, n % 7, now() from generate_series(1, ${ROWS}) n`.execute(t.db);
  });
  afterAll(() => t.close());

  it("finds a table that grew without statistics, analyzes it, and finds nothing the next time", async () => {
    expect(await staleStatisticsTables(t.db)).toContain("rate_limit");
    expect(await statsOf("rate_limit")).toBe(0);

    const maintenance = startEmbeddedMaintenance({ db: t.db, loop: false });
    expect(await maintenance.runOnce()).toBeGreaterThanOrEqual(1);

    expect(await staleStatisticsTables(t.db)).not.toContain("rate_limit");
    expect(await statsOf("rate_limit")).toBe(3); // one row per column
    const { rows } = await sql<{ reltuples: number }>`select reltuples from pg_class where relname = 'rate_limit'`.execute(t.db);
    expect(Number(rows[0].reltuples)).toBe(ROWS);
    // a second pass has nothing to do: every table's statistics match its size
    expect(await staleStatisticsTables(t.db)).toEqual([]);
    expect(await maintenance.runOnce()).toBe(0);
  });

  it("analyzes a table again once it has grown by more than a tenth", async () => {
    await sql`insert into rate_limit (key, hits, window_started_at) select 'more' || n, 1, now() from generate_series(1, ${ROWS}) n`.execute(t.db);
    expect(await staleStatisticsTables(t.db)).toEqual(["rate_limit"]);
    await startEmbeddedMaintenance({ db: t.db, loop: false }).runOnce();
    const { rows } = await sql<{ reltuples: number }>`select reltuples from pg_class where relname = 'rate_limit'`.execute(t.db);
    expect(Number(rows[0].reltuples)).toBe(2 * ROWS);
  });
});
