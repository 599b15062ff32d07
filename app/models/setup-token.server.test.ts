import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { createFirstAdmin, isSetupTokenValid, issueSetupTokenIfNoAdmin, SetupTokenInvalidError } from "~/models/setup-token.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

describe(`first-run setup link (${databaseLabel})`, () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(() => t.close());

  const admin = (token: string, email = "admin@example.org") => createFirstAdmin(t.db, { token, email, displayName: "Admin", passwordHash: "h", locale: "ko" });

  it("issues a token while no admin exists; it stays valid until used, then every token is void", async () => {
    const first = (await issueSetupTokenIfNoAdmin(t.db))!;
    const second = (await issueSetupTokenIfNoAdmin(t.db))!;
    expect(await isSetupTokenValid(t.db, { token: first })).toBe(true);
    expect(await isSetupTokenValid(t.db, { token: second })).toBe(true);
    const user = await admin(second);
    expect(user).toMatchObject({ role: "admin", locale: "ko", email: "admin@example.org" });
    expect(await isSetupTokenValid(t.db, { token: first })).toBe(false);
    await expect(admin(first, "other@example.org")).rejects.toBeInstanceOf(SetupTokenInvalidError);
    expect(await issueSetupTokenIfNoAdmin(t.db)).toBeUndefined();
  });

  it("stores no usable token", async () => {
    const token = (await issueSetupTokenIfNoAdmin(t.db))!;
    const rows = await t.db.selectFrom("setup_token").select("token_hash").execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("two simultaneous submissions create exactly one admin", async () => {
    const a = (await issueSetupTokenIfNoAdmin(t.db))!;
    const b = (await issueSetupTokenIfNoAdmin(t.db))!;
    const results = await Promise.allSettled([admin(a, "a@example.org"), admin(b, "b@example.org"), admin(a, "c@example.org")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = await t.db.selectFrom("staff_user").select("email").where("role", "=", "admin").execute();
    expect(admins).toHaveLength(1);
  });

  it("refuses unknown and malformed tokens", async () => {
    await issueSetupTokenIfNoAdmin(t.db);
    expect(await isSetupTokenValid(t.db, { token: "x".repeat(43) })).toBe(false);
    expect(await isSetupTokenValid(t.db, { token: "../etc" })).toBe(false);
    await expect(admin("nope")).rejects.toBeInstanceOf(SetupTokenInvalidError);
  });
});
