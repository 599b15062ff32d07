import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { hashToken } from "~/lib/tokens.server";
import { createStaffSession, deleteStaffSession, deleteUserSessions, getSessionUser } from "~/models/staff-session.server";
import { createStaffUser } from "~/models/staff-user.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

describe(`staff sessions (${databaseLabel})`, () => {
  let t: TestDb;
  let userId: string;
  beforeAll(async () => {
    t = await createTestDb();
    userId = (await createStaffUser(t.db, { email: "Ana@Example.org", displayName: "Ana", passwordHash: "x", role: "staff" })).id;
  });
  afterAll(() => t.close());

  const age = (token: string, column: "last_seen_at" | "expires_at", seconds: number) =>
    t.db
      .updateTable("staff_session")
      .set({ [column]: sql`now() + make_interval(secs => ${seconds})` })
      .where("id_hash", "=", hashToken(token))
      .execute();

  it("stores only the hash of the session id and finds the user by the raw id", async () => {
    const token = await createStaffSession(t.db, { userId, ip: "127.0.0.1", userAgent: "test" });
    const stored = await t.db.selectFrom("staff_session").select("id_hash").execute();
    expect(stored.map((r) => r.id_hash)).not.toContain(token);
    expect(await getSessionUser(t.db, { token })).toMatchObject({ id: userId, email: "ana@example.org", role: "staff" });
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(await getSessionUser(t.db, { token: tampered })).toBeUndefined();
  });

  it("ends after 8 hours without activity", async () => {
    const token = await createStaffSession(t.db, { userId });
    await age(token, "last_seen_at", -7.9 * 3600);
    expect(await getSessionUser(t.db, { token })).toBeDefined();
    await age(token, "last_seen_at", -8.1 * 3600);
    expect(await getSessionUser(t.db, { token })).toBeUndefined();
  });

  it("ends 12 hours after sign-in even when active", async () => {
    const token = await createStaffSession(t.db, { userId });
    await age(token, "expires_at", -1);
    expect(await getSessionUser(t.db, { token })).toBeUndefined();
  });

  it("refreshes last_seen_at at most once a minute", async () => {
    const token = await createStaffSession(t.db, { userId });
    const idle = async () =>
      Number(
        (
          await t.db
            .selectFrom("staff_session")
            .select(sql<number>`extract(epoch from now() - last_seen_at)`.as("idle"))
            .where("id_hash", "=", hashToken(token))
            .executeTakeFirstOrThrow()
        ).idle,
      );
    // seen 30 seconds ago: a request now does not write it again
    await age(token, "last_seen_at", -30);
    await getSessionUser(t.db, { token });
    expect(await idle()).toBeGreaterThanOrEqual(29);
    // seen an hour ago: the request refreshes it
    await age(token, "last_seen_at", -3600);
    await getSessionUser(t.db, { token });
    expect(await idle()).toBeLessThan(5);
  });

  it("sign out ends one session; ending a user's sessions ends them all", async () => {
    const a = await createStaffSession(t.db, { userId });
    const b = await createStaffSession(t.db, { userId });
    await deleteStaffSession(t.db, { token: a });
    expect(await getSessionUser(t.db, { token: a })).toBeUndefined();
    expect(await getSessionUser(t.db, { token: b })).toBeDefined();
    await deleteUserSessions(t.db, { userId });
    expect(await getSessionUser(t.db, { token: b })).toBeUndefined();
  });

  it("a disabled user's session no longer works", async () => {
    const other = await createStaffUser(t.db, { email: "bo@example.org", displayName: "Bo", passwordHash: "x", role: "viewer" });
    const token = await createStaffSession(t.db, { userId: other.id });
    await t.db
      .updateTable("staff_user")
      .set({ disabled_at: sql`now()` })
      .where("id", "=", other.id)
      .execute();
    expect(await getSessionUser(t.db, { token })).toBeUndefined();
  });
});
