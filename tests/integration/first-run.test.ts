import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const PASSWORD = "a long and memorable passphrase";

describe(`first run: setup link, first admin, sign-in, sign-out, restart (${databaseLabel})`, () => {
  let server: TestServer;
  let setupPath: string;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it("prints a one-time setup link on the console while no admin exists", () => {
    const link = server.setupLink();
    expect(link).toMatch(new RegExp(`^${server.url}/setup/[A-Za-z0-9_-]{43}$`));
    setupPath = new URL(link!).pathname;
  });

  it("shows the setup form, and refuses bad input in the user's language without creating anything", async () => {
    const client = new TestClient(server.url);
    const page = await client.get(setupPath, { "accept-language": "ko" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("첫 관리자 계정 생성");
    const bad = await client.post(
      setupPath,
      { displayName: "Kim", email: "not-an-email", password: "short", confirmPassword: "other" },
      { "accept-language": "ko" },
    );
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("올바른 이메일 주소를 입력하십시오");
    expect(html).toContain("비밀번호는 12자 이상이어야 합니다");
    expect(html).not.toContain("short");
  });

  it("creates the first admin, after which the link no longer works", async () => {
    const client = new TestClient(server.url);
    const created = await client.post(setupPath, {
      displayName: "Lim Byung-jin",
      email: "SG@Example.org",
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(created.status).toBe(302);
    expect(locationOf(created)).toBe("/login?created=1");
    const again = await client.get(setupPath);
    expect(await again.text()).toContain("This setup link is not valid");
    const reuse = await client.post(setupPath, { displayName: "X", email: "x@example.org", password: PASSWORD, confirmPassword: PASSWORD });
    expect(reuse.status).toBe(410);
  });

  it("refuses a wrong password with one generic message", async () => {
    const client = new TestClient(server.url);
    const wrongPassword = await client.signIn("sg@example.org", "not the password at all");
    const unknownUser = await client.signIn("nobody@example.org", "not the password at all");
    expect(wrongPassword.status).toBe(400);
    expect(unknownUser.status).toBe(400);
    const a = await wrongPassword.text();
    const b = await unknownUser.text();
    expect(a).toContain("The email or password is not correct.");
    expect(b).toContain("The email or password is not correct.");
    expect(client.cookies.size).toBe(0);
  });

  it("signs in with an httpOnly, SameSite=Lax cookie and a new session id at every sign-in", async () => {
    const client = new TestClient(server.url);
    const response = await client.signIn("sg@example.org", PASSWORD);
    expect(response.status).toBe(302);
    expect(locationOf(response)).toBe("/");
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("plenary_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i); // APP_URL is http here; https makes it Secure and __Host-
    const first = client.cookies.get("plenary_session")!;

    const dashboard = await client.get("/");
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("Welcome, Lim Byung-jin.");

    await client.signIn("sg@example.org", PASSWORD);
    const second = client.cookies.get("plenary_session")!;
    expect(second).not.toBe(first);
    const replay = new TestClient(server.url);
    replay.cookies.set("plenary_session", first);
    const old = await replay.get("/events");
    expect(old.status).toBe(302);
    expect(locationOf(old)).toBe("/login?redirectTo=%2Fevents&ended=1");
  });

  it("sign out ends the session on the server: the old cookie no longer works", async () => {
    const client = new TestClient(server.url);
    await client.signIn("sg@example.org", PASSWORD);
    const token = client.cookies.get("plenary_session")!;
    const out = await client.post("/logout", {});
    expect(out.status).toBe(302);
    expect(locationOf(out)).toBe("/login?signedOut=1");
    const replay = new TestClient(server.url);
    replay.cookies.set("plenary_session", token);
    const page = await replay.get("/");
    expect(page.status).toBe(302);
    expect(locationOf(page)).toContain("/login");
  });

  it("keeps the account across a restart and prints no new setup link", async () => {
    await server.restart();
    const afterRestart = server.output().split("Plenary is running at").at(-1)!;
    expect(afterRestart).not.toContain("/setup/");
    const client = new TestClient(server.url);
    expect((await client.signIn("sg@example.org", PASSWORD)).status).toBe(302);
    expect((await client.get("/settings")).status).toBe(200);
  });

  it("never writes passwords, session ids or the setup token into the logs", () => {
    const logLines = server
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"));
    expect(logLines.length).toBeGreaterThan(5);
    const logs = logLines.join("\n");
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(setupPath.split("/").at(-1));
    expect(logs).not.toMatch(/plenary_session=/);
    expect(logs).toContain('"path":"/setup/[token]"');
  });
});
