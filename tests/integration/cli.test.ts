import { spawnSync } from "node:child_process";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase, usingPostgres } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { ROOT } from "../helpers/paths";
import { startTestServer, type TestServer } from "../helpers/server";

function userCreate(env: Record<string, string>, args: string[], stdin = "") {
  return spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["app/cli/user-create.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
    input: stdin,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe(`npm run user:create (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer | undefined;
  beforeAll(async () => {
    database = await prepareServerDatabase();
  });
  afterAll(async () => {
    await server?.stop();
    await database.dispose();
  });

  it("creates an admin with the password from standard input", () => {
    const result = userCreate(
      database.env,
      ["--email", "Admin@Example.org", "--role", "admin", "--name", "Kim Ji-won", "--locale", "ko", "--password-stdin"],
      "a long enough passphrase\n",
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Created admin admin@example.org.");
  });

  it("refuses bad arguments with a readable list and creates nothing", () => {
    const result = userCreate(database.env, ["--email", "nope", "--role", "boss", "--password-stdin"], "short\n");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("--email is not a valid email address");
    expect(result.stderr).toContain("--role must be admin, staff, visa_officer or viewer");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a short password and an existing email", () => {
    const short = userCreate(database.env, ["--email", "x@example.org", "--password-stdin"], "short\n");
    expect(short.status).toBe(1);
    expect(short.stderr).toContain("password must have at least 12 characters");
    const again = userCreate(database.env, ["--email", "admin@example.org", "--role", "staff", "--password-stdin"], "another long passphrase\n");
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already exists");
  });

  it("the account signs in on the server, which prints no setup link since an admin exists", async () => {
    server = await startTestServer({}, database);
    expect(server.setupLink()).toBeUndefined();
    const client = new TestClient(server.url);
    const response = await client.signIn("admin@example.org", "a long enough passphrase");
    expect(locationOf(response)).toBe("/");
    const page = await client.get("/settings");
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html lang="ko"/);
  });

  it.skipIf(usingPostgres)("refuses to open the embedded database while the server runs on it", () => {
    const result = userCreate(database.env, ["--email", "late@example.org", "--password-stdin"], "a long enough passphrase\n");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("is in use by another Plenary process");
  });
});
