import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";

import { PGlite } from "@electric-sql/pglite";
import { Kysely, type KyselyConfig, PGliteDialect, PostgresDialect, type Transaction } from "kysely";
import pg from "pg";

import { getEnv } from "~/env.server";
import { projectFile } from "~/lib/project-files.server";
import { logger } from "~/logger.server";
import { withPreparedStatements } from "~/pglite-statements.server";
import type { Database } from "../db/schema";

export type DB = Kysely<Database>;
/** A handle inside a transaction: functions that must run together with others (audit rows) ask for this type. */
export type Tx = Transaction<Database>;

/**
 * Runs `fn` in a transaction: a new one, or the caller's when `db` already is one, so a model function that
 * needs several statements to commit together can also be part of a larger change (its audit row, a service).
 */
export function inTransaction<T>(db: DB, fn: (trx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Tx);
  return db.transaction().execute(fn);
}

/** int8 comes back as a string on both drivers (pg does this by default), so ids never lose precision. */
export const PGLITE_PARSERS = { 20: (value: string) => value };

/**
 * How long we wait for the server. A connection attempt gives up after 5 s, a statement after 30 s (the
 * server cancels it), and a query whose answer never comes (a dead network) after 35 s; TCP keepalive
 * notices dead idle connections. Each ends in an error that pages answer with 503 (app/lib/db-errors.ts).
 */
export const POSTGRES_TIMEOUTS = {
  connectionTimeoutMillis: 5_000,
  statement_timeout: 30_000,
  query_timeout: 35_000,
  idle_in_transaction_session_timeout: 60_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
} as const;

/**
 * pg's Client, made safe for a server that goes away. pg emits 'error' on a client whose connection is
 * terminated (restart, failover, pg_terminate_backend); pg-pool listens only while the client is idle, so a
 * client checked out by a query or transaction would crash the process with an unhandled 'error' event
 * (brianc/node-postgres#2439). Every client therefore listens from birth; the query in progress fails on its
 * own, and pg-pool discards the client when it comes back. A query that timed out on our side (query_timeout)
 * may still be running on the server, so that connection is closed instead of being reused.
 */
class Client extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on("error", (error: Error) => logger.debug({ err: error.message }, "database connection lost while in use"));
  }

  // pg.Client#query has a dozen overloads; this passes every one through unchanged
  override query(...args: any[]): any {
    const result = (super.query as (...a: any[]) => any)(...args);
    if (result instanceof Promise) {
      result.catch((error: Error) => {
        if (error?.message === "Query read timeout") this.end().catch(() => undefined);
      });
    }
    return result;
  }
}

/**
 * LOG_LEVEL=trace: every SQL statement with its duration (the text only: values travel as parameters and are
 * never logged), for finding what a slow page asks the database.
 */
const queryLog: KyselyConfig["log"] = (event) => {
  if (!logger.isLevelEnabled("trace")) return;
  const ms = Math.round(event.queryDurationMillis * 10) / 10;
  if (event.level === "error") logger.trace({ sql: event.query.sql, ms, err: String(event.error) }, "query failed");
  else logger.trace({ sql: event.query.sql, ms }, "query");
};

export function createPostgresDb(connectionString: string, max = 10, onPool?: (pool: pg.Pool) => void): DB {
  const pool = new pg.Pool({ connectionString, max, application_name: "plenary", ...POSTGRES_TIMEOUTS, Client });
  onPool?.(pool);
  // An idle connection that the server drops must not crash the process either; the pool replaces it.
  pool.on("error", (error) => logger.warn({ err: error.message }, "database connection lost"));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: queryLog });
}

/** Wraps an open PGlite (tests load one from a migrated snapshot). */
export function createPgliteDb(pglite: PGlite): DB {
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: withPreparedStatements(pglite) }), log: queryLog });
}

/**
 * The embedded server's buffer cache: 16 MB instead of initdb's 128 MB, which lives inside the WebAssembly
 * memory and so in the process's RSS for good (issue 15: the embedded process under 400 MB). The data
 * directory is read through the operating system's files, whose page cache still keeps a hot database in
 * memory, outside the process.
 */
export const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB", "-c", "wal_buffers=1MB"];

/** build/pgdata-template.tar.gz, written by `npm run build` (app/cli/pglite-template.ts): a new database with every migration of this build applied. */
export const pgliteTemplateFile = () => projectFile("build", "pgdata-template.tar.gz");

/**
 * PGlite's WebAssembly compiled on this thread, not in V8's background tasks: compiled in the background, the
 * first turn of the event loop after the database opened waited some 200 ms for them (a futex, seen with strace),
 * and a restart took that much longer; compiled here it costs about 100 ms once (issue 15). PGlite is the only
 * WebAssembly the app runs; the flag is read when a module is compiled.
 */
let wasmCompileSet = false;
function compileWasmOnThisThread() {
  if (wasmCompileSet) return;
  wasmCompileSet = true;
  v8.setFlagsFromString("--no-wasm-async-compilation");
}

export async function openPglite(
  dataDir: string | undefined,
  loadDataDir?: Blob,
  { reopenNew = false, template = pgliteTemplateFile() }: { reopenNew?: boolean; template?: string } = {},
): Promise<PGlite> {
  compileWasmOnThisThread();
  const isNew = Boolean(dataDir && !loadDataDir && !fs.existsSync(path.join(dataDir, "PG_VERSION")));
  if (isNew && fs.existsSync(template)) {
    // issue 15: a first start unpacks the build's template instead of running initdb (and the migrations)
    return PGlite.create({ dataDir, loadDataDir: new Blob([fs.readFileSync(template)]), parsers: PGLITE_PARSERS, startParams: PGLITE_START_PARAMS });
  }
  const options = { dataDir, loadDataDir, parsers: PGLITE_PARSERS, startParams: PGLITE_START_PARAMS };
  if (reopenNew && isNew) {
    // A new directory is made by initdb, whose WebAssembly memory (over 500 MB) the instance keeps until the
    // next one starts: open it once to create it, close, and open again, so the server runs without it.
    await (await PGlite.create(options)).close();
  }
  return PGlite.create(options);
}

/** Set by `npm start` (a process that stays up): a new embedded database is opened twice, see openPglite. */
let longRunning = false;
export function markLongRunningProcess() {
  longRunning = true;
}

export class DataDirLockedError extends Error {
  constructor(
    public lockFile: string,
    public pid: number,
  ) {
    super(
      `The embedded database in ${path.dirname(lockFile)} is in use by another Plenary process (pid ${pid}). ` +
        `Stop it first, or set DATABASE_URL to use a PostgreSQL server that several processes can share.`,
    );
    this.name = "DataDirLockedError";
  }
}

/** PGlite is single-process: a pid file keeps a second `npm start` or CLI from opening the same directory. */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, "pgdata.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(fs.readFileSync(lockFile, "utf8"));
      if (pid && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(lockFile, pid);
      fs.rmSync(lockFile, { force: true }); // stale lock from a crashed process
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

type Holder = { db: DB; close: () => Promise<void>; pglite?: () => Promise<PGlite> };
const globalForDb = globalThis as typeof globalThis & { __plenaryDb?: Holder };

let configuredPool: pg.Pool | undefined;

/** The configured PostgreSQL pool's connections (metrics); undefined on the embedded database. */
export function poolStats(): { total: number; idle: number; waiting: number } | undefined {
  if (!configuredPool) return undefined;
  return { total: configuredPool.totalCount, idle: configuredPool.idleCount, waiting: configuredPool.waitingCount };
}

function openConfiguredDb(): Holder {
  const env = getEnv();
  if (env.DATABASE_URL) {
    const db = createPostgresDb(env.DATABASE_URL, 10, (pool) => (configuredPool = pool));
    return { db, close: () => db.destroy() };
  }
  const unlock = lockDataDir(env.DATA_DIR);
  let pglite: Promise<PGlite> | undefined;
  const open = () => (pglite ??= openPglite(path.join(env.DATA_DIR, "pgdata"), undefined, { reopenNew: longRunning }));
  const dialect = new PGliteDialect({ pglite: async () => withPreparedStatements(await open()) });
  const db = new Kysely<Database>({ dialect, log: queryLog });
  return {
    db,
    pglite: open,
    close: async () => {
      await db.destroy();
      unlock();
    },
  };
}

/** The one database handle of this process (kept on globalThis so `remix dev` rebuilds reuse it). */
export function getDb(): DB {
  globalForDb.__plenaryDb ??= openConfiguredDb();
  return globalForDb.__plenaryDb.db;
}

/** The embedded database's PGlite instance (backups use its dumpDataDir); undefined with DATABASE_URL. */
export function getPglite(): Promise<PGlite> | undefined {
  getDb();
  return globalForDb.__plenaryDb?.pglite?.();
}

export async function closeDb(): Promise<void> {
  const holder = globalForDb.__plenaryDb;
  globalForDb.__plenaryDb = undefined;
  await holder?.close();
}

export function databaseKind(): "embedded" | "postgresql" {
  return getEnv().isEmbedded ? "embedded" : "postgresql";
}

/**
 * Every running Plenary process (web server, mail worker) holds this advisory lock in shared mode on a connection
 * of its own, for as long as it runs, idle pool or not; `npm run restore` takes it exclusively or refuses.
 * Advisory locks belong to the database, so other databases on the server are not affected.
 */
export const PRESENCE_LOCK_KEY = 1_886_152_046; // "plen"
export const PRESENCE_APPLICATION_NAME = "plenary-lock";

/** Takes and keeps the shared presence lock; a dropped connection is replaced (never crashing the process). */
export function holdPresenceLock(connectionString: string): { release: () => Promise<void> } {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const again = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 1000);
    retry.unref();
  };
  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString, application_name: PRESENCE_APPLICATION_NAME, keepAlive: true });
    next.on("error", (error) => logger.warn({ err: error.message }, "presence lock connection lost"));
    next.on("end", () => {
      if (client === next) client = undefined;
      again();
    });
    try {
      await next.connect();
      // waits while a restore holds the lock exclusively
      await next.query("select pg_advisory_lock_shared($1)", [PRESENCE_LOCK_KEY]);
      client = next;
      if (stopped) await next.end().catch(() => undefined);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "presence lock not taken; trying again");
      await next.end().catch(() => undefined);
      again();
    }
  };
  void connect();
  return {
    release: async () => {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}

/** For restore: true when no Plenary process holds the presence lock; the exclusive lock is then kept on `client`. */
export async function takePresenceLockExclusively(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ taken: boolean }>("select pg_try_advisory_lock($1) as taken", [PRESENCE_LOCK_KEY]);
  return rows[0].taken;
}
