import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PGLITE_PARSERS } from "~/db.server";
import { preparedQuery, STATEMENT_CACHE_LIMIT, withPreparedStatements } from "~/pglite-statements.server";

// PGlite only: the PostgreSQL server has its own driver (node-postgres), untouched by this module.
describe("prepared statements on the embedded database", () => {
  let pg: PGlite;
  const prepared = async () => (await pg.query<{ n: number }>("select count(*)::int as n from pg_prepared_statements where name like 'plenary\\_%'")).rows[0].n;
  beforeAll(async () => {
    pg = await PGlite.create({ parsers: PGLITE_PARSERS });
    await pg.exec(`create table person (
      id uuid primary key default gen_random_uuid(), name text not null unique, born date, tags text[] not null default '{}',
      data jsonb, photo bytea, active boolean not null default true, score numeric, seen_at timestamptz)`);
  });
  afterAll(() => pg.close());

  it("answers exactly as PGlite's own query(): rows, types, nulls, affected rows", async () => {
    const insert = "insert into person (name, born, tags, data, photo, score, seen_at) values ($1, $2, $3, $4, $5, $6, $7) returning *";
    const values = [
      "Кожемяко Олег",
      "1962-12-17",
      ["governor", "知事"],
      JSON.stringify({ a: [1, "二"] }),
      new Uint8Array([0, 1, 255]),
      "12.50",
      new Date("2027-06-16T10:00:00Z"),
    ];
    const ours = await preparedQuery(pg, insert, values);
    const theirs = await pg.query(insert, ["박형준", null, [], null, null, null, null]);
    expect(Object.keys(ours.rows[0] as object)).toEqual(Object.keys(theirs.rows[0] as object));
    expect(ours.fields).toEqual(theirs.fields);
    const select = "select name, born, tags, data, photo, active, score, seen_at from person where name = any($1) order by name";
    const names = [["Кожемяко Олег", "박형준"]];
    expect(await preparedQuery(pg, select, names)).toEqual(await pg.query(select, names));
    const update = await preparedQuery(pg, "update person set active = $1 where active", [false]);
    expect(update.affectedRows).toBe(2);
    expect((await preparedQuery(pg, "select name from person where active", [])).rows).toEqual([]);
  });

  it("answers as PGlite's query() with rows as arrays, a parser of the caller's, a with … update and a delete", async () => {
    const select = "select name, tags, seen_at, score from person order by name";
    expect(await preparedQuery(pg, select, [], { rowMode: "array" })).toEqual(await pg.query(select, [], { rowMode: "array" }));
    const upper = { parsers: { 25: (value: string) => value.toUpperCase() } };
    const ours = await preparedQuery<{ name: string }>(pg, select, [], upper);
    expect(ours).toEqual(await pg.query(select, [], upper));
    expect(ours.rows[0].name).toBe("КОЖЕМЯКО ОЛЕГ");
    const touch = "with changed as (update person set score = score where name = any($1) returning id) select count(*)::int as n from changed";
    expect(await preparedQuery(pg, touch, [["박형준"]])).toEqual(await pg.query(touch, [["박형준"]]));
    await pg.query("insert into person (name) values ('a'), ('b'), ('c')");
    const removed = await preparedQuery(pg, "delete from person where name = any($1)", [["a", "b"]]);
    expect(removed).toEqual(await pg.query("delete from person where name = any($1)", [["c"]]).then((r) => ({ ...r, affectedRows: 2, rowCount: 2 })));
    // a column named __proto__ is a column, not the row's prototype
    const proto = `select 'x' as "__proto__", 1 as n`;
    const odd = await preparedQuery<Record<string, unknown>>(pg, proto, []);
    expect(odd).toEqual(await pg.query(proto, []));
    expect(Object.getPrototypeOf(odd.rows[0])).toBe(Object.prototype);
    expect(Object.keys(odd.rows[0])).toEqual(["__proto__", "n"]);
  });

  it("lets the event loop turn while queries chain: a request or a timer never waits for a whole storm to end", async () => {
    // 50 "requests", each a chain of queries (as a reply page is), all on the one embedded database: the database
    // answers without real I/O, so without a turn of the loop in between, nothing else ran until all of them ended
    const db = withPreparedStatements(pg);
    let done = 0;
    let firedAfter: number | null = null;
    const started = performance.now();
    setTimeout(() => (firedAfter = done), 0);
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (performance.now() - started < 300) await db.query("select count(*) from person where name <> $1", ["x"]);
        done++;
      }),
    );
    expect(firedAfter).toBe(0);
  });

  it("parses a statement once and runs it again and again; the cache is bounded", async () => {
    const before = await prepared();
    for (let i = 0; i < 3; i++) await preparedQuery(pg, "select $1::int + 1 as n", [i]);
    expect((await preparedQuery<{ n: number }>(pg, "select $1::int + 1 as n", [41])).rows[0].n).toBe(42);
    expect(await prepared()).toBe(before + 1);
    for (let i = 0; i <= STATEMENT_CACHE_LIMIT; i++) await preparedQuery(pg, `select ${i} as n`, []);
    expect(await prepared()).toBe(STATEMENT_CACHE_LIMIT);
  });

  it("a table changed under a prepared statement (a migration): prepared again, not an error", async () => {
    await preparedQuery(pg, "select * from person order by name", []);
    await pg.exec("alter table person add column nickname text");
    const rows = (await preparedQuery<Record<string, unknown>>(pg, "select * from person order by name", [])).rows;
    expect(rows[0]).toHaveProperty("nickname", null);
  });

  it("errors keep PostgreSQL's codes, and a transaction through the wrapper commits or rolls back as one", async () => {
    const error = await preparedQuery(pg, "insert into person (name) values ($1)", ["박형준"]).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("23505");
    const wrapped = withPreparedStatements(pg);
    await wrapped
      .transaction(async (tx) => {
        await tx.query("insert into person (name) values ($1)", ["rolled back"]);
        throw new Error("stop");
      })
      .catch(() => undefined);
    await wrapped.transaction(async (tx) => {
      await tx.query("insert into person (name) values ($1)", ["committed"]);
    });
    const names = (await wrapped.query<{ name: string }>("select name from person where name = any($1)", [["rolled back", "committed"]])).rows;
    expect(names).toEqual([{ name: "committed" }]);
    expect(wrapped.closed).toBe(false);
  });
});
