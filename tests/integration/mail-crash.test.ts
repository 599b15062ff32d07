import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPgliteDb, createPostgresDb, type DB, openPglite } from "~/db.server";
import { enqueueMessage } from "~/models/email-message.server";
import { databaseLabel, type PreparedDatabase, prepareServerDatabase, usingPostgres } from "../helpers/db";
import { ROOT } from "../helpers/paths";
import { freePort } from "../helpers/ports";
import { SmtpSink } from "../helpers/smtp-sink";
import { senderEnv, spawnWorkerProcess } from "../helpers/worker-process";

const TOTAL = 300;
const KILLS = 10;
/** MAIL_MAX_IN_FLIGHT's default: what one crash may duplicate at most */
const IN_FLIGHT_BOUND = 2;
const LEASE_SECONDS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * RELIABILITY E3/L4, issue 13 §4: SIGKILL the process that sends mail at random moments while it sends 300
 * messages, restart it, ten times. Afterwards every message is delivered and marked sent; a duplicate (the same
 * Message-ID twice at the server) comes only from a message that was in flight when its sender was killed, so
 * each kill duplicates at most MAIL_MAX_IN_FLIGHT (2) messages, and the last, gracefully stopped sender none.
 * On PostgreSQL the sender is `npm run worker`; on the embedded database it is `npm start`, whose worker
 * holds the database.
 */
describe(`the mail sender killed at random moments (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let sink: SmtpSink;

  /** the database while no sender runs (PGlite is one process at a time); PostgreSQL keeps one open */
  let shared: DB | undefined;
  async function withDb<T>(fn: (db: DB) => Promise<T>): Promise<T> {
    if (shared) return fn(shared);
    const db = createPgliteDb(await openPglite(path.join(database.dataDir, "pgdata")));
    try {
      return await fn(db);
    } finally {
      await db.destroy();
    }
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    sink.delayMs = 30;
    database = await prepareServerDatabase();
    if (usingPostgres) shared = createPostgresDb(database.env.DATABASE_URL, 2);
    await withDb(async (db) => {
      for (let i = 0; i < TOTAL; i++) {
        await enqueueMessage(db, {
          idempotencyKey: `crash:${i}`,
          messageId: `<crash-${i}@near.example.org>`,
          kind: "test",
          locale: "ru",
          to: [{ address: `member${i}@example.org` }],
          subject: `Приглашение ${i}`,
          html: `<p>Уважаемый коллега ${i}!</p>`,
          text: `Уважаемый коллега ${i}!`,
        });
      }
    });
  });
  afterAll(async () => {
    await shared?.destroy();
    await database?.dispose();
    await sink?.stop();
  });

  async function startSender(): Promise<ChildProcess> {
    const env = senderEnv(database, sink.url(), { MAIL_LEASE_SECONDS: String(LEASE_SECONDS), MAIL_RETRY_BASE_SECONDS: "0.2" });
    if (usingPostgres) return spawnWorkerProcess(env);
    const port = await freePort();
    return spawn(process.execPath, ["app/server.js"], { cwd: ROOT, env: { ...env, PORT: String(port), APP_URL: `http://127.0.0.1:${port}` }, stdio: "ignore" });
  }

  const delivered = () => new Set(sink.accepted.map((a) => a.messageId)).size;
  const unsent = () => withDb(async (db) => (await db.selectFrom("email_message").select("message_id").where("status", "<>", "sent").execute()).length);

  it(`every message delivered and marked sent; each of ${KILLS} kills duplicates at most ${IN_FLIGHT_BOUND}`, async () => {
    const senders: { started: number; killed: number }[] = [];
    const deadline = Date.now() + 240_000;
    while (senders.length < KILLS && delivered() < TOTAL && Date.now() < deadline) {
      const started = Date.now();
      const sender = await startSender();
      const exited = new Promise((resolve) => sender.once("exit", resolve));
      // wait until this process is sending, then kill it without warning at a random moment
      while (!sink.accepted.some((a) => a.connectedAt >= started) && Date.now() < deadline) await sleep(10);
      await sleep(Math.floor(Math.random() * 250));
      sender.kill("SIGKILL");
      senders.push({ started, killed: Date.now() });
      await exited;
    }
    expect(senders.length, "every kill fell while messages were still unsent").toBe(KILLS);

    // the last one runs until everything is sent (a killed sender's leases run out after 2 s), then stops gracefully
    const started = Date.now();
    const last = await startSender();
    const exited = new Promise((resolve) => last.once("exit", resolve));
    if (usingPostgres) {
      while ((await unsent()) > 0 && Date.now() < deadline) await sleep(100);
    } else {
      // the embedded database cannot be read while the server holds it: wait until all arrived and the
      // messages in flight at the last kill (leases of 2 s) have had time to come back
      while ((delivered() < TOTAL || Date.now() - sink.lastAcceptedAt < 3 * LEASE_SECONDS * 1000) && Date.now() < deadline) await sleep(100);
    }
    last.kill("SIGTERM");
    expect(await exited).toBe(0);
    senders.push({ started, killed: Infinity });

    // nothing lost, and everything marked sent was delivered
    expect(delivered()).toBe(TOTAL);
    expect(await unsent()).toBe(0);

    // a copy that is not a message's last was sent by a process that did not live to record it
    const senderOf = (connectedAt: number) => senders.findIndex((s) => connectedAt >= s.started && connectedAt <= s.killed);
    const duplicatesBySender = senders.map(() => 0);
    const copies = new Map<string, number[]>();
    for (const a of sink.accepted) copies.set(a.messageId, [...(copies.get(a.messageId) ?? []), senderOf(a.connectedAt)]);
    expect(
      [...copies.values()].flat().filter((s) => s < 0),
      "every delivery came from a known sender",
    ).toEqual([]);
    for (const bySender of copies.values()) for (const s of bySender.slice(0, -1)) duplicatesBySender[s]++;
    console.log(
      `${databaseLabel}: ${KILLS} kills, ${sink.accepted.length} deliveries of ${TOTAL}, duplicates per kill: ${duplicatesBySender.slice(0, -1).join(", ")}`,
    );
    expect(Math.max(...duplicatesBySender.slice(0, -1)), "duplicates of the worst kill").toBeLessThanOrEqual(IN_FLIGHT_BOUND);
    expect(duplicatesBySender.at(-1), "the gracefully stopped sender duplicates nothing").toBe(0);
  }, 300_000);
});
