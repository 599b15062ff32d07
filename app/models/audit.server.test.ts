import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { SubcommitteeInput } from "~/lib/directory-schemas";
import { audited, auditFilterFromQuery, listAudit, recordAccess, writeAudit } from "~/models/audit.server";
import { DuplicateError } from "~/models/errors";
import { createSubcommittee, listSubcommittees } from "~/models/subcommittee.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

describe(`audit log (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());

  it("appends entries with actor, action, object and details", async () => {
    await recordAccess(t.db, { actor: { label: "someone@example.org" }, action: "auth.sign_in_failed", ip: "10.0.0.1" });
    await recordAccess(t.db, {
      actor: { label: "command line" },
      action: "staff.created",
      objectType: "staff_user",
      objectId: "u1",
      details: { role: "admin" },
    });
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
    await recordAccess(t.db, { actor: { label: "100%_sure@example.org" }, action: "staff.disabled" });
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
    expect(odd).toEqual({
      zone: "UTC",
      before: undefined,
      filter: { actor: undefined, action: undefined, objectType: undefined, objectId: undefined, from: undefined, to: undefined },
    });
  });
});

describe(`a change and its audit row commit together (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());

  const names = (en: string) => ({ en }) as SubcommitteeInput["names"];
  const subcommitteeNamed = async (en: string) => (await listSubcommittees(t.db)).filter((s) => s.names.en === en);

  it("both are there after the change, and the entry can use the change's result (a model that opens its own transaction joins this one)", async () => {
    const { id } = await audited(
      t.db,
      (trx) => createSubcommittee(trx, { names: names("Tourism"), memberIds: [], coordinatorIds: [] }),
      ({ id }) => ({ actor: { label: "ana@example.org" }, action: "directory.subcommittee_created", objectType: "subcommittee", objectId: id }),
    );
    expect(await subcommitteeNamed("Tourism")).toHaveLength(1);
    const rows = await listAudit(t.db, { action: "directory.subcommittee_created" });
    expect(rows.map((r) => r.objectId)).toEqual([id]);
  });

  it("when the audit row cannot be written, the change is rolled back too", async () => {
    // the audit row fails inside the database (as a full disk or a lost connection would), after the change ran
    const unwritable = { actor: { label: "ana@example.org" }, action: "directory.subcommittee_created", details: { x: "\u0000" } };
    await expect(audited(t.db, (trx) => createSubcommittee(trx, { names: names("Energy"), memberIds: [], coordinatorIds: [] }), unwritable)).rejects.toThrow();
    expect(await subcommitteeNamed("Energy")).toHaveLength(0);
  });

  it("when the change fails, no audit row claims it happened", async () => {
    await expect(
      audited(t.db, (trx) => createSubcommittee(trx, { names: names("Tourism"), memberIds: [], coordinatorIds: [] }), {
        actor: { label: "ana@example.org" },
        action: "directory.subcommittee_duplicated",
      }),
    ).rejects.toThrow(DuplicateError);
    expect(await listAudit(t.db, { action: "directory.subcommittee_duplicated" })).toHaveLength(0);
  });

  it("an entry of null records nothing and keeps the change", async () => {
    await audited(
      t.db,
      (trx) => createSubcommittee(trx, { names: names("Culture"), memberIds: [], coordinatorIds: [] }),
      () => null,
    );
    expect(await subcommitteeNamed("Culture")).toHaveLength(1);
  });
});
