import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { adminQuery, databaseLabel, usingPostgres } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

function nonceOf(response: Response) {
  return response.headers.get("content-security-policy")?.match(/'nonce-([^']+)'/)?.[1];
}

describe(`security headers, CSRF and error pages (${databaseLabel})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    // a process: the last test sends it SIGTERM
    server = await startTestServer({}, undefined, { mode: "process" });
  });
  afterAll(() => server.dispose());

  it("sends CSP with a fresh nonce, nosniff, a referrer policy and no framing on every HTML response", async () => {
    const client = new TestClient(server.url);
    const [a, b] = [await client.get("/login"), await client.get("/login")];
    for (const response of [a, b]) {
      const csp = response.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]{22,}' 'strict-dynamic'/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    const html = await a.text();
    const scriptNonces = [...html.matchAll(/<script[^>]*\snonce="([^"]+)"/g)].map((m) => m[1]);
    expect(scriptNonces.length).toBeGreaterThan(0);
    expect(new Set(scriptNonces)).toEqual(new Set([nonceOf(a)]));
    expect(html).not.toMatch(/<script(?![^>]*\snonce=)[^>]*>/);
  });

  it("refuses a cross-origin POST with a page in the user's language, and changes nothing", async () => {
    const attacker = new TestClient(server.url, "http://evil.example");
    const response = await attacker.post("/set-language", { lng: "ru", redirectTo: "/" }, { "accept-language": "ko" });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
    const html = await response.text();
    expect(html).toContain('lang="ko"');
    expect(html).toContain("허용되지 않은 요청입니다");
    expect((await attacker.post("/login", { email: "a@example.org", password: "x" })).status).toBe(403);
  });

  it("refuses a POST that carries neither Origin nor Sec-Fetch-Site, and accepts Sec-Fetch-Site: same-origin", async () => {
    const bare = new TestClient(server.url, null);
    expect((await bare.post("/set-language", { lng: "ja" })).status).toBe(403);
    const sameOrigin = await bare.post("/set-language", { lng: "ja", redirectTo: "/login" }, { "sec-fetch-site": "same-origin" });
    expect(sameOrigin.status).toBe(302);
  });

  it("switches language by POST and refuses an unknown language code with a clear page", async () => {
    const client = new TestClient(server.url);
    const ok = await client.post("/set-language", { lng: "mn", redirectTo: "/login" });
    expect(ok.status).toBe(302);
    expect(locationOf(ok)).toBe("/login");
    const page = await client.get("/login");
    expect(await page.text()).toMatch(/<html lang="mn"/);

    const bad = await client.post("/set-language", { lng: "xx", redirectTo: "/login" });
    expect(bad.status).toBe(400);
    expect(bad.headers.getSetCookie()).toEqual([]);
    expect(await bad.text()).toContain("Энэ хэл боломжгүй");
    expect(await (await client.get("/login")).text()).toMatch(/<html lang="mn"/);
  });

  it("never redirects to another site after switching language", async () => {
    const client = new TestClient(server.url);
    for (const target of ["https://evil.example/", "//evil.example", "/\\evil.example"]) {
      const response = await client.post("/set-language", { lng: "en", redirectTo: target });
      expect(locationOf(response)).toBe("/");
    }
  });

  it("refuses a request body over 8 MB before reading it, closes that connection, and keeps serving", async () => {
    const response = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { origin: server.url, "accept-language": "ja", "content-type": "application/x-www-form-urlencoded" },
      body: "email=x&password=" + "x".repeat(9 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(await response.text()).toContain("データが大きすぎます");
    const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(health.status).toBe(200);
  });

  it("answers unknown pages with a translated 404", async () => {
    const response = await new TestClient(server.url).get("/no/such/page", { "accept-language": "ru-RU,ru;q=0.9" });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toMatch(/<html lang="ru"/);
    expect(html).toContain("Страница не найдена");
  });

  it("reports health as JSON", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", db: "ok" });
  });

  it.skipIf(!usingPostgres)("answers 503 while PostgreSQL refuses connections, and 200 again when it is back", async () => {
    const name = server.databaseName!;
    await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    try {
      const down = await fetch(`${server.url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: "error", db: "unavailable" });
    } finally {
      await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    }
    const up = await fetch(`${server.url}/healthz`);
    expect(up.status).toBe(200);
  });

  it("stops cleanly on SIGTERM", async () => {
    const code = await server.stop("SIGTERM");
    expect(code).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  });
});
