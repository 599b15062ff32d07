import { type messages, parse, type PGlite, protocol, type QueryOptions, type Results, types } from "@electric-sql/pglite";

/**
 * Prepared statements for the embedded database (issue 15). PGlite's query() parses and plans every statement
 * anew and talks to its WebAssembly backend five times per query (parse, describe, bind, describe, execute),
 * which made a reply page's 13 queries the larger part of its cost. Here a statement the app runs (its text
 * with $1… parameters, the same text every time) is parsed once per database as a named statement, and each
 * run is one message to the backend: bind, describe, execute, sync. A query takes about a third of the time.
 *
 * The results are PGlite's own (the same parsers, serializers and errors); statements outside the plain
 * select/insert/update/delete/with kinds (migrations, savepoints, settings) take PGlite's usual path.
 */

const S = protocol.serialize;
/** statements kept per database; the least recently used one is closed beyond this */
export const STATEMENT_CACHE_LIMIT = 500;
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/** the statement no longer fits the tables (a migration changed them) or the session lost it */
const STALE = new Set(["0A000", "26000"]);

type Statement = { name: string; types: number[] };
const caches = new WeakMap<PGlite, Map<string, Statement>>();
let counter = 0;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function prepare(pg: PGlite, cache: Map<string, Statement>, sql: string): Promise<Statement> {
  const known = cache.get(sql);
  if (known) {
    // most recently used last: the first entry is the one to close when the cache is full
    cache.delete(sql);
    cache.set(sql, known);
    return known;
  }
  const name = `plenary_${++counter}`;
  const messages = await pg.execProtocolStream(concat([S.parse({ name, text: sql }), S.describe({ type: "S", name }), S.sync()]), { syncToFs: false });
  const statement = { name, types: parse.parseDescribeStatementResults(messages) };
  cache.set(sql, statement);
  if (cache.size > STATEMENT_CACHE_LIMIT) {
    const [oldest, old] = cache.entries().next().value as [string, Statement];
    cache.delete(oldest);
    await forget(pg, old);
  }
  return statement;
}

async function forget(pg: PGlite, statement: Statement) {
  await pg.execProtocolStream(concat([S.close({ type: "S", name: statement.name }), S.sync()]), { syncToFs: false, throwOnError: false });
}

async function run(pg: PGlite, cache: Map<string, Statement>, sql: string, params: unknown[], options: QueryOptions | undefined, retry: boolean) {
  // closed while this statement waited its turn: PGlite's own refusal ("PGlite is closed"), thrown before its lock
  if (pg.closed) return pg.query(sql, params, options);
  const statement = await prepare(pg, cache, sql);
  const values = params.map((value, index) => {
    if (value === null || value === undefined) return null;
    const type = statement.types[index];
    const serializer = options?.serializers?.[type] ?? pg.serializers[type];
    return serializer ? serializer(value) : String(value);
  });
  try {
    const messages = await pg.execProtocolStream(concat([S.bind({ statement: statement.name, values }), S.describe({ type: "P" }), S.execute({}), S.sync()]), {
      syncToFs: false,
    });
    // as PGlite's query(): the files are synced after a statement outside a transaction
    if (!pg.isInTransaction()) await pg.syncToFs();
    return resultOf(messages, pg.parsers, options);
  } catch (error) {
    if (!STALE.has((error as { code?: string })?.code ?? "")) throw error;
    cache.delete(sql);
    await forget(pg, statement);
    // outside a transaction the statement is simply prepared again; inside one the transaction has failed
    if (!retry || pg.isInTransaction()) throw error;
    return run(pg, cache, sql, params, options, false);
  }
}

type Parser = (value: string, typeId: number) => unknown;
const COUNTED = new Set(["INSERT", "UPDATE", "DELETE", "COPY", "MERGE"]);

/**
 * The result of one statement from its messages, as PGlite's parseResults makes it (rows as objects or arrays,
 * each value through the parser of its type, the command, affected rows and row count), in a loop that builds each
 * row once: parseResults builds an array of [name, value] pairs per row and looks each value's parser up twice
 * (issue 15). A column named __proto__ would set the row's prototype here, so such a result goes to parseResults.
 */
export function resultOf<T>(backend: messages.BackendMessage[], parsers: Record<number, Parser>, options?: QueryOptions): Results<T> {
  const asArrays = options?.rowMode === "array";
  const chosen = options?.parsers ? { ...parsers, ...options.parsers } : parsers;
  let fields: { name: string; dataTypeID: number }[] = [];
  let convert: (Parser | undefined)[] = [];
  const rows: unknown[] = [];
  for (const message of backend) {
    if (message.name === "rowDescription") {
      const description = message as messages.RowDescriptionMessage;
      if (description.fields.some((field) => field.name === "__proto__"))
        return parse.parseResults(backend, parsers as PGlite["parsers"], options)[0] as Results<T>;
      fields = description.fields.map(({ name, dataTypeID }) => ({ name, dataTypeID }));
      convert = fields.map(({ dataTypeID }) => chosen[dataTypeID] ?? (types.parsers as Record<number, Parser>)[dataTypeID]);
    } else if (message.name === "dataRow") {
      const values = (message as messages.DataRowMessage).fields;
      const row: Record<string, unknown> | unknown[] = asArrays ? new Array(values.length) : {};
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        const parser = convert[i];
        (row as Record<string | number, unknown>)[asArrays ? i : fields[i].name] = value === null ? null : parser ? parser(value, fields[i].dataTypeID) : value;
      }
      rows.push(row);
    } else if (message.name === "commandComplete") {
      const words = (message as messages.CommandCompleteMessage).text.split(" ");
      const count = parseInt(words[words.length - 1], 10);
      const result: Results<T> & { command: string } = {
        rows: rows as T[],
        fields,
        command: words[0],
        affectedRows: COUNTED.has(words[0]) && !Number.isNaN(count) ? count : 0,
      };
      if (!Number.isNaN(count)) (result as Results<T> & { rowCount?: number }).rowCount = count;
      return result;
    }
  }
  return { rows: rows as T[], fields, affectedRows: 0 };
}

/**
 * The embedded database runs on this thread and answers without real I/O, so the queries of many requests can
 * chain through promise callbacks for seconds without the event loop ever turning: no new request is read, no
 * timer fires, until the whole storm has ended (issue 15: a reply page's p99 was 3–4 s at the client while the
 * server's own time for it stayed under 0.6 s). A query that starts more than LOOP_TURN_MS after the loop
 * last turned lets it turn first (setImmediate runs after the poll phase, where requests are read).
 */
export const LOOP_TURN_MS = 10;
let turnedAt = performance.now();
let turning: Promise<void> | null = null;

function loopTurn(): Promise<void> | null {
  if (performance.now() - turnedAt < LOOP_TURN_MS) return null;
  turning ??= new Promise((resolve) =>
    setImmediate(() => {
      turnedAt = performance.now();
      turning = null;
      resolve();
    }),
  );
  return turning;
}

/** PGlite's query(), with the statement prepared once and run in one message. */
export function preparedQuery<T>(pg: PGlite, sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
  const turn = loopTurn();
  if (turn) return turn.then(() => preparedQuery<T>(pg, sql, params, options));
  // a closed or starting database answers as PGlite does (closed: the outage error the pages turn into a 503)
  if (!pg.ready || pg.closed || !PREPARABLE.test(sql) || options?.blob || options?.paramTypes) return pg.query<T>(sql, params, options);
  let cache = caches.get(pg);
  if (!cache) caches.set(pg, (cache = new Map()));
  const statements = cache;
  return pg._runExclusiveQuery(() => run(pg, statements, sql, params, options, true)) as Promise<Results<T>>;
}

/**
 * The PGlite instance as kysely's PGlite dialect sees it: query() (also inside a transaction, the same
 * session) goes through preparedQuery; everything else is the instance itself.
 */
export function withPreparedStatements(pg: PGlite): PGlite {
  const query = (sql: string, params?: unknown[], options?: QueryOptions) => preparedQuery(pg, sql, params, options);
  return new Proxy(pg, {
    get(target, key) {
      if (key === "query") return query;
      if (key === "transaction") {
        return (callback: (tx: unknown) => Promise<unknown>) =>
          target.transaction((tx) =>
            callback(
              new Proxy(tx, {
                get(txTarget, txKey) {
                  if (txKey !== "query") return Reflect.get(txTarget, txKey, txTarget);
                  // a closed transaction refuses as PGlite's own does; plain statements stay on its path
                  return (sql: string, params?: unknown[], options?: QueryOptions) =>
                    txTarget.closed || !PREPARABLE.test(sql) ? txTarget.query(sql, params, options) : preparedQuery(pg, sql, params, options);
                },
              }),
            ),
          );
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
