import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPgliteDb, openPglite } from "~/db.server";
import { isDatabaseUnavailable } from "~/lib/db-errors";
import { listAudit, recordAccess, writeAudit } from "~/models/audit.server";
import { adminQuery, createTestDb, databaseLabel, type TestDb, usingPostgres } from "../tests/helpers/db";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`one database, several requests at once (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());

  it("a write made outside a transaction survives that transaction's rollback", async () => {
    const rolledBack = t.db
      .transaction()
      .execute(async (trx) => {
        await writeAudit(trx, { actor: { label: "inside" }, action: "test.inside" });
        await sleep(100);
        throw new Error("roll back");
      })
      .catch((error: Error) => error.message);
    await sleep(20);
    await recordAccess(t.db, { actor: { label: "outside" }, action: "test.outside" });
    expect(await rolledBack).toBe("roll back");
    const actions = (await listAudit(t.db)).map((row) => row.action);
    expect(actions).toContain("test.outside");
    expect(actions).not.toContain("test.inside");
  });

  it("concurrent transactions and queries all complete", async () => {
    const work = Array.from({ length: 10 }, (_, i) =>
      i % 2
        ? t.db.transaction().execute(async (trx) => writeAudit(trx, { actor: { label: `tx${i}` }, action: "test.concurrent" }))
        : recordAccess(t.db, { actor: { label: `q${i}` }, action: "test.concurrent" }),
    );
    await Promise.all(work);
    expect((await listAudit(t.db)).filter((row) => row.action === "test.concurrent")).toHaveLength(10);
  });
});

describe(`a database connection that goes away (${databaseLabel})`, () => {
  it.skipIf(!usingPostgres)(
    "terminated while a transaction holds it: that transaction fails as 'unavailable', nothing crashes, the pool reconnects",
    async () => {
      const t = await createTestDb();
      try {
        const outcome = await t.db
          .transaction()
          .execute(async (trx) => {
            const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
            // the server ends this connection between two statements: pg emits 'error' on the checked-out client
            await adminQuery(`select pg_terminate_backend(${rows[0].pid})`);
            await sleep(200);
            await writeAudit(trx, { actor: { label: "lost" }, action: "test.lost" });
          })
          .then(
            () => "committed",
            (error: unknown) => error,
          );
        expect(isDatabaseUnavailable(outcome), String(outcome)).toBe(true);
        await recordAccess(t.db, { actor: { label: "after" }, action: "test.after" });
        const actions = (await listAudit(t.db)).map((row) => row.action);
        expect(actions).toContain("test.after");
        expect(actions).not.toContain("test.lost");
      } finally {
        await t.close();
      }
    },
  );

  it("the embedded database, once closed, fails queries as 'unavailable' (a 503), not with a crash", async () => {
    const pglite = await openPglite(undefined);
    const db = createPgliteDb(pglite);
    await sql`select 1`.execute(db);
    await pglite.close();
    const outcome = await sql`select 1`.execute(db).then(
      () => "answered",
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailable(outcome), String(outcome)).toBe(true);
  });
});
