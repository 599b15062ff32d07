import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";
import { listAudit, writeAudit } from "~/models/audit.server";

describe(`audit log (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());

  it("appends entries with actor, action, object and details", async () => {
    await writeAudit(t.db, { actor: { label: "someone@example.org" }, action: "auth.sign_in_failed", ip: "10.0.0.1" });
    await writeAudit(t.db, { actor: { label: "command line" }, action: "staff.created", objectType: "staff_user", objectId: "u1", details: { role: "admin" } });
    const [latest, first] = await listAudit(t.db);
    expect(latest).toMatchObject({ action: "staff.created", actorLabel: "command line", objectId: "u1", details: { role: "admin" } });
    expect(first).toMatchObject({ action: "auth.sign_in_failed", ip: "10.0.0.1" });
  });

  it.each([
    ["UPDATE", sql`update audit_log set action = 'tampered'`],
    ["DELETE", sql`delete from audit_log`],
    ["TRUNCATE", sql`truncate audit_log`],
  ])("refuses %s", async (_label, statement) => {
    await expect(statement.execute(t.db)).rejects.toThrow(/append-only/);
    const rows = await listAudit(t.db);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.action !== "tampered")).toBe(true);
  });
});
