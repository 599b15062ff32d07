import fs from "node:fs";
import path from "node:path";

import ts from "typescript";
import { describe, expect, it } from "vitest";

import { ROOT, TMP } from "../helpers/paths";

/**
 * Remix's browser build replaces every `.server` module with an empty one and drops `loader`/`action`.
 * A value from a `.server` module that the route's component (or anything it reaches) uses is therefore
 * `undefined` in the browser: the page renders on the server and crashes after hydration (the Logistics
 * `LOGISTICS_LISTS.map` bug). This walks each route module the way the browser build tree-shakes it.
 */

const SERVER_ONLY_EXPORTS = new Set(["loader", "action", "headers"]);

type Finding = { file: string; name: string; via: string };

function valueImportsFromServerModules(source: ts.SourceFile) {
  const names = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || statement.importClause?.isTypeOnly) continue;
    const from = (statement.moduleSpecifier as ts.StringLiteral).text;
    if (!/\.server(\.tsx?)?$/.test(from) && !/\/[^/]+\.server\//.test(from)) continue;
    const clause = statement.importClause;
    if (!clause) continue;
    if (clause.name) names.set(clause.name.text, from);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.set(bindings.name.text, from);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) if (!element.isTypeOnly) names.set(element.name.text, from);
    }
  }
  return names;
}

/** Top-level declarations by name, plus the names of what the browser build keeps (every export but loader/action). */
function topLevel(source: ts.SourceFile) {
  const declarations = new Map<string, ts.Node>();
  const clientRoots: string[] = [];
  const isExported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      declarations.set(statement.name.text, statement);
      const isDefault = (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (isExported(statement) && (isDefault || !SERVER_ONLY_EXPORTS.has(statement.name.text))) clientRoots.push(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name)) continue;
        declarations.set(declaration.name.text, declaration);
        if (isExported(statement) && !SERVER_ONLY_EXPORTS.has(declaration.name.text)) clientRoots.push(declaration.name.text);
      }
    } else if (ts.isExportAssignment(statement)) {
      declarations.set("default", statement.expression);
      clientRoots.push("default");
    }
  }
  return { declarations, clientRoots };
}

/** `<Form action=…>`, `obj.action`, `{ action: 1 }`: names that are not references to a declaration. */
function isNameOnly(id: ts.Identifier) {
  const parent = id.parent;
  return (
    (ts.isJsxAttribute(parent) && parent.name === id) ||
    (ts.isPropertyAccessExpression(parent) && parent.name === id) ||
    (ts.isPropertyAssignment(parent) && parent.name === id) ||
    (ts.isBindingElement(parent) && parent.propertyName === id) ||
    (ts.isMethodDeclaration(parent) && parent.name === id)
  );
}

function identifiersIn(node: ts.Node, out = new Set<string>()) {
  const visit = (n: ts.Node) => {
    // `import("…").X` type positions and type annotations never reach the browser
    if (ts.isTypeNode(n)) return;
    if (ts.isIdentifier(n) && !isNameOnly(n)) out.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

/** Names a declaration binds inside itself (parameters, locals, callback arguments): they shadow top-level names. */
function locallyDeclared(node: ts.Node) {
  const names = new Set<string>();
  const visit = (n: ts.Node) => {
    if ((ts.isParameter(n) || ts.isVariableDeclaration(n) || ts.isBindingElement(n)) && ts.isIdentifier(n.name)) names.add(n.name.text);
    if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) && n.name && n !== node) names.add(n.name.text);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  return names;
}

export function findServerValuesInClientCode(file: string): Finding[] {
  const text = fs.readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const serverValues = valueImportsFromServerModules(source);
  if (!serverValues.size) return [];
  const { declarations, clientRoots } = topLevel(source);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const queue = clientRoots.map((name) => ({ name, root: name }));
  while (queue.length) {
    const { name, root } = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const node = declarations.get(name);
    if (!node) continue;
    const local = locallyDeclared(node);
    for (const id of identifiersIn(node)) {
      if (local.has(id)) continue;
      if (serverValues.has(id)) findings.push({ file: path.relative(ROOT, file), name: id, via: root });
      else if (declarations.has(id) && !seen.has(id)) queue.push({ name: id, root });
    }
  }
  return findings;
}

function filesIn(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesIn(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe("client/server boundary", () => {
  it("no route component (or anything it reaches) uses a value from a .server module", () => {
    const findings = filesIn(path.join(ROOT, "app/routes")).flatMap(findServerValuesInClientCode);
    expect(findings.map((f) => `${f.file}: ${f.name} (reached from ${f.via})`)).toEqual([]);
  });

  it("no shared component imports a .server module", () => {
    const offenders = filesIn(path.join(ROOT, "app/components")).filter((file) =>
      /from\s+["'][^"']*\.server["']/.test(fs.readFileSync(file, "utf8").replace(/import\s+type\s[^;]+;/g, "")),
    );
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it("catches a component that maps over a list imported from a .server module", () => {
    fs.mkdirSync(TMP, { recursive: true });
    const dir = fs.mkdtempSync(path.join(TMP, "boundary-"));
    try {
      const file = path.join(dir, "route.tsx");
      fs.writeFileSync(
        file,
        [
          `import { LISTS, loadIt } from "~/lib/lists.server";`,
          `import { type Row } from "~/models/rows.server";`,
          `export async function loader() { return loadIt(LISTS); }`,
          `function Tabs() { return LISTS.map((l: Row) => l); }`,
          `export default function Page() { return <Tabs />; }`,
        ].join("\n"),
      );
      expect(findServerValuesInClientCode(file).map((f) => f.name)).toEqual(["LISTS"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
