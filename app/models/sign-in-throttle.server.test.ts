import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  checkSignIn,
  clearSignInFailures,
  CLIENT_CEILING,
  delayAfter,
  flushSignInThrottle,
  recordRefusedSignIn,
  recordSignInFailure,
} from "~/models/sign-in-throttle.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const at = (seconds: number) => new Date(Date.UTC(2027, 0, 1, 9, 0, 0) + seconds * 1000);

describe(`sign-in throttle (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t?.close());

  it("waits grow per pair after three wrong passwords; another client for the same address is never held up", async () => {
    const stranger = { address: "sg@near.example.org", client: "203.0.113.5" };
    for (let i = 0; i < 3; i++) await recordSignInFailure(t.db, { ...stranger, now: at(i) });
    expect(await checkSignIn(t.db, { ...stranger, now: at(2.5) })).toEqual({ allowed: false, retryAfterSeconds: 1, reason: "pair" });
    expect((await checkSignIn(t.db, { ...stranger, now: at(3.1) })).allowed).toBe(true);
    for (let i = 0; i < 5; i++) await recordSignInFailure(t.db, { ...stranger, now: at(10 + i * 100) });
    expect(delayAfter(8)).toBe(32);
    expect(await checkSignIn(t.db, { ...stranger, now: at(411) })).toEqual({ allowed: false, retryAfterSeconds: 31, reason: "pair" });
    expect(await checkSignIn(t.db, { address: stranger.address, client: "198.51.100.7", now: at(411) })).toEqual({ allowed: true });
    // the delay never exceeds 15 minutes, and a new 15-minute window starts counting afresh
    expect(delayAfter(40)).toBe(900);
    await recordSignInFailure(t.db, { ...stranger, now: at(5000) });
    expect((await checkSignIn(t.db, { ...stranger, now: at(5000.5) })).allowed).toBe(true);
  });

  it("one client's failures across addresses stop that client at the ceiling, for the rest of its window", async () => {
    const client = "192.0.2.66";
    for (let i = 0; i < CLIENT_CEILING; i++) await recordSignInFailure(t.db, { address: `nobody${i}@example.org`, client, now: at(i) });
    const verdict = await checkSignIn(t.db, { address: "sg@near.example.org", client, now: at(CLIENT_CEILING) });
    expect(verdict).toMatchObject({ allowed: false, reason: "client" });
    expect(verdict.allowed === false && verdict.retryAfterSeconds).toBe(900 - CLIENT_CEILING);
    expect((await checkSignIn(t.db, { address: "sg@near.example.org", client: "192.0.2.67", now: at(CLIENT_CEILING) })).allowed).toBe(true);
  });

  it("every failed attempt is counted in the audit log: wrong passwords one row each, refused ones in aggregate", async () => {
    const pair = { address: "viewer@near.example.org", client: "203.0.113.9" };
    const count = async () => {
      const rows = await t.db.selectFrom("audit_log").select(["action", "details"]).where("actor_label", "=", pair.address).execute();
      return rows.reduce((sum, row) => sum + Number((row.details as { count?: number }).count ?? 0), 0);
    };
    for (let i = 0; i < 4; i++) await recordSignInFailure(t.db, { ...pair, now: at(i) });
    for (let i = 0; i < 25; i++) await recordRefusedSignIn(t.db, { ...pair, now: at(4 + i * 0.1) });
    const rows = await t.db
      .selectFrom("audit_log")
      .select("action")
      .where("actor_label", "=", pair.address)
      .where("action", "=", "auth.sign_in_throttled")
      .execute();
    expect(rows.length).toBe(1); // aggregated: one row a minute at most
    expect(await count()).toBeLessThan(29);
    await flushSignInThrottle(t.db, { now: at(10), all: true });
    expect(await count()).toBe(29);
    await flushSignInThrottle(t.db, { now: at(20), all: true });
    expect(await count()).toBe(29);
  });

  it("a correct password clears the pair's wait", async () => {
    const pair = { address: "staff@near.example.org", client: "198.51.100.9" };
    for (let i = 0; i < 5; i++) await recordSignInFailure(t.db, { ...pair, now: at(i) });
    expect((await checkSignIn(t.db, { ...pair, now: at(5) })).allowed).toBe(false);
    await clearSignInFailures(t.db, pair);
    expect((await checkSignIn(t.db, { ...pair, now: at(5) })).allowed).toBe(true);
  });
});
