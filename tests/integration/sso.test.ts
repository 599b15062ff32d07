import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { oidcEnv, startOidcProvider, type TestProvider } from "../helpers/oidc-provider";
import { freePort, startTestServer, type TestServer } from "../helpers/server";
import { createUser, TEST_PASSWORD } from "../helpers/users";

/**
 * Single sign-on (issue 19 item 4) against a real OpenID Connect provider (oidc-provider) on loopback: the whole
 * redirect dance by following Location headers, as a browser would, on the real server.
 */
describe(`single sign-on with OpenID Connect (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let provider: TestProvider;

  beforeAll(async () => {
    database = await prepareServerDatabase();
    createUser(database.env, "admin@near.example.org", "admin");
    createUser(database.env, "alice@near.example.org", "staff");
    createUser(database.env, "dora@near.example.org", "viewer");
    const providerPort = await freePort();
    server = await startTestServer(oidcEnv(`http://127.0.0.1:${providerPort}`), database);
    provider = await startOidcProvider({ port: providerPort, redirectUris: [`${server.url}/auth/oidc/callback`] });
    provider.accounts.set("admin", { email: "admin@near.example.org", name: "Secretary General" });
    // the provider spells the address differently: matched case-insensitively
    provider.accounts.set("alice", { email: "Alice@NEAR.example.org", name: "Alice Kim" });
    provider.accounts.set("dora", { email: "dora@near.example.org" });
    provider.accounts.set("mallory", { email: "alice@near.example.org", email_verified: false });
    provider.accounts.set("nobody", { email: null });
    provider.accounts.set("newcomer", { email: "newcomer@near.example.org", name: "New Comer" });
    provider.accounts.set("outsider", { email: "outsider@gmail.example", name: "Out Sider" });
  });
  afterAll(async () => {
    await server?.dispose();
    await provider?.close();
  });

  /** Follows the provider's redirects, signs in on its page as `login`, and returns the callback URL it sends the browser to. */
  async function throughProvider(authorizationUrl: string, login: string): Promise<URL> {
    const jar = new Map<string, string>();
    let url = new URL(authorizationUrl);
    let body: URLSearchParams | undefined;
    for (let hop = 0; hop < 12; hop++) {
      const response = await fetch(url, {
        method: body ? "POST" : "GET",
        body,
        redirect: "manual",
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(";");
        const index = pair.indexOf("=");
        jar.set(pair.slice(0, index), pair.slice(index + 1));
      }
      body = undefined;
      if (response.status >= 300 && response.status < 400) {
        url = new URL(response.headers.get("location")!, url);
        if (url.origin === server.url) return url;
        continue;
      }
      const html = await response.text();
      expect(response.status, html).toBe(200);
      // the provider's own sign-in page: <form action="/interaction/…" method="post"> with login and password
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      expect(action, html).toBeTruthy();
      url = new URL(action!.replace(/&amp;/g, "&"), url);
      body = new URLSearchParams({ prompt: "login", login, password: "anything" });
    }
    throw new Error("the provider never sent the browser back");
  }

  /** "Sign in with …" in a browser that has `client`'s cookies: start, the provider, then the callback's response. */
  async function signInWithSso(client: TestClient, login: string, { redirectTo, tamper }: { redirectTo?: string; tamper?: (url: URL) => void } = {}) {
    const start = await client.get(`/auth/oidc/start${redirectTo ? `?${new URLSearchParams({ redirectTo })}` : ""}`);
    expect(start.status).toBe(302);
    const authorization = new URL(locationOf(start));
    expect(authorization.origin).toBe(provider.issuer);
    // authorization code flow with PKCE (S256), state and nonce
    expect(authorization.searchParams.get("response_type")).toBe("code");
    expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorization.searchParams.get("state")).toBeTruthy();
    expect(authorization.searchParams.get("nonce")).toBeTruthy();
    const callback = await throughProvider(authorization.href, login);
    expect(callback.pathname).toBe("/auth/oidc/callback");
    expect(callback.searchParams.get("code")).toBeTruthy();
    tamper?.(callback);
    const response = await client.get(`${callback.pathname}${callback.search}`);
    return { response, callback };
  }

  const auditRows = (action: string) =>
    server.db!.selectFrom("audit_log").select(["actor_label", "details"]).where("action", "=", action).orderBy("id").execute();

  it("the sign-in page offers the provider next to the password form", async () => {
    const page = await new TestClient(server.url).get("/login");
    const html = await page.text();
    expect(html).toContain("Sign in with NEAR Login");
    expect(html).toContain('href="/auth/oidc/start"');
    expect(html).toContain('name="password"');
  });

  it("a staff member signs in at the provider and lands signed in (address matched case-insensitively), audited", async () => {
    const browser = new TestClient(server.url);
    const { response } = await signInWithSso(browser, "alice");
    expect(response.status).toBe(302);
    expect(locationOf(response)).toBe("/");
    // the flow's cookie is spent, the session cookie is set
    expect(browser.cookies.has("plenary_oidc")).toBe(false);
    expect(browser.cookies.has("plenary_session")).toBe(true);
    const dashboard = await browser.get("/");
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("Dashboard");

    const rows = await auditRows("auth.sign_in_sso");
    expect(rows.map((row) => row.actor_label)).toContain("alice@near.example.org");
    expect(rows.at(-1)!.details).toMatchObject({ issuer: provider.issuer, subject: "alice" });
  });

  it("the administrator's two-factor policy holds for single sign-on: the provider's sign-in leads to the second step, not a session", async () => {
    await server.db!.updateTable("security_policy").set({ second_factor: "all" }).execute();
    try {
      const browser = new TestClient(server.url);
      const { response } = await signInWithSso(browser, "alice");
      expect(response.status).toBe(302);
      // alice has no factor yet: she enrols one before any session exists
      expect(locationOf(response)).toBe("/sign-in/enrol");
      expect(browser.cookies.has("plenary_session")).toBe(false);
      expect(browser.cookies.has("plenary_oidc")).toBe(false);
      expect((await browser.get("/")).status).toBe(302);
      const enrol = await browser.get("/sign-in/enrol");
      expect(enrol.status).toBe(200);
    } finally {
      await server.db!.updateTable("security_policy").set({ second_factor: "none" }).execute();
    }
  });

  it("comes back to the page that asked for sign-in", async () => {
    const browser = new TestClient(server.url);
    const { response } = await signInWithSso(browser, "alice", { redirectTo: "/events" });
    expect(response.status).toBe(302);
    expect(locationOf(response)).toBe("/events");
    expect((await browser.get("/events")).status).toBe(200);
  });

  it("a callback whose state is not this browser's is refused, and so is a callback used twice", async () => {
    const browser = new TestClient(server.url);
    const { response } = await signInWithSso(browser, "alice", { tamper: (url) => url.searchParams.set("state", "forged-state") });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("This answer does not belong to the sign-in started in this browser.");
    expect(browser.cookies.has("plenary_session")).toBe(false);
    // the flow is spent: its cookie goes, and the page is not kept by any cache
    expect(browser.cookies.has("plenary_oidc")).toBe(false);
    expect(response.headers.get("cache-control")).toBe("no-store");

    // a callback replayed after its flow was spent (the cookie is gone)
    const again = new TestClient(server.url);
    const first = await signInWithSso(again, "alice");
    expect(first.response.status).toBe(302);
    const replay = new TestClient(server.url);
    const replayed = await replay.get(`${first.callback.pathname}${first.callback.search}`);
    expect(replayed.status).toBe(400);
    expect(replay.cookies.has("plenary_session")).toBe(false);

    // a callback with no code at all, or a forged one
    const forged = new TestClient(server.url);
    const forgedStart = await forged.get("/auth/oidc/start");
    const state = new URL(locationOf(forgedStart)).searchParams.get("state")!;
    const forgedCode = await forged.get(`/auth/oidc/callback?${new URLSearchParams({ code: "not-a-real-code", state, iss: provider.issuer })}`);
    expect(forgedCode.status).toBe(502);
    expect(forged.cookies.has("plenary_session")).toBe(false);
  });

  it("an address the provider has not verified is refused, even when it belongs to a staff account", async () => {
    const browser = new TestClient(server.url);
    const { response } = await signInWithSso(browser, "mallory");
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("did not confirm your email address");
    expect(browser.cookies.has("plenary_session")).toBe(false);

    const noAddress = await signInWithSso(new TestClient(server.url), "nobody");
    expect(noAddress.response.status).toBe(403);

    const refused = await auditRows("auth.sso_refused");
    expect(refused.some((row) => row.actor_label === "alice@near.example.org" && (row.details as { reason: string }).reason === "unverified")).toBe(true);
  });

  it("an unknown address is refused with a clear message while accounts are not created automatically", async () => {
    const browser = new TestClient(server.url);
    const { response } = await signInWithSso(browser, "newcomer");
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("No staff account uses the address newcomer@near.example.org.");
    const account = await server.db!.selectFrom("staff_user").select("id").where("email", "=", "newcomer@near.example.org").executeTakeFirst();
    expect(account).toBeUndefined();
  });

  it("with automatic accounts on, an unknown address of an allowed domain gets an account with the chosen role; other domains stay out", async () => {
    await server
      .db!.updateTable("sign_in_settings")
      .set({ sso_provisioning: true, sso_role: "staff", sso_domains: sql<string[]>`array['near.example.org']` })
      .where("id", "=", 1)
      .execute();
    try {
      const browser = new TestClient(server.url);
      const { response } = await signInWithSso(browser, "newcomer");
      expect(response.status).toBe(302);
      expect((await browser.get("/")).status).toBe(200);
      const account = await server
        .db!.selectFrom("staff_user")
        .select(["role", "display_name", "password_hash"])
        .where("email", "=", "newcomer@near.example.org")
        .executeTakeFirstOrThrow();
      expect(account).toEqual({ role: "staff", display_name: "New Comer", password_hash: null });
      expect((await auditRows("staff.created_by_sso")).map((row) => row.actor_label)).toEqual(["newcomer@near.example.org"]);

      // a second sign-in uses the same account
      expect((await signInWithSso(new TestClient(server.url), "newcomer")).response.status).toBe(302);
      const count = await server
        .db!.selectFrom("staff_user")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("email", "=", "newcomer@near.example.org")
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);

      const outsider = await signInWithSso(new TestClient(server.url), "outsider");
      expect(outsider.response.status).toBe(403);
      expect(await outsider.response.text()).toContain("No staff account uses the address outsider@gmail.example.");
    } finally {
      await server.db!.updateTable("sign_in_settings").set({ sso_provisioning: false }).where("id", "=", 1).execute();
    }
  });

  it("a disabled staff account stays refused", async () => {
    await server.db!.updateTable("staff_user").set({ disabled_at: new Date() }).where("email", "=", "dora@near.example.org").execute();
    const browser = new TestClient(server.url);
    const { response } = await signInWithSso(browser, "dora");
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("The staff account for dora@near.example.org is disabled.");
    expect(browser.cookies.has("plenary_session")).toBe(false);
  });

  it("password sign-in goes off only after the administrator used single sign-on; then the form is gone and passwords are refused", async () => {
    const admin = new TestClient(server.url);
    expect((await admin.signIn("admin@near.example.org", TEST_PASSWORD)).status).toBe(302);
    const settingsPage = await admin.get("/settings/sign-in");
    expect(settingsPage.status).toBe(200);
    expect(await settingsPage.text()).toContain(`${server.url}/auth/oidc/callback`);

    const form = { version: "1", ssoRole: "viewer", ssoDomains: "" };
    // automatic accounts need the domains they apply to, and every domain must be one
    const noDomains = await admin.post("/settings/sign-in", { ...form, passwordSignIn: "on", ssoProvisioning: "on" });
    expect(noDomains.status).toBe(400);
    expect(await noDomains.text()).toContain("Name at least one email domain for which accounts may be created.");
    const badDomain = await admin.post("/settings/sign-in", {
      ...form,
      passwordSignIn: "on",
      ssoProvisioning: "on",
      ssoDomains: "near.example.org, not a domain",
    });
    expect(badDomain.status).toBe(400);

    const tooEarly = await admin.post("/settings/sign-in", form);
    expect(tooEarly.status).toBe(409);
    expect(await tooEarly.text()).toContain("Sign in with single sign-on yourself first");

    const viaSso = await signInWithSso(admin, "admin");
    expect(viaSso.response.status).toBe(302);
    const saved = await admin.post("/settings/sign-in", form);
    expect(saved.status).toBe(302);
    expect(locationOf(saved)).toBe("/settings/sign-in?saved=1");
    expect((await auditRows("settings.sign_in_updated")).at(-1)!.details).toMatchObject({ passwordSignIn: false });

    try {
      const visitor = new TestClient(server.url);
      const page = await (await visitor.get("/login")).text();
      expect(page).toContain("Sign in with NEAR Login");
      expect(page).not.toContain('name="password"');
      const refused = await visitor.signIn("alice@near.example.org", TEST_PASSWORD);
      expect(refused.status).toBe(403);
      expect(visitor.cookies.has("plenary_session")).toBe(false);
      // single sign-on still works
      expect((await signInWithSso(new TestClient(server.url), "alice")).response.status).toBe(302);
    } finally {
      await server.db!.updateTable("sign_in_settings").set({ password_sign_in: true }).where("id", "=", 1).execute();
    }
    expect((await new TestClient(server.url).signIn("alice@near.example.org", TEST_PASSWORD)).status).toBe(302);
  });
});

describe(`PASSWORD_SIGN_IN=always brings the password form back (${databaseLabel})`, () => {
  let server: TestServer;

  beforeAll(async () => {
    const database = await prepareServerDatabase();
    createUser(database.env, "admin@near.example.org", "admin");
    // the provider is down, or gone: the operator's way back in must not need it
    server = await startTestServer({ ...oidcEnv(`http://127.0.0.1:${await freePort()}`), PASSWORD_SIGN_IN: "always" }, database);
    await server.db!.updateTable("sign_in_settings").set({ password_sign_in: false }).where("id", "=", 1).execute();
  });
  afterAll(() => server?.dispose());

  it("offers and accepts passwords although an administrator switched them off", async () => {
    const browser = new TestClient(server.url);
    const page = await (await browser.get("/login")).text();
    expect(page).toContain('name="password"');
    expect(page).toContain("Sign in with NEAR Login");
    const signedIn = await browser.signIn("admin@near.example.org", TEST_PASSWORD);
    expect(signedIn.status).toBe(302);
    const settings = await browser.get("/settings/sign-in");
    expect(await settings.text()).toContain("PASSWORD_SIGN_IN=always is set on the server");
  });

  it("a provider that cannot be reached gets a page that says so, not an error", async () => {
    const start = await new TestClient(server.url).get("/auth/oidc/start");
    expect(start.status).toBe(502);
    expect(await start.text()).toContain("The sign-in service could not be reached.");
  });
});
