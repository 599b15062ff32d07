import fs from "node:fs";
import http from "node:http";
import path from "node:path";

import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { ROOT } from "../helpers/paths";
import { startTestServer, type TestServer } from "../helpers/server";

/** Routes anyone may reach. Everything else is staff-only and must call requireUser in each loader and action. */
const PUBLIC_ROUTES = new Set([
  "$",
  "account.password.$token",
  // single sign-on: the start sends the browser to the provider, the callback signs in (issue 19 item 4)
  "auth.oidc.callback",
  "auth.oidc.start",
  // a delegate's e-badge, reached by its own unguessable link (issue 18 §5)
  "b.$token",
  "healthz",
  "locales.$lng.$ns",
  "login",
  "logo",
  "logout",
  "r.$token",
  "r.$token_.participants",
  "r.$token_.participants[.]pdf",
  "events.$eventId.participants",
  "events.$eventId.participants[.]pdf",
  "r.resend",
  "set-language",
  "setup.$token",
  "sign-in.enrol",
  "sign-in.passkey",
  "sign-in.verify",
]);

const ROUTES_DIR = path.join(ROOT, "app/routes");
const routeFiles = fs
  .readdirSync(ROUTES_DIR)
  .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
  .map((f) => ({ file: f, id: f.replace(/\.tsx?$/, "") }));

/** Flat-routes file name → a URL that reaches it (params get a dummy value). */
function urlFor(id: string) {
  // "calendar[.]ics" is one segment with a literal dot
  const segments = id
    .replace(/\[\.\]/g, "\u0000")
    .split(".")
    .map((s) => s.replace(/\u0000/g, "."))
    .filter((s) => !s.startsWith("_"))
    .map((s) => s.replace(/_$/, ""))
    .map((s) => s.replace(/\[(.*?)\]/g, "$1"))
    .map((s) => (s === "$" ? "any/thing" : s.startsWith("$") ? "00000000-0000-4000-8000-000000000000" : s));
  return `/${segments.join("/")}`;
}

/** Names of exported loader/action functions and whether each one's body calls requireUser(…). */
function guardedExports(file: string) {
  const text = fs.readFileSync(path.join(ROUTES_DIR, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Record<string, boolean> = {};
  source.forEachChild((node) => {
    const exported = ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) return;
    if (ts.isFunctionDeclaration(node) && node.name && ["loader", "action"].includes(node.name.text)) {
      found[node.name.text] = /\brequireUser\(/.test(node.body?.getText(source) ?? "");
    }
    if (ts.isVariableStatement(node)) {
      for (const decl of node.declarationList.declarations) {
        const name = decl.name.getText(source);
        if (["loader", "action"].includes(name)) found[name] = /\brequireUser\(/.test(decl.initializer?.getText(source) ?? "");
      }
    }
  });
  return found;
}

/** The JSON API (/api/v1/…) authenticates by bearer token, never by session: tests/integration/api.test.ts checks its routes. */
const isApiRoute = (id: string) => id.startsWith("api.");
const staffRoutes = routeFiles.filter((r) => !PUBLIC_ROUTES.has(r.id) && !isApiRoute(r.id));

describe("every staff route is guarded by requireUser", () => {
  it("knows the public routes that exist", () => {
    const ids = new Set(routeFiles.map((r) => r.id));
    expect([...PUBLIC_ROUTES].filter((id) => !ids.has(id))).toEqual([]);
    expect(staffRoutes.length).toBeGreaterThan(0);
  });

  it.each(staffRoutes.map((r) => [r.file]))("%s calls requireUser in each loader and action", (file) => {
    const exports = guardedExports(file);
    expect(Object.keys(exports).length, `${file} exports no loader or action`).toBeGreaterThan(0);
    for (const [name, guarded] of Object.entries(exports)) expect(guarded, `${file} → ${name}`).toBe(true);
  });
});

describe(`anonymous requests to staff routes go to sign-in (${databaseLabel})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it.each(staffRoutes.map((r) => [r.id, urlFor(r.id)]))("%s (%s)", async (id, url) => {
    const client = new TestClient(server.url);
    const exports = guardedExports(`${id}.tsx`);
    // also an action-only route: an anonymous GET is sent to sign in, never told about the route (400/405)
    {
      const get = await client.get(url);
      expect(get.status, `GET ${url}`).toBe(302);
      expect(locationOf(get)).toBe(`/login?redirectTo=${encodeURIComponent(url)}`);
    }
    if ("action" in exports) {
      const post = await client.post(url, { anything: "x" });
      expect(post.status, `POST ${url}`).toBe(302);
      expect(locationOf(post)).toContain("/login?redirectTo=");
    }
  });
});

describe(`pages are titled in the reader's language (${databaseLabel})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  const titleOf = async (url: string, lang: string) =>
    (await (await fetch(`${server.url}${url}`, { headers: { "accept-language": lang } })).text()).match(/<title>([^<]*)<\/title>/g);

  it("the sign-in page in Korean and Russian, and a missing page by what went wrong, each with exactly one title", async () => {
    expect(await titleOf("/login", "ko")).toEqual(["<title>로그인 · Plenary</title>"]);
    expect(await titleOf("/login", "ru")).toEqual(["<title>Вход · Plenary</title>"]);
    expect(await titleOf("/no-such-page", "ru")).toEqual(["<title>Страница не найдена · Plenary</title>"]);
  });
});

/**
 * POSTs a form whose body never ends: the request announces 1 MiB, sends a few bytes and waits. An action
 * that reads the body before it checks the session never answers; one that checks first answers at once.
 */
function postWithEndlessBody(base: string, url: string): Promise<{ status: number; location: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${url}`, {
      method: "POST",
      headers: { origin: base, "content-type": "application/x-www-form-urlencoded", "content-length": String(1024 * 1024) },
    });
    const deadline = setTimeout(() => {
      request.destroy();
      reject(new Error(`POST ${url} got no answer within 10 s: the action waits for the body before checking the session`));
    }, 10_000);
    request.on("response", (response) => {
      clearTimeout(deadline);
      resolve({ status: response.statusCode ?? 0, location: String(response.headers.location ?? "") });
      response.resume();
      request.destroy();
    });
    request.on("error", (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    request.write("intent=reveal&delegateId=00000000-0000-4000-8000-000000000000&");
  });
}

describe(`every staff action checks the session before it reads the body (${databaseLabel})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  const withAction = staffRoutes.filter((r) => "action" in guardedExports(r.file));
  it("finds the staff actions", () => expect(withAction.length).toBeGreaterThan(20));

  it.each(withAction.map((r) => [r.id, `${urlFor(r.id)}${r.id.endsWith("._index") ? "?index" : ""}`]))(
    "%s (POST %s) answers an anonymous request without waiting for its body",
    async (_id, url) => {
      const { status, location } = await postWithEndlessBody(server.url, url);
      expect([302, 401, 403], `POST ${url} → ${status}`).toContain(status);
      if (status === 302) expect(location).toMatch(/^\/login\?/);
    },
  );
});
