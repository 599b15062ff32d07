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

/** Lines where a response or a returned object carries `error` as a plain string (a key or a message). */
function bareErrors(file: string): number[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const isText = (node: ts.Node) => ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
  const unwrap = (node: ts.Expression): ts.Expression =>
    ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node) ? unwrap(node.expression) : node;
  const check = (node: ts.Expression | undefined) => {
    const object = node && unwrap(node);
    if (!object || !ts.isObjectLiteralExpression(object)) return;
    for (const property of object.properties) {
      if (ts.isPropertyAssignment(property) && property.name.getText(source) === "error" && isText(unwrap(property.initializer))) {
        lines.push(source.getLineAndCharacterOfPosition(property.getStart(source)).line + 1);
      }
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && /^(Response\.json|json|data)$/.test(node.expression.getText(source))) check(node.arguments[0]);
    if (ts.isReturnStatement(node)) check(node.expression);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
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

  it("an action refuses in one shape: actionError's { error: { key, values } } or conform's reply, never a bare { error: '…' }", () => {
    const offending = files("app/routes").flatMap((file) => bareErrors(file).map((line) => `${file}:${line}`));
    expect(offending).toEqual([]);
  });

  it("the one-shape rule sees a bare error (a literal written the old way is caught)", () => {
    const probe = path.join("tests", "unit", ".structure-probe.tsx");
    fs.writeFileSync(path.join(ROOT, probe), `export const action = () => Response.json({ error: "rosters:errors.unknown" }, { status: 400 });\n`);
    try {
      expect(bareErrors(probe)).toEqual([1]);
    } finally {
      fs.rmSync(path.join(ROOT, probe), { force: true });
    }
  });

  it("the rule sees what it is meant to see (a service does read the database)", () => {
    expect(valueImports("app/services/retention.server.ts").some((from) => DATABASE.test(from))).toBe(true);
    expect(valueImports("app/lib/logistics.server.ts").some((from) => /models\//.test(from))).toBe(false);
  });
});
