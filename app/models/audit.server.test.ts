import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";
import { auditFilterFromQuery, listAudit, writeAudit } from "~/models/audit.server";

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

describe(`audit log pages and filters (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    // 250 rows written in ONE transaction share the same `at`: pages must still neither repeat nor skip a row
    await t.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 250; i++) {
        await writeAudit(trx, {
          actor: { label: i % 2 ? "ana@example.org" : "bo@example.org" },
          action: i % 3 ? "staff.role_changed" : "auth.sign_in",
          objectType: i % 5 ? "staff_user" : "event",
          objectId: `o${i}`,
        });
      }
    });
    await writeAudit(t.db, { actor: { label: "100%_sure@example.org" }, action: "staff.disabled" });
  });
  afterAll(() => t.close());

  it("pages newest first by (at, id) without repeating or skipping rows", async () => {
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await listAudit(t.db, { limit: 100, before });
      seen.push(...page.map((row) => row.id));
      if (page.length < 100) break;
      before = page[page.length - 1].id;
    }
    expect(seen).toHaveLength(251);
    expect(new Set(seen).size).toBe(251);
    const all = await listAudit(t.db, { limit: 1000 });
    expect(seen).toEqual(all.map((row) => row.id));
    expect(all[0].action).toBe("staff.disabled");
  });

  it("filters by actor (LIKE characters taken literally), action or action group, object and time", async () => {
    expect(await listAudit(t.db, { actor: "ANA@", limit: 1000 })).toHaveLength(125);
    expect((await listAudit(t.db, { actor: "100%_", limit: 1000 })).map((r) => r.actorLabel)).toEqual(["100%_sure@example.org"]);
    expect(await listAudit(t.db, { actor: "0%", limit: 1000 })).toHaveLength(1);
    expect(await listAudit(t.db, { action: "auth.sign_in", limit: 1000 })).toHaveLength(84);
    expect(await listAudit(t.db, { action: "staff.", limit: 1000 })).toHaveLength(167);
    expect(await listAudit(t.db, { action: "staff", limit: 1000 })).toHaveLength(0);
    expect(await listAudit(t.db, { objectType: "event", objectId: "o10", limit: 1000 })).toHaveLength(1);
    const now = Date.now();
    expect(await listAudit(t.db, { from: new Date(now - 3600_000), to: new Date(now + 3600_000), limit: 1000 })).toHaveLength(251);
    expect(await listAudit(t.db, { from: new Date(now + 3600_000), limit: 1000 })).toHaveLength(0);
  });

  it("reads filters from a query string, with whole days in the reader's time zone", () => {
    const { filter, zone, before } = auditFilterFromQuery(
      new URLSearchParams({ actor: "  ana ", action: "staff.", from: "2027-03-01", to: "2027-03-01", tz: "Asia/Seoul", before: "42" }),
    );
    expect(zone).toBe("Asia/Seoul");
    expect(before).toBe("42");
    expect(filter).toMatchObject({ actor: "ana", action: "staff." });
    expect(filter.from?.toISOString()).toBe("2027-02-28T15:00:00.000Z");
    expect(filter.to?.toISOString()).toBe("2027-03-01T15:00:00.000Z");
    const odd = auditFilterFromQuery(new URLSearchParams({ action: "'; drop", from: "2027-02-30", tz: "Mars/Olympus", before: "1 or 1=1" }));
    expect(odd).toEqual({ zone: "UTC", before: undefined, filter: { actor: undefined, action: undefined, objectType: undefined, objectId: undefined, from: undefined, to: undefined } });
  });
});
