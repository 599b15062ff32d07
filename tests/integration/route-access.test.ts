import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseLabel } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { ROOT } from "../helpers/paths";
import { startTestServer, type TestServer } from "../helpers/server";

/** Routes anyone may reach. Everything else is staff-only and must call requireUser in each loader and action. */
const PUBLIC_ROUTES = new Set(["$", "account.password.$token", "healthz", "locales.$lng.$ns", "login", "logo", "logout", "r.$token", "set-language", "setup.$token"]);

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

const staffRoutes = routeFiles.filter((r) => !PUBLIC_ROUTES.has(r.id));

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
    if ("loader" in exports) {
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
