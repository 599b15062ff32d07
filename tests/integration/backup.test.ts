import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPgliteDb, createPostgresDb, type DB, openPglite } from "~/db.server";
import { seal } from "~/lib/sealed.server";
import { recordAccess } from "~/models/audit.server";
import { loadDemoData } from "~/models/demo.server";
import { adminQuery, databaseLabel, type PreparedDatabase, prepareServerDatabase, usingPostgres, withServerDb } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { ROOT, TMP } from "../helpers/paths";
import { startTestServer, type TestServer } from "../helpers/server";
import { createUser, TEST_PASSWORD } from "../helpers/users";

type Cli = { status: number | null; stdout: string; stderr: string };

const RUNNING_ON_POSTGRES = /Plenary is running against this database: stop every Plenary process \(web servers, mail workers, commands\) before restoring\./;

async function waitUntil(check: () => Promise<boolean>, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function backendCount(databaseName: string, applicationName: string) {
  const rows = await adminQuery(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${databaseName}' AND application_name = '${applicationName}'`,
  );
  return rows[0].n as number;
}

/** Ends the connections of one kind to a test's own database, and waits until they are gone. */
async function terminateBackends(databaseName: string, applicationName: string) {
  await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${databaseName}' AND application_name = '${applicationName}'`);
  await waitUntil(async () => (await backendCount(databaseName, applicationName)) === 0, `the ${applicationName} connections to end`);
}

/** `npm run backup|restore -- …`, the way an operator runs them. */
function npmRun(script: "backup" | "restore", args: string[], env: Record<string, string>): Cli {
  return spawnSync("npm", ["run", "--silent", script, "--", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? TMP, NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
}

/** The database a prepared environment points at, opened from this process (PGlite: the server must be stopped). */
async function withDb<T>(env: Record<string, string>, fn: (db: DB) => Promise<T>): Promise<T> {
  const db = env.DATABASE_URL ? createPostgresDb(env.DATABASE_URL, 2) : createPgliteDb(await openPglite(path.join(env.DATA_DIR, "pgdata")));
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** Row count and md5 of every table, computed here independently of the code under test. */
async function tableSums(db: DB) {
  const { rows: tables } = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(db);
  const sums: Record<string, { rows: number; md5: string }> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ n: number; h: string }>`
      select count(*)::int as n, md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as h from ${sql.table(name)} t`.execute(db);
    sums[name] = { rows: rows[0].n, md5: rows[0].h };
  }
  return sums;
}

/** NEAR's demo directory plus at least one row in every table, with binary, jsonb, arrays and six scripts. */
async function fillEveryTable(db: DB) {
  await loadDemoData(db);
  const [member] = await db.selectFrom("member").select("id").orderBy("id").limit(1).execute();
  const [event] = await db.selectFrom("event").select("id").where("status", "=", "open").orderBy("id").limit(1).execute();
  const [item] = await db.selectFrom("programme_item").select("id").where("event_id", "=", event.id).limit(1).execute();
  const admin = await db
    .insertInto("staff_user")
    .values({ email: "sg@example.org", display_name: "Лим Бён Джин 林炳镇", password_hash: "$argon2id$x", role: "admin", locale: "ru" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("staff_session")
    .values({ id_hash: "h".repeat(64), user_id: admin.id, expires_at: new Date(Date.now() + 3600_000), ip: "10.0.0.1" })
    .execute();
  await db
    .insertInto("setup_token")
    .values({ token_hash: "s".repeat(64) })
    .execute();
  await db.insertInto("rate_limit").values({ key: "login:ip:10.0.0.1", hits: 3, window_started_at: new Date() }).execute();
  await db
    .insertInto("sign_in_throttle")
    .values({ address: "sg@near.example.org", client: "10.0.0.1", started_at: new Date(), failures: 4, last_failure_at: new Date() })
    .execute();
  await recordAccess(db, { actor: { id: admin.id, email: "sg@example.org" }, action: "test.backup", details: { note: "Улан-Удэ 울란우데 ウランウデ" } });
  await db
    .insertInto("import_batch")
    .values({ kind: "members", file_name: "членов.csv", rows: JSON.stringify([{ a: 1 }]), row_count: 1, created_by: admin.id })
    .execute();
  const invitation = await db
    .insertInto("invitation")
    .values({ event_id: event.id, member_id: member.id, letter_locale: "mn", response: "attending", created_by: admin.id })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("invitation_token")
    .values({ token_hash: "t".repeat(64), invitation_id: invitation.id, version: 1 })
    .execute();
  await db.insertInto("letter").values({ event_id: event.id, kind: "invitation", locale: "ja", subject: "ご招待", body: "{{salutation}}\n本文" }).execute();
  await db
    .insertInto("email_message")
    .values({
      idempotency_key: `invitation:${invitation.id}:invitation:1`,
      message_id: "<x@plenary>",
      kind: "invitation",
      locale: "zh",
      event_id: event.id,
      invitation_id: invitation.id,
      to_addresses: JSON.stringify([{ name: "省长", address: "gov@example.org" }]),
      subject: "邀请函",
      html: "<p>尊敬的省长：</p>",
      text_body: "尊敬的省长：",
      ics: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
      status: "local",
    })
    .execute();
  await db
    .insertInto("delegate")
    .values({
      invitation_id: invitation.id,
      position: 0,
      role: "head",
      name_locale: "mn",
      given_name: "Бат-Эрдэнэ",
      dietary: ["halal", "allergies"],
      programme_item_ids: [item.id],
      passport_number_enc: seal(crypto.randomBytes(32), "E1234567"),
      arrival_at: "2027-06-15T14:20",
    })
    .execute();
  await db
    .insertInto("invitation_change")
    .values({
      invitation_id: invitation.id,
      event_id: event.id,
      revision: 2,
      actor_kind: "link",
      submission_id: crypto.randomUUID(),
      response_before: "pending",
      response_after: "attending",
      summary: JSON.stringify({ delegates: 1 }),
    })
    .execute();
  await db.insertInto("invitation_access").values({ invitation_id: invitation.id }).execute();
  await db
    .updateTable("secretariat")
    .set({
      name: JSON.stringify({ en: "NEAR", ko: "동북아시아지역자치단체연합" }),
      logo: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x0a]),
      logo_type: "image/png",
    })
    .execute();
  await db
    .insertInto("staff_token")
    .values({ token_hash: "k".repeat(64), user_id: admin.id, purpose: "invite", expires_at: new Date(Date.now() + 86400_000) })
    .execute();
  await db
    .insertInto("backup_log")
    .values({ kind: "download", database_kind: usingPostgres ? "postgres" : "embedded", file_name: "old.plenary", bytes: 1234 })
    .execute();
  const version = await db
    .insertInto("roster_version")
    .values({ event_id: event.id, number: 1, kind: "provisional", locale: "ko", created_by_label: "sg@example.org", rows: JSON.stringify([{ name: "김" }]) })
    .returning("id")
    .executeTakeFirstOrThrow();
  // issue 18: the published List of Participants and a substitution in a delegation
  await db.insertInto("participant_list").values({ event_id: event.id, version_id: version.id, is_public: true, published_by: admin.id }).execute();
  // mail delivery (issue 16): a suppressed address and a reply that came back by email
  await db.insertInto("mail_suppression").values({ address: "gone@example.org", reason: "bounced", reply: "550 5.1.1 unknown" }).execute();
  await db
    .insertInto("inbound_mail")
    .values({
      kind: "reply",
      how: "in-reply-to",
      invitation_id: invitation.id,
      event_id: event.id,
      from_address: "waiban@example.cn",
      subject: "回复：邀请函",
      body: "省长将出席。",
      details: JSON.stringify({ refersTo: ["<x@plenary>"] }),
    })
    .execute();
  // a send wave (issue 15): a uuid[] column among the rest
  await db
    .insertInto("send_wave")
    .values({ event_id: event.id, member_ids: [member.id], status: "done", done: 1, queued: 1, created_by: admin.id, finished_at: new Date() })
    .execute();
  // issue 19: an API token, a webhook and its delivery, second factors, a pending sign-in, a device check-in
  await db
    .insertInto("api_token")
    .values({ name: "Финансы 財務", token_hash: "a".repeat(64), scopes: ["rosters:read"], created_by: admin.id, expires_at: new Date(Date.now() + 86400_000) })
    .execute();
  const subscription = await db
    .insertInto("webhook_subscription")
    .values({ url: "https://hooks.example.org/plenary", description: "웹훅", event_types: ["reply.changed"], secret_sealed: "sealed", created_by: admin.id })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("webhook_delivery")
    .values({
      subscription_id: subscription.id,
      webhook_id: "msg_backup",
      event_type: "reply.changed",
      event_key: `reply:${invitation.id}:2`,
      payload: JSON.stringify({ invitation: invitation.id }),
    })
    .execute();
  await db.insertInto("staff_totp").values({ user_id: admin.id, secret: "sealed-secret", confirmed_at: new Date(), last_step: 1 }).execute();
  await db
    .insertInto("staff_recovery_code")
    .values({ user_id: admin.id, code_hash: "r".repeat(64) })
    .execute();
  await db
    .insertInto("staff_passkey")
    .values({ user_id: admin.id, credential_id: "cred-1", public_key: "cHVibGlj", counter: 3, transports: "internal", name: "Ноутбук" })
    .execute();
  await db
    .insertInto("sign_in_pending")
    .values({ id_hash: "p".repeat(64), user_id: admin.id, purpose: "verify", redirect_to: "/", expires_at: new Date(Date.now() + 600_000) })
    .execute();
  const [delegate] = await db.selectFrom("delegate").select("id").where("invitation_id", "=", invitation.id).execute();
  await db
    .insertInto("delegate_substitution")
    .values({
      invitation_id: invitation.id,
      event_id: event.id,
      revision: 2,
      replaced_delegate_id: crypto.randomUUID(),
      replaced: JSON.stringify({ role: "head", nameLocale: "zh", familyName: "李", givenName: "乐成" }),
      replaced_checked_in_at: new Date(),
      replaced_by: delegate.id,
      replacement: JSON.stringify({ role: "head", nameLocale: "zh", familyName: "王", givenName: "新伟" }),
      explicit: true,
      actor_kind: "staff",
      staff_label: "sg@example.org",
    })
    .execute();
  await db
    .insertInto("check_in")
    .values({
      client_id: crypto.randomUUID(),
      event_id: event.id,
      delegate_id: delegate.id,
      outcome: "checked_in",
      scanned_at: new Date(),
      recorded_by: admin.id,
    })
    .execute();
  // issue 18: a delegation's documents (bytes in the database), its places, e-badge links, the event's attachments
  const pdf = Buffer.from("%PDF-1.4\n% Нота\n%%EOF\n");
  await db
    .insertInto("document")
    .values({
      invitation_id: invitation.id,
      delegate_id: null,
      kind: "note_verbale",
      media_type: "application/pdf",
      byte_size: pdf.length,
      sha256: crypto.createHash("sha256").update(pdf).digest("hex"),
      file_name: "нота.pdf",
      width: null,
      height: null,
      key_id: null,
      content: pdf,
    })
    .execute();
  await db
    .insertInto("programme_registration")
    .values({ delegate_id: delegate.id, programme_item_id: item.id, event_id: event.id, status: "registered", promoted_at: null })
    .execute();
  await db
    .insertInto("delegate_badge_link")
    .values({ delegate_id: delegate.id, token_hash: "b".repeat(64), token_sealed: "sealed-badge-link" })
    .execute();
  const attachment = await db
    .insertInto("event_attachment")
    .values({
      event_id: event.id,
      filename: "议程.pdf",
      content_type: "application/pdf",
      size: pdf.length,
      sha256: crypto.createHash("sha256").update(pdf).digest("hex"),
      content: pdf,
      created_by: admin.id,
      removed_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("event_letter_option").values({ event_id: event.id, attach_pdf: true, second_locale: "en", updated_by: admin.id }).execute();
  const message = await db.selectFrom("email_message").select("id").executeTakeFirstOrThrow();
  await db
    .insertInto("email_message_document")
    .values({ message_id: message.id, letter: JSON.stringify({ body: "本文" }), attachment_ids: JSON.stringify([attachment.id]) })
    .execute();
}

/** Rewrites a backup's manifest (keeping its checksum line valid), to forge a file that passes the hashes. */
function forgeManifest(file: string, target: string, change: (manifest: any) => void) {
  const bytes = fs.readFileSync(file);
  const first = bytes.indexOf(0x0a);
  const second = bytes.indexOf(0x0a, first + 1);
  const [version, length] = bytes
    .subarray(first + 1, second)
    .toString()
    .split(" ");
  const start = second + 1;
  const manifest = JSON.parse(bytes.subarray(start, start + Number(length)).toString());
  change(manifest);
  const json = Buffer.from(JSON.stringify(manifest));
  const line = `${version} ${json.length} ${crypto.createHash("sha256").update(json).digest("hex")}\n`;
  fs.writeFileSync(target, Buffer.concat([bytes.subarray(0, first + 1), Buffer.from(line), json, bytes.subarray(start + Number(length))]));
}

describe(`npm run backup / restore (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let work: string;
  let file: string;
  let before: Awaited<ReturnType<typeof tableSums>>;

  /** Empties the target completely: PGlite's data directory (secrets stay) or the whole database. */
  async function wipe() {
    if (usingPostgres) {
      await adminQuery(`DROP DATABASE "${database.databaseName}" WITH (FORCE)`);
      await adminQuery(`CREATE DATABASE "${database.databaseName}"`);
    } else {
      fs.rmSync(path.join(database.dataDir, "pgdata"), { recursive: true, force: true });
    }
  }

  beforeAll(async () => {
    database = await prepareServerDatabase();
    work = fs.mkdtempSync(path.join(TMP, "backup-"));
    file = path.join(work, "near.plenary");
    await withDb(database.env, fillEveryTable);
  });
  afterAll(async () => {
    await database.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("backs up, and after a wipe restores every row of every table", async () => {
    before = await withDb(database.env, tableSums);
    const empty = Object.entries(before).filter(([, t]) => t.rows === 0);
    expect(empty, "every table has rows to compare").toEqual([]);
    expect(before.member.rows).toBe(82);

    const backup = npmRun("backup", [file], database.env);
    expect(backup.stderr).not.toMatch(/\n\s+at /);
    expect(backup.status).toBe(0);
    expect(backup.stdout).toContain(`Backup written to ${file}`);
    expect(backup.stdout).toContain("SESSION_SECRET");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file).subarray(0, 15).toString()).toBe("PLENARY-BACKUP\n");

    // The log row is written after the dump: in the live database, not in the file.
    const logged = await withDb(database.env, (db) =>
      db.selectFrom("backup_log").select(["kind", "file_name", "bytes", "database_kind"]).where("kind", "=", "command").execute(),
    );
    expect(logged).toEqual([
      { kind: "command", file_name: "near.plenary", bytes: String(fs.statSync(file).size), database_kind: usingPostgres ? "postgres" : "embedded" },
    ]);

    await wipe();
    const restore = npmRun("restore", [file], database.env);
    expect(restore.stderr).not.toMatch(/\n\s+at /);
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain("Restored");
    expect(await withDb(database.env, tableSums)).toEqual(before);
  });

  it("the restored audit log is append-only again", async () => {
    await withDb(database.env, async (db) => {
      await expect(sql`update audit_log set action = 'tampered'`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
    });
  });

  it("refuses to restore over data without --force, and replaces it with --force", async () => {
    await withDb(database.env, (db) => db.insertInto("rate_limit").values({ key: "added:after", hits: 1, window_started_at: new Date() }).execute());
    const current = await withDb(database.env, tableSums);

    const refused = npmRun("restore", [file], database.env);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/already holds a database|is not empty/);
    expect(refused.stderr).toContain("--force");
    expect(refused.stderr).toContain("Nothing was changed.");
    expect(await withDb(database.env, tableSums)).toEqual(current);

    const forced = npmRun("restore", [file, "--force"], database.env);
    expect(forced.stderr).not.toMatch(/\n\s+at /);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain("replacing what was there");
    expect(await withDb(database.env, tableSums)).toEqual(before);
  });

  it("a truncated, altered or forged file is refused and the data stays as it was", async () => {
    await withDb(database.env, (db) => db.insertInto("rate_limit").values({ key: "still:here", hits: 1, window_started_at: new Date() }).execute());
    const current = await withDb(database.env, tableSums);
    const bytes = fs.readFileSync(file);

    const truncated = path.join(work, "truncated.plenary");
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const flipped = path.join(work, "flipped.plenary");
    const altered = Buffer.from(bytes);
    altered[altered.length - 100] ^= 0xff;
    fs.writeFileSync(flipped, altered);
    const manifestFlip = path.join(work, "manifest.plenary");
    const alteredManifest = Buffer.from(bytes);
    alteredManifest[200] ^= 0x01;
    fs.writeFileSync(manifestFlip, alteredManifest);
    const foreign = path.join(work, "notes.txt");
    fs.writeFileSync(foreign, "not a backup\n");

    for (const [bad, message] of [
      [truncated, /is damaged: it is incomplete/],
      [flipped, /is damaged: its contents do not match their SHA-256 checksum/],
      [manifestFlip, /is damaged: its manifest does not match its checksum/],
      [foreign, /is not a Plenary backup/],
    ] as const) {
      const result = npmRun("restore", [bad, "--force"], database.env);
      expect(result.status, bad).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("Nothing was changed.");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }

    // A file whose hashes are right but whose data does not match its table checksums: the restore itself
    // runs and is thrown away (staging directory / rolled-back transaction).
    const forged = path.join(work, "forged.plenary");
    forgeManifest(file, forged, (manifest) => (manifest.tables.member.md5 = "0".repeat(32)));
    const result = npmRun("restore", [forged, "--force"], database.env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/does not match the backup's checksums \(tables: member\)/);
    expect(await withDb(database.env, tableSums)).toEqual(current);
    if (!usingPostgres) expect(fs.readdirSync(database.dataDir).filter((f) => f.startsWith("pgdata."))).toEqual([]);
  });

  it("refuses a backup of the other database kind and one from a newer Plenary", () => {
    const other = path.join(work, "other-kind.plenary");
    forgeManifest(file, other, (manifest) => (manifest.kind = usingPostgres ? "embedded" : "postgres"));
    const wrongKind = npmRun("restore", [other, "--force"], database.env);
    expect(wrongKind.status).not.toBe(0);
    expect(wrongKind.stderr).toMatch(usingPostgres ? /backup of an embedded database/ : /backup of a PostgreSQL database/);

    const newer = path.join(work, "newer.plenary");
    forgeManifest(file, newer, (manifest) => (manifest.migration = "2999_01_01_0000_from_the_future"));
    const tooNew = npmRun("restore", [newer, "--force"], database.env);
    expect(tooNew.status).not.toBe(0);
    expect(tooNew.stderr).toContain("was made by a newer version of Plenary");
  });

  it.skipIf(!usingPostgres)("says clearly when pg_dump is missing", () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "app/cli/backup.ts", path.join(work, "none.plenary")], {
      cwd: ROOT,
      env: { PATH: path.join(work, "no-tools"), NODE_ENV: "production", LOG_LEVEL: "warn", ...database.env },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("pg_dump was not found");
    expect(fs.existsSync(path.join(work, "none.plenary"))).toBe(false);
  });
});

describe(`Backup download from Settings → System (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let restored: PreparedDatabase | undefined;
  let restoredServer: TestServer | undefined;
  let work: string;

  beforeAll(async () => {
    database = await prepareServerDatabase();
    work = fs.mkdtempSync(path.join(TMP, "backup-download-"));
    createUser(database.env, "admin@example.org", "admin");
    createUser(database.env, "staff@example.org", "staff");
    createUser(database.env, "viewer@example.org", "viewer");
    server = await startTestServer({}, database);
  });
  afterAll(async () => {
    await restoredServer?.dispose();
    if (!restoredServer) await restored?.dispose();
    await server?.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("staff and viewers may not download a backup; anonymous visitors are sent to sign in", async () => {
    for (const email of ["staff@example.org", "viewer@example.org"]) {
      const client = new TestClient(server.url);
      await client.signIn(email, TEST_PASSWORD);
      const response = await client.post("/settings/system/backup", {});
      expect(response.status, email).toBe(403);
      expect(response.headers.get("content-disposition")).toBeNull();
    }
    const anonymous = await new TestClient(server.url).post("/settings/system/backup", {});
    expect(anonymous.status).toBe(302);
    expect(locationOf(anonymous)).toMatch(/^\/login\?/);
  });

  it.skipIf(usingPostgres)("the command line refuses to back up the embedded database while the server runs", () => {
    const file = path.join(work, "while-running.plenary");
    const backup = npmRun("backup", [file], database.env);
    expect(backup.status).toBe(1);
    expect(backup.stderr).toMatch(/Plenary is running \(pid \d+\): stop it, or download a backup from Settings → System\./);
    expect(fs.existsSync(file)).toBe(false);
  });

  let downloaded: string;
  it("an admin downloads a backup file; the download is logged and audited", async () => {
    const client = new TestClient(server.url);
    await client.signIn("admin@example.org", TEST_PASSWORD);
    const response = await client.post("/settings/system/backup", {});
    expect(response.status).toBe(200);
    const disposition = response.headers.get("content-disposition") ?? "";
    expect(disposition).toMatch(/^attachment; filename="plenary-backup-\d{8}-\d{4}\.plenary"$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 15).toString()).toBe("PLENARY-BACKUP\n");
    expect(Number(response.headers.get("content-length"))).toBe(body.length);
    downloaded = path.join(work, /filename="([^"]+)"/.exec(disposition)![1]);
    fs.writeFileSync(downloaded, body);

    const { logs, audits, adminId } = await withServerDb(server, database.env, async (db) => ({
      adminId: (await db.selectFrom("staff_user").select("id").where("email", "=", "admin@example.org").executeTakeFirstOrThrow()).id,
      logs: await db.selectFrom("backup_log").select(["kind", "database_kind", "file_name", "bytes", "created_by"]).execute(),
      audits: await db.selectFrom("audit_log").select(["actor_id", "actor_label", "action", "details"]).where("action", "=", "backup.downloaded").execute(),
    }));
    expect(logs).toEqual([
      {
        kind: "download",
        database_kind: usingPostgres ? "postgres" : "embedded",
        file_name: path.basename(downloaded),
        bytes: String(body.length),
        created_by: adminId,
      },
    ]);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_id: adminId, actor_label: "admin@example.org", details: { file: path.basename(downloaded), bytes: body.length } });
  });

  it("the command line refuses to restore into the database of a running server", async () => {
    await new TestClient(server.url).get("/healthz"); // PostgreSQL: the server now holds a pooled connection
    const result = npmRun("restore", [downloaded, "--force"], database.env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(usingPostgres ? RUNNING_ON_POSTGRES : /Plenary is running \(pid \d+\): stop it before restoring\./);
    expect(result.stderr).toContain("Nothing was changed.");
  });

  it.skipIf(!usingPostgres)(
    "PostgreSQL: the restore is refused while the server runs, also when its pool has no connection open (PGlite: the DATA_DIR lock covers this)",
    async () => {
      const marker = "Pool went idle";
      const client = new TestClient(server.url);
      await client.signIn("admin@example.org", TEST_PASSWORD);
      expect((await client.post("/settings?index", { intent: "profile", displayName: marker, locale: "" })).status).toBe(302);
      // The pool's connections go away (idle timeout, or dropped by the server); the process keeps running.
      await terminateBackends(database.databaseName!, "plenary");
      const result = npmRun("restore", [downloaded, "--force"], database.env);
      expect(result.stderr).toMatch(RUNNING_ON_POSTGRES);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("Nothing was changed.");
      expect(await (await client.get("/settings")).text()).toContain(marker);
    },
  );

  it.skipIf(!usingPostgres)(
    "PostgreSQL: a server whose lock connection was dropped keeps serving and takes the lock again (PGlite: no such connection)",
    async () => {
      await terminateBackends(database.databaseName!, "plenary-lock");
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await waitUntil(async () => (await backendCount(database.databaseName!, "plenary-lock")) === 1, "the lock connection to come back");
      const result = npmRun("restore", [downloaded, "--force"], database.env);
      expect(result.stderr).toMatch(RUNNING_ON_POSTGRES);
      expect(result.status).toBe(1);
      expect(server.output()).not.toMatch(/uncaught|unhandled/i);
    },
  );

  it("the downloaded file restores into a new installation where the admin signs in", async () => {
    const dataDir = fs.mkdtempSync(path.join(TMP, "restored-"));
    let databaseName: string | undefined;
    let env: Record<string, string> = { DATA_DIR: dataDir };
    if (usingPostgres) {
      databaseName = `plenary_restored_${process.pid}_${Date.now() % 100000}`;
      await adminQuery(`CREATE DATABASE "${databaseName}"`);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${databaseName}`;
      env = { ...env, DATABASE_URL: url.toString(), SESSION_SECRET: database.env.SESSION_SECRET };
    }
    restored = {
      env,
      dataDir,
      databaseName,
      dispose: async () => {
        if (databaseName) await adminQuery(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
    const result = npmRun("restore", [downloaded], env);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(0);

    restoredServer = await startTestServer({}, restored);
    expect(restoredServer.setupLink()).toBeUndefined();
    const client = new TestClient(restoredServer.url);
    expect(locationOf(await client.signIn("admin@example.org", TEST_PASSWORD))).toBe("/");
  });
});
