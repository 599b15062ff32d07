import fs from "node:fs";
import path from "node:path";

import { sql } from "kysely";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";
import { ROOT } from "../helpers/paths";

type Declared = Map<string, Map<string, { nullable: boolean }>>;

/** Reads db/schema.ts: the Database interface's tables and each table interface's columns and nullability. */
function readDeclaredSchema(): Declared {
  const file = path.join(ROOT, "db/schema.ts");
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  const aliases = new Map<string, ts.TypeAliasDeclaration>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
    if (ts.isTypeAliasDeclaration(node)) aliases.set(node.name.text, node);
  });
  const nullable = (type: ts.TypeNode | undefined): boolean => {
    if (!type) return false;
    if (ts.isUnionTypeNode(type)) return type.types.some(nullable);
    if (ts.isLiteralTypeNode(type)) return type.literal.kind === ts.SyntaxKind.NullKeyword;
    if (ts.isTypeReferenceNode(type)) {
      const name = type.typeName.getText(source);
      if (name === "ColumnType" || name === "Generated") return nullable(type.typeArguments?.[0]);
      const alias = aliases.get(name);
      return alias ? nullable(alias.type) : false;
    }
    return false;
  };
  const database = interfaces.get("Database")!;
  const declared: Declared = new Map();
  for (const member of database.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const table = (member.name as ts.Identifier).text;
    const columns = new Map<string, { nullable: boolean }>();
    for (const column of interfaces.get(member.type.getText(source))!.members) {
      if (ts.isPropertySignature(column)) columns.set((column.name as ts.Identifier).text, { nullable: nullable(column.type) });
    }
    declared.set(table, columns);
  }
  return declared;
}

describe(`db/schema.ts matches the migrated database (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());

  it("has the same tables, columns and nullability", async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; is_nullable: string }>`
      select table_name, column_name, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name not like 'kysely_migration%'
      order by table_name, ordinal_position`.execute(t.db);
    const actual: Declared = new Map();
    for (const row of rows) {
      const columns = actual.get(row.table_name) ?? new Map();
      columns.set(row.column_name, { nullable: row.is_nullable === "YES" });
      actual.set(row.table_name, columns);
    }
    const declared = readDeclaredSchema();
    const toObject = (d: Declared) => Object.fromEntries([...d].sort().map(([table, cols]) => [table, Object.fromEntries([...cols].sort())]));
    expect(toObject(declared)).toEqual(toObject(actual));
  });
});
