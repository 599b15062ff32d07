import { type ChildProcess, spawn, type StdioOptions } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";

import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import * as z from "zod";

import {
  createPgliteDb,
  createPostgresDb,
  DataDirLockedError,
  type DB,
  inTransaction,
  lockDataDir,
  openPglite,
  takePresenceLockExclusively,
} from "~/db.server";
import type { Env } from "~/env.server";
import { keyId } from "~/lib/sealed.server";
import {
  databaseContents,
  exportSnapshot,
  latestMigration,
  otherPlenaryConnections,
  restorePreludeSql,
  restoreVerificationSql,
  serverVersion,
  type TableChecksums,
  tableChecksums,
} from "~/models/backup-log.server";
import { migrations } from "../../db/migrations/index";
import packageJson from "../../package.json";

/**
 * A Plenary backup is one self-describing file:
 *
 *   PLENARY-BACKUP\n
 *   <format version> <manifest bytes> <manifest sha256>\n
 *   <manifest: JSON>\n
 *   <payload: PGlite's dumpDataDir (a gzipped tar) or pg_dump --format=custom>
 *
 * The manifest says what the payload is (kind, app version, last migration, per-table row counts and
 * checksums) and carries the payload's size and SHA-256, so a restore verifies the whole file before it
 * touches anything, and verifies the restored tables against the checksums before it swaps or commits.
 */
const MAGIC = Buffer.from("PLENARY-BACKUP\n", "latin1");
const FORMAT_VERSION = 1;
const MAX_HEADER_BYTES = 1024 * 1024;

export type BackupKind = "embedded" | "postgres";

const ManifestSchema = z.object({
  format: z.literal("plenary-backup"),
  formatVersion: z.literal(FORMAT_VERSION),
  kind: z.enum(["embedded", "postgres"]),
  appVersion: z.string(),
  migration: z.string().nullable(),
  createdAt: z.string(),
  database: z.object({ serverVersion: z.string().optional() }),
  keys: z.object({ dataEncryptionKeyId: z.string(), sessionSecretId: z.string() }),
  tables: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), z.object({ rows: z.number().int().nonnegative(), md5: z.string().regex(/^[0-9a-f]{32}$/) })),
  payload: z.object({
    format: z.enum(["pglite-datadir-tar-gzip", "pg_dump-custom"]),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});
export type BackupManifest = z.infer<typeof ManifestSchema>;

/** A problem the operator can act on; the commands print its message without a stack trace. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

const sha256 = (data: Buffer | string) => crypto.createHash("sha256").update(data).digest("hex");

/** Identifies SESSION_SECRET without revealing it, so a restore can warn when the secret differs. */
function sessionSecretId(secret: string) {
  return sha256(`plenary session secret\0${secret}`).slice(0, 8);
}

export function backupDatabaseKind(env: Pick<Env, "isEmbedded">): BackupKind {
  return env.isEmbedded ? "embedded" : "postgres";
}

/** plenary-backup-20261124-0930.plenary (UTC). */
export function backupFileName(at = new Date()) {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 13);
  return `plenary-backup-${stamp}.plenary`;
}

function encodeHeader(manifest: BackupManifest) {
  const json = Buffer.from(JSON.stringify(manifest, null, 2), "utf8");
  return Buffer.concat([MAGIC, Buffer.from(`${FORMAT_VERSION} ${json.length} ${sha256(json)}\n`, "latin1"), json, Buffer.from("\n")]);
}

export type Backup = {
  manifest: BackupManifest;
  /** size of the whole file */
  bytes: number;
  /** the file's bytes; reading it to the end (or destroying it) releases the temporary payload */
  stream: () => Readable;
  /** writes the file under a temporary name, syncs it, then renames it into place (mode 0600) */
  writeTo: (file: string, options?: { overwrite?: boolean }) => Promise<void>;
  dispose: () => Promise<void>;
};

/**
 * Takes a consistent backup of the configured database. Embedded: pass the open PGlite; its dump and the
 * checksums are taken inside one transaction, which holds PGlite's only connection, so nothing writes in
 * between. PostgreSQL: the checksums are read in a repeatable-read transaction whose snapshot pg_dump uses.
 */
export async function createBackup({ db, env, pglite }: { db: DB; env: Env; pglite?: PGlite }): Promise<Backup> {
  const kind = backupDatabaseKind(env);
  const keys = { dataEncryptionKeyId: keyId(env.DATA_ENCRYPTION_KEY), sessionSecretId: sessionSecretId(env.SESSION_SECRET) };
  const base = { format: "plenary-backup" as const, formatVersion: FORMAT_VERSION as typeof FORMAT_VERSION, kind, appVersion: packageJson.version, keys };

  if (kind === "embedded") {
    if (!pglite) throw new Error("createBackup: the embedded database needs its PGlite instance");
    const snapshot = await inTransaction(db, async (trx) => {
      const tables = await tableChecksums(trx);
      const migration = await latestMigration(trx);
      const dump = await pglite.dumpDataDir("gzip");
      return { tables, migration, payload: Buffer.from(await dump.arrayBuffer()) };
    });
    const manifest: BackupManifest = {
      ...base,
      migration: snapshot.migration,
      createdAt: new Date().toISOString(),
      database: {},
      tables: snapshot.tables,
      payload: { format: "pglite-datadir-tar-gzip", bytes: snapshot.payload.length, sha256: sha256(snapshot.payload) },
    };
    return assemble(manifest, { buffer: snapshot.payload });
  }

  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "plenary-backup-"));
  const payloadFile = path.join(dir, "payload.dump");
  try {
    const snapshot = await db
      .transaction()
      .setIsolationLevel("repeatable read")
      .setAccessMode("read only")
      .execute(async (trx) => {
        const id = await exportSnapshot(trx);
        const tables = await tableChecksums(trx);
        const migration = await latestMigration(trx);
        const version = await serverVersion(trx);
        await runPgDump(env.DATABASE_URL!, id, payloadFile);
        return { tables, migration, version };
      });
    const { size } = await fs.promises.stat(payloadFile);
    const manifest: BackupManifest = {
      ...base,
      migration: snapshot.migration,
      createdAt: new Date().toISOString(),
      database: { serverVersion: snapshot.version },
      tables: snapshot.tables,
      payload: { format: "pg_dump-custom", bytes: size, sha256: await hashFile(payloadFile, 0) },
    };
    return assemble(manifest, { file: payloadFile, cleanup: () => fs.promises.rm(dir, { recursive: true, force: true }) });
  } catch (error) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function assemble(manifest: BackupManifest, payload: { buffer: Buffer } | { file: string; cleanup: () => Promise<void> }): Backup {
  const header = encodeHeader(manifest);
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    if ("cleanup" in payload) await payload.cleanup();
  };
  const stream = () =>
    Readable.from(
      (async function* () {
        try {
          yield header;
          if ("buffer" in payload) yield payload.buffer;
          else for await (const chunk of fs.createReadStream(payload.file)) yield chunk as Buffer;
        } finally {
          await dispose();
        }
      })(),
      { objectMode: false },
    );
  return {
    manifest,
    bytes: header.length + manifest.payload.bytes,
    stream,
    dispose,
    writeTo: async (file, { overwrite = false } = {}) => {
      const partial = `${file}.partial-${process.pid}`;
      const handle = await fs.promises.open(partial, "wx", 0o600);
      try {
        for await (const chunk of stream()) await handle.write(chunk as Buffer);
        await handle.sync();
      } catch (error) {
        await handle.close();
        await fs.promises.rm(partial, { force: true });
        throw error;
      }
      await handle.close();
      if (!overwrite && fs.existsSync(file)) {
        await fs.promises.rm(partial, { force: true });
        throw new BackupError(`${file} already exists: choose another name, or add --force to replace it.`);
      }
      await fs.promises.rename(partial, file);
    },
  };
}

async function hashFile(file: string, start: number) {
  const hash = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { start })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export type VerifiedBackup = { file: string; manifest: BackupManifest; payloadOffset: number; bytes: number };

/** Reads and checks the whole file (header, manifest, size, payload SHA-256). Throws BackupError. */
export async function verifyBackupFile(file: string): Promise<VerifiedBackup> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupError(code === "ENOENT" ? `${file} does not exist.` : `${file} cannot be read (${code ?? String(error)}).`);
  }
  const damaged = (why: string) => new BackupError(`${file} is damaged: ${why}. It cannot be restored.`);
  let manifest: BackupManifest;
  let payloadOffset: number;
  let size: number;
  try {
    size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(size, MAX_HEADER_BYTES));
    await handle.read(head, 0, head.length, 0);
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new BackupError(`${file} is not a Plenary backup (it does not start with "PLENARY-BACKUP"). It cannot be restored.`);
    }
    const lineEnd = head.indexOf(0x0a, MAGIC.length);
    const line = /^(\d{1,4}) (\d{1,7}) ([0-9a-f]{64})$/.exec(lineEnd < 0 ? "" : head.subarray(MAGIC.length, lineEnd).toString("latin1"));
    if (!line) throw damaged("its header line is unreadable");
    if (Number(line[1]) !== FORMAT_VERSION) {
      throw new BackupError(
        `${file} has backup format ${line[1]}, which this version of Plenary (${packageJson.version}) does not know. Restore it with a newer Plenary.`,
      );
    }
    const start = lineEnd + 1;
    const length = Number(line[2]);
    if (start + length + 1 > head.length) throw damaged("it ends inside its manifest (truncated)");
    const json = head.subarray(start, start + length);
    if (sha256(json) !== line[3] || head[start + length] !== 0x0a) throw damaged("its manifest does not match its checksum");
    let parsed: unknown;
    try {
      parsed = JSON.parse(json.toString("utf8"));
    } catch {
      throw damaged("its manifest is not valid JSON");
    }
    const result = ManifestSchema.safeParse(parsed);
    if (!result.success) throw damaged("its manifest is incomplete");
    manifest = result.data;
    payloadOffset = start + length + 1;
  } finally {
    await handle.close();
  }
  const expected = payloadOffset + manifest.payload.bytes;
  if (size < expected) throw damaged(`it is incomplete (${size} of ${expected} bytes; truncated)`);
  if (size > expected) throw damaged(`it has ${size - expected} unexpected bytes at its end`);
  if ((await hashFile(file, payloadOffset)) !== manifest.payload.sha256) throw damaged("its contents do not match their SHA-256 checksum");
  return { file, manifest, payloadOffset, bytes: size };
}

export type RestoreResult = { kind: BackupKind; tables: number; rows: number; replaced: boolean; warnings: string[] };

/**
 * Restores a verified backup into the configured database, which must be empty unless `force`. Nothing is
 * changed when anything fails: embedded restores into a staging directory next to pgdata and swaps by rename
 * only after the checksums match; PostgreSQL restores in one transaction that checks them before COMMIT.
 */
export async function restoreBackup({ file, env, force }: { file: string; env: Env; force: boolean }): Promise<RestoreResult> {
  const backup = await verifyBackupFile(file);
  const { manifest } = backup;
  const kind = backupDatabaseKind(env);
  if (manifest.kind !== kind) {
    throw new BackupError(
      manifest.kind === "embedded"
        ? `${file} is a backup of an embedded database, but DATABASE_URL points at a PostgreSQL server. Unset DATABASE_URL to restore it into DATA_DIR.`
        : `${file} is a backup of a PostgreSQL database (pg_dump), but this installation uses the embedded database. Set DATABASE_URL to the (empty) database to restore it into.`,
    );
  }
  if (manifest.migration && !(manifest.migration in migrations)) {
    throw new BackupError(
      `${file} was made by a newer version of Plenary (${manifest.appVersion}, migration ${manifest.migration}). Upgrade Plenary first, then restore.`,
    );
  }
  const replaced = kind === "embedded" ? await restoreEmbedded(backup, env.DATA_DIR, force) : await restorePostgres(backup, env.DATABASE_URL!, force);
  const tables = Object.values(manifest.tables);
  return { kind, tables: tables.length, rows: tables.reduce((sum, t) => sum + t.rows, 0), replaced, warnings: secretWarnings(manifest, env) };
}

function secretWarnings(manifest: BackupManifest, env: Env) {
  const warnings: string[] = [];
  if (manifest.keys.dataEncryptionKeyId !== keyId(env.DATA_ENCRYPTION_KEY)) {
    warnings.push(
      `The backup was made with another data-encryption key (id ${manifest.keys.dataEncryptionKeyId}; this installation has ${keyId(env.DATA_ENCRYPTION_KEY)}). ` +
        `Passport numbers and dates of birth in it can only be read with the original key, and reminders can only carry the reply links ` +
        `already sent with it (without it, re-issue the links): set DATA_ENCRYPTION_KEY, or put the original ` +
        `data-encryption-key file into DATA_DIR, before starting Plenary.`,
    );
  }
  if (manifest.keys.sessionSecretId !== sessionSecretId(env.SESSION_SECRET)) {
    warnings.push(
      `The backup was made with another SESSION_SECRET. With this one, staff must sign in again (reply links keep working). ` +
        `Use the original SESSION_SECRET (or DATA_DIR/session-secret) to keep their sessions.`,
    );
  }
  return warnings;
}

function differences(expected: TableChecksums, actual: TableChecksums) {
  const names = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...names].filter((name) => expected[name]?.rows !== actual[name]?.rows || expected[name]?.md5 !== actual[name]?.md5);
}

async function readPayload(backup: VerifiedBackup) {
  const handle = await fs.promises.open(backup.file, "r");
  try {
    const payload = Buffer.alloc(backup.manifest.payload.bytes);
    for (let done = 0; done < payload.length;) {
      const { bytesRead } = await handle.read(payload, done, payload.length - done, backup.payloadOffset + done);
      if (bytesRead === 0) throw new BackupError(`${backup.file} changed while it was being restored.`);
      done += bytesRead;
    }
    // read again for the restore: the file must not have changed since it was verified
    if (sha256(payload) !== backup.manifest.payload.sha256) throw new BackupError(`${backup.file} changed while it was being restored.`);
    return payload;
  } finally {
    await handle.close();
  }
}

function isNonEmptyDir(dir: string) {
  try {
    return fs.readdirSync(dir).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

async function restoreEmbedded(backup: VerifiedBackup, dataDir: string, force: boolean): Promise<boolean> {
  let unlock: () => void;
  try {
    unlock = lockDataDir(dataDir);
  } catch (error) {
    if (error instanceof DataDirLockedError) throw new BackupError(`Plenary is running (pid ${error.pid}): stop it before restoring.`);
    throw error;
  }
  const target = path.join(dataDir, "pgdata");
  const staging = path.join(dataDir, `pgdata.restoring-${process.pid}`);
  try {
    const existing = isNonEmptyDir(target);
    if (existing && !force) {
      const contents = await describeEmbedded(target).catch(() => null);
      throw new BackupError(
        `${dataDir} already holds a database${contents ? ` (${contents.rows} rows in ${contents.tables} tables)` : ""}. ` +
          `A restore replaces all of it: run the command again with --force to do that.`,
      );
    }
    // with the lock held, any staging directory is left over from a restore that was killed
    for (const entry of fs.readdirSync(dataDir)) {
      if (entry.startsWith("pgdata.restoring-")) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    }
    try {
      const payload = await readPayload(backup);
      const db = createPgliteDb(await openPglite(staging, new Blob([payload])));
      try {
        const actual = await inTransaction(db, (trx) => tableChecksums(trx));
        const wrong = differences(backup.manifest.tables, actual);
        if (wrong.length) throw new BackupError(`The restored data does not match the backup's checksums (tables: ${wrong.join(", ")}).`);
      } finally {
        await db.destroy();
      }
      if (existing) {
        const old = path.join(dataDir, `pgdata.replaced-${process.pid}`);
        fs.rmSync(old, { recursive: true, force: true });
        fs.renameSync(target, old);
        try {
          fs.renameSync(staging, target);
        } catch (error) {
          fs.renameSync(old, target);
          throw error;
        }
        fs.rmSync(old, { recursive: true, force: true });
      } else {
        fs.rmSync(target, { recursive: true, force: true }); // an empty directory
        fs.renameSync(staging, target);
      }
      return existing;
    } catch (error) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw error;
    }
  } finally {
    unlock();
  }
}

async function describeEmbedded(pgdata: string) {
  const db = createPgliteDb(await openPglite(pgdata));
  try {
    return await databaseContents(db);
  } finally {
    await db.destroy();
  }
}

async function restorePostgres(backup: VerifiedBackup, databaseUrl: string, force: boolean): Promise<boolean> {
  await requireTool("pg_restore");
  await requireTool("psql");
  // pg_restore must be able to read the archive (its version, its table of contents) before anything changes
  const list = await runTool("pg_restore", ["--list"], {}, { stdinFile: backup });
  if (list.code !== 0) throw new BackupError(`pg_restore cannot read the backup: ${list.stderr.trim()}`);

  // Every running Plenary process holds the presence lock in shared mode, idle pool or not (db.server.ts): take it
  // exclusively for the whole restore, or refuse. It also keeps processes starting meanwhile waiting.
  const presence = new pg.Client({ connectionString: databaseUrl, application_name: "plenary-restore" });
  presence.on("error", () => undefined);
  try {
    await presence.connect();
    if (!(await takePresenceLockExclusively(presence))) {
      throw new BackupError("Plenary is running against this database: stop every Plenary process (web servers, mail workers, commands) before restoring.");
    }
    return await restorePostgresLocked(backup, databaseUrl, force);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`Cannot use the database at DATABASE_URL: ${(error as Error).message}`);
  } finally {
    await presence.end().catch(() => undefined);
  }
}

async function restorePostgresLocked(backup: VerifiedBackup, databaseUrl: string, force: boolean): Promise<boolean> {
  const db = createPostgresDb(databaseUrl, 1);
  let nonEmpty: boolean;
  try {
    const running = await otherPlenaryConnections(db);
    if (running > 0) {
      throw new BackupError(`Plenary is connected to this database (${running} connections): stop every Plenary process (web and worker) before restoring.`);
    }
    const contents = await databaseContents(db);
    nonEmpty = contents.tables > 0 || contents.functions > 0;
    if (nonEmpty && !force) {
      throw new BackupError(
        `The database is not empty (${contents.rows} rows in ${contents.tables} tables). ` +
          `A restore replaces all of it: run the command again with --force to do that.`,
      );
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`Cannot use the database at DATABASE_URL: ${(error as Error).message}`);
  } finally {
    await db.destroy();
  }
  await restoreInTransaction(backup, databaseUrl, nonEmpty);
  return nonEmpty;
}

/**
 * pg_restore writes the archive as SQL into psql, framed by our BEGIN (and, with --force, dropping and
 * recreating schema public) and, only when pg_restore succeeded, the checksum verification and COMMIT.
 * Any error stops psql (ON_ERROR_STOP) before COMMIT, so PostgreSQL rolls everything back.
 */
async function restoreInTransaction(backup: VerifiedBackup, databaseUrl: string, replaceSchema: boolean) {
  const { url, env } = libpq(databaseUrl, "plenary-restore");
  const psql = startTool("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url], env, ["pipe", "ignore", "pipe"]);
  const restore = startTool("pg_restore", ["--no-owner", "--no-privileges", "--file", "-"], env, ["pipe", "pipe", "pipe"]);
  psql.child.stdin!.on("error", () => undefined);
  restore.child.stdin!.on("error", () => undefined);
  void psql.done.then(() => {
    if (restore.child.exitCode === null) restore.child.kill();
  });
  psql.child.stdin!.write(restorePreludeSql({ replaceSchema }));
  restore.child.stdout!.pipe(psql.child.stdin!, { end: false });
  fs.createReadStream(backup.file, { start: backup.payloadOffset }).pipe(restore.child.stdin!);

  const restored = await restore.done;
  const psqlRunning = psql.child.exitCode === null && psql.child.signalCode === null;
  if (restored.code === 0 && psqlRunning) psql.child.stdin!.end(`\n${restoreVerificationSql(backup.manifest.tables)}COMMIT;\n`);
  else psql.child.stdin!.end();
  const applied = await psql.done;
  if (applied.code !== 0) {
    const reason = /plenary: (.*)/.exec(applied.stderr)?.[1] ?? applied.stderr.trim();
    throw new BackupError(`The restore failed and was rolled back: ${reason}`);
  }
  if (restored.code !== 0) throw new BackupError(`pg_restore failed, the restore was rolled back: ${restored.stderr.trim()}`);
}

/** libpq takes the URL; the password goes through the environment so it does not show in the process list. */
function libpq(databaseUrl: string, appName: string) {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = "";
  const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: appName };
  if (password) env.PGPASSWORD = password;
  return { url: url.toString(), env };
}

function missingTool(tool: string) {
  return new BackupError(
    `${tool} was not found. It comes with the PostgreSQL client tools: install those of your server's major version or newer ` +
      `(Debian/Ubuntu: apt-get install postgresql-client-15) and make sure ${tool} is on PATH.`,
  );
}

type ToolRun = { code: number | null; stderr: string };

function startTool(tool: string, args: string[], env: NodeJS.ProcessEnv, stdio: StdioOptions): { child: ChildProcess; done: Promise<ToolRun> } {
  const child = spawn(tool, args, { env, stdio });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<ToolRun>((resolve, reject) => {
    child.once("error", (error) => reject((error as NodeJS.ErrnoException).code === "ENOENT" ? missingTool(tool) : error));
    child.once("close", (code) => resolve({ code, stderr }));
  });
  return { child, done };
}

async function runTool(tool: string, args: string[], env: Partial<NodeJS.ProcessEnv> = {}, { stdinFile }: { stdinFile?: VerifiedBackup } = {}) {
  const run = startTool(tool, args, { ...process.env, ...env }, [stdinFile ? "pipe" : "ignore", "ignore", "pipe"]);
  if (stdinFile) {
    run.child.stdin!.on("error", () => undefined);
    fs.createReadStream(stdinFile.file, { start: stdinFile.payloadOffset }).pipe(run.child.stdin!);
  }
  return run.done;
}

async function requireTool(tool: string) {
  await runTool(tool, ["--version"]);
}

async function runPgDump(databaseUrl: string, snapshot: string, file: string) {
  const { url, env } = libpq(databaseUrl, "plenary-backup");
  const result = await runTool("pg_dump", ["--format=custom", "--no-password", `--snapshot=${snapshot}`, `--file=${file}`, `--dbname=${url}`], env);
  if (result.code !== 0) throw new BackupError(`pg_dump failed: ${result.stderr.trim()}`);
}
