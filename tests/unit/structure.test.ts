import fs from "node:fs";
import path from "node:path";

import ts from "typescript";
import { describe, expect, it } from "vitest";

import { ROOT } from "../helpers/paths";

/**
 * The layout rules of docs/STYLE.md and ARCHITECTURE.md, as a test (issue 14):
 * - `app/lib` holds pure helpers: no value import of the database or of a model (types are fine);
 *   use cases that read or write go to `app/services`, queries to `app/models`;
 * - `app/components` imports no `.server` module at all (the browser build empties them: the Logistics crash).
 */
function files(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? files(path.join(dir, entry.name))
        : /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)
          ? [path.join(dir, entry.name)]
          : [],
    );
}

/** The modules a file imports values from (an `import type` or an import of types only does not count). */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) || !statement.moduleSpecifier) continue;
    const from = (statement.moduleSpecifier as ts.StringLiteral).text;
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const bindings = clause?.namedBindings;
      const typesOnly =
        clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      if (typesOnly) continue;
    } else if (statement.isTypeOnly) continue;
    found.push(from);
  }
  return found;
}

const DATABASE = /(^|\/)(db\.server|models\/[^/]+)$|^kysely$|^pg$|^@electric-sql\//;

describe("one home per kind of code (issue 14)", () => {
  it("app/lib touches no database: no value import of db.server, a model, kysely or a driver", () => {
    const offending = files("app/lib").flatMap((file) =>
      valueImports(file)
        .filter((from) => DATABASE.test(from))
        .map((from) => `${file} → ${from}`),
    );
    expect(offending).toEqual([]);
  });

  it("app/components imports no .server module", () => {
    const offending = files("app/components").flatMap((file) =>
      valueImports(file)
        .filter((from) => /\.server(\/|$)/.test(from))
        .map((from) => `${file} → ${from}`),
    );
    expect(offending).toEqual([]);
  });

  it("queries live in app/models: no query builder or raw SQL in routes, services, mail, lib or components", () => {
    const QUERY = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql`/;
    const offending = ["app/routes", "app/services", "app/mail", "app/lib", "app/components"]
      .flatMap((dir) => files(dir))
      .filter((file) => QUERY.test(fs.readFileSync(path.join(ROOT, file), "utf8")));
    expect(offending).toEqual([]);
    // and it does match a model
    expect(QUERY.test(fs.readFileSync(path.join(ROOT, "app/models/invitation.server.ts"), "utf8"))).toBe(true);
  });

  it("every staff page has its own error boundary, so an error keeps the staff menus around it", () => {
    const pages = files("app/routes").filter((file) => /\/_app\.[^/]+\.tsx$/.test(file));
    const missing = pages.filter((file) => {
      const source = fs.readFileSync(path.join(ROOT, file), "utf8");
      return /export default function/.test(source) && !/export function ErrorBoundary/.test(source);
    });
    expect(pages.length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });

  it("the rule sees what it is meant to see (a service does read the database)", () => {
    expect(valueImports("app/services/retention.server.ts").some((from) => DATABASE.test(from))).toBe(true);
    expect(valueImports("app/lib/logistics.server.ts").some((from) => /models\//.test(from))).toBe(false);
  });
});
