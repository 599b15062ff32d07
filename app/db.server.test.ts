import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseLabel, type TestDb } from "../tests/helpers/db";
import { listAudit, writeAudit } from "~/models/audit.server";

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
    await writeAudit(t.db, { actor: { label: "outside" }, action: "test.outside" });
    expect(await rolledBack).toBe("roll back");
    const actions = (await listAudit(t.db)).map((row) => row.action);
    expect(actions).toContain("test.outside");
    expect(actions).not.toContain("test.inside");
  });

  it("concurrent transactions and queries all complete", async () => {
    const work = Array.from({ length: 10 }, (_, i) =>
      i % 2
        ? t.db.transaction().execute(async (trx) => writeAudit(trx, { actor: { label: `tx${i}` }, action: "test.concurrent" }))
        : writeAudit(t.db, { actor: { label: `q${i}` }, action: "test.concurrent" }),
    );
    await Promise.all(work);
    expect((await listAudit(t.db)).filter((row) => row.action === "test.concurrent")).toHaveLength(10);
  });
});
