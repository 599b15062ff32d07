import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPgliteDb, createPostgresDb, openPglite } from "~/db.server";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { createUser, TEST_PASSWORD } from "../helpers/users";

/**
 * Sign-in throttling through the real server. TRUST_PROXY=1, so each X-Forwarded-For address is a client of
 * its own, as behind a reverse proxy.
 */
describe(`sign-in cannot be used to lock staff out (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  /** every failed attempt this file makes: wrong passwords and attempts refused while throttled */
  let failedAttempts = 0;

  const clientAt = (ip: string) => {
    const client = new TestClient(server.url);
    return async (email: string, password: string) => {
      const response = await client.post("/login", { email, password }, { "x-forwarded-for": ip });
      if (response.status !== 302) failedAttempts++;
      return response;
    };
  };

  beforeAll(async () => {
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    // a process: the last test stops it with a signal and reads what its shutdown wrote
    server = await startTestServer({ TRUST_PROXY: "1" }, database, { mode: "process" });
  });
  afterAll(() => server?.dispose());

  it("a stranger's wrong passwords for the administrator's address do not keep the administrator out", async () => {
    const stranger = clientAt("203.0.113.5");
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await stranger("admin@example.org", `a wrong guess ${i}`)).status);
    expect(statuses[0]).toBe(400);

    // the stranger must wait longer after each wrong password, so its fast retries are refused, even the right one
    // (asked at once: the wait is a few seconds, and the administrator's sign-in below may take a while on a busy machine)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const refused = await stranger("admin@example.org", TEST_PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toMatch(/Too many unsuccessful attempts from this device\. Please try again in \d+ (seconds?|minutes?)\./);

    const admin = clientAt("198.51.100.7");
    const signedIn = await admin("admin@example.org", TEST_PASSWORD);
    expect(signedIn.status).toBe(302);
    expect(locationOf(signedIn)).toBe("/");
  });

  it("after 30 failed attempts from one client across addresses, only that client gets 429", async () => {
    const scanner = clientAt("192.0.2.66");
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await scanner(`nobody${i}@example.org`, "password")).status);
    expect(statuses.filter((s) => s !== 400)).toEqual([]);
    const stopped = await scanner("admin@example.org", TEST_PASSWORD);
    expect(stopped.status).toBe(429);
    expect(Number(stopped.headers.get("retry-after"))).toBeGreaterThan(800);

    const colleague = clientAt("198.51.100.8");
    expect((await colleague("nobody0@example.org", "password")).status).toBe(400);
    expect((await colleague("admin@example.org", TEST_PASSWORD)).status).toBe(302);
  });

  it("every failed attempt is counted in the audit log, also those refused while throttled", async () => {
    // A clean stop writes the refused attempts that were still being counted.
    expect(await server.stop()).toBe(0);
    const env = database.env;
    const db = env.DATABASE_URL ? createPostgresDb(env.DATABASE_URL, 2) : createPgliteDb(await openPglite(path.join(env.DATA_DIR, "pgdata")));
    try {
      const rows = await db
        .selectFrom("audit_log")
        .select(["action", "actor_label", "ip", "details"])
        .where("action", "in", ["auth.sign_in_failed", "auth.sign_in_throttled"])
        .orderBy("id")
        .execute();
      const counted = rows.reduce((sum, row) => sum + Number((row.details as { count?: number }).count), 0);
      expect(counted).toBe(failedAttempts);
      const throttled = rows.filter((row) => row.action === "auth.sign_in_throttled");
      expect(throttled.length).toBeGreaterThan(0);
      expect(rows.filter((row) => row.ip === "203.0.113.5").every((row) => row.actor_label === "admin@example.org")).toBe(true);
    } finally {
      await db.destroy();
    }
    await server.restart();
  });
});
