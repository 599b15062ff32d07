import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { createUser, TEST_PASSWORD } from "../helpers/users";

const PUBLIC_ORIGIN = "https://plenary.example";
const TRUST_PROXY_WARNING = "X-Forwarded-For while TRUST_PROXY is false";

async function waitFor(check: () => boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves with the status, or with the error code when nothing listens there. */
const statusAt = (url: string) =>
  fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
    (response) => response.status,
    (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
  );

/**
 * Plenary behind a reverse proxy that passes its own upstream address as Host (nginx's default
 * `proxy_set_header Host $proxy_host`): the browser's Origin is APP_URL, the Host header is 127.0.0.1:<port>.
 */
describe(`behind a reverse proxy that rewrites Host (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let browser: TestClient;

  beforeAll(async () => {
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    server = await startTestServer({ APP_URL: PUBLIC_ORIGIN }, database);
    browser = new TestClient(server.url, PUBLIC_ORIGIN);
  });
  afterAll(() => server?.dispose());

  it("staff sign in and send forms when Origin is APP_URL, although Host is the proxy's upstream address", async () => {
    const signIn = await browser.signIn("admin@example.org", TEST_PASSWORD);
    expect(signIn.status).toBe(302);
    expect(locationOf(signIn)).toBe("/");
    const saved = await browser.post("/settings?index", { intent: "profile", displayName: "Secretary General", locale: "" });
    expect(saved.status).toBe(302);
    expect(locationOf(saved)).toBe("/settings?saved=profile");
    expect(await (await browser.get("/settings")).text()).toContain("Secretary General");
  });

  it("also when the proxy sends X-Forwarded-Host", async () => {
    const saved = await browser.post(
      "/settings?index",
      { intent: "profile", displayName: "Secretary-General", locale: "" },
      { "x-forwarded-host": "plenary.example" },
    );
    expect(saved.status).toBe(302);
    const upstream = await browser.post("/settings?index", { intent: "profile", displayName: "SG", locale: "" }, { "x-forwarded-host": "10.0.0.5:3000" });
    expect(upstream.status).toBe(302);
  });

  it("a foreign Origin gets the 403 page, never a 500, whatever X-Forwarded-Host says", async () => {
    const cookies = new Map(browser.cookies);
    for (const headers of [{}, { "x-forwarded-host": "plenary.example" }, { "x-forwarded-host": "evil.example" }] as Record<string, string>[]) {
      const attacker = new TestClient(server.url, "https://evil.example");
      attacker.cookies = new Map(cookies);
      const response = await attacker.post("/settings?index", { intent: "profile", displayName: "Mallory", locale: "" }, headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.text()).toContain("<h1>");
    }
    expect(await (await browser.get("/settings")).text()).not.toContain("Mallory");
  });

  it("a request whose Origin is its own Host is accepted even when X-Forwarded-Host differs (no 500)", async () => {
    const direct = new TestClient(server.url, server.url);
    direct.cookies = new Map(browser.cookies);
    const response = await direct.post(
      "/settings?index",
      { intent: "profile", displayName: "Direct", locale: "" },
      { "x-forwarded-host": "elsewhere.example" },
    );
    expect(response.status).toBe(302);
  });

  it("warns once that TRUST_PROXY is unset when requests carry X-Forwarded-For", async () => {
    expect(server.output()).not.toContain(TRUST_PROXY_WARNING);
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${server.url}/healthz`, { headers: { "x-forwarded-for": `203.0.113.${i + 1}` } })).status).toBe(200);
    }
    await waitFor(() => server.output().includes(TRUST_PROXY_WARNING), "the TRUST_PROXY warning");
    expect(server.output().split(TRUST_PROXY_WARNING).length - 1).toBe(1);
  });

  it("listens on every interface by default, as before", async () => {
    const port = new URL(server.url).port;
    expect(await statusAt(`http://127.0.0.1:${port}`)).toBe(200);
    expect(await statusAt(`http://127.0.0.2:${port}`)).toBe(200);
    expect(await statusAt(`http://[::1]:${port}`)).toBe(200);
  });
});

describe(`HOST and TRUST_PROXY set (${databaseLabel})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ HOST: "127.0.0.2", TRUST_PROXY: "1" });
  });
  afterAll(() => server?.dispose());

  it("HOST binds the web server to that address only", async () => {
    const port = new URL(server.url).port;
    expect(server.url).toBe(`http://127.0.0.2:${port}`);
    expect(await statusAt(`http://127.0.0.2:${port}`)).toBe(200);
    expect(await statusAt(`http://127.0.0.1:${port}`)).toBe("ECONNREFUSED");
    expect(await statusAt(`http://[::1]:${port}`)).toBe("ECONNREFUSED");
  });

  it("does not warn about X-Forwarded-For when TRUST_PROXY is set", async () => {
    expect((await fetch(`${server.url}/forwarded-probe`, { headers: { "x-forwarded-for": "203.0.113.9" } })).status).toBe(404);
    await waitFor(() => server.output().includes('"path":"/forwarded-probe"'), "the request's log line");
    expect(server.output()).not.toContain(TRUST_PROXY_WARNING);
  });
});
