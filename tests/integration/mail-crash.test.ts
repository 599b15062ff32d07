import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDb, type DB } from "~/db.server";
import { enqueueMessage } from "~/models/email-message.server";
import { prepareServerDatabase, type PreparedDatabase, usingPostgres } from "../helpers/db";
import { ROOT } from "../helpers/paths";
import { SmtpSink } from "../helpers/smtp-sink";

const TOTAL = 200;

/**
 * RELIABILITY E3/L4: SIGKILL the mail worker at random moments while it sends 200 messages, restart it,
 * repeat. Afterwards every message is delivered; a duplicate (same Message-ID twice at the server) can only
 * come from a kill between the server's 250 and the worker's commit, so there are at most as many as messages
 * in flight at the kills. Needs `npm run worker`, i.e. a PostgreSQL server several processes share.
 */
describe.skipIf(!usingPostgres)("mail worker killed at random moments (PostgreSQL server)", () => {
  let database: PreparedDatabase;
  let db: DB;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    sink.delayMs = 30;
    database = await prepareServerDatabase();
    db = createPostgresDb(database.env.DATABASE_URL, 4);
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
  afterAll(async () => {
    await db.destroy();
    await database.dispose();
    await sink.stop();
  });

  function startWorker(): ChildProcess {
    return spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["app/cli/worker.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        LOG_LEVEL: "error",
        ...database.env,
        SMTP_URL: sink.url(),
        MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>",
        MAIL_LEASE_SECONDS: "2",
        MAIL_RETRY_BASE_SECONDS: "0.2",
      },
      stdio: "ignore",
    });
  }

  const sentCount = async () =>
    Number((await db.selectFrom("email_message").select((eb) => eb.fn.countAll<string>().as("n")).where("status", "=", "sent").executeTakeFirstOrThrow()).n);

  it("delivers all 200 messages; duplicates only from kills between the 250 and the commit", async () => {
    let kills = 0;
    const deadline = Date.now() + 120_000;
    while ((await sentCount()) < TOTAL && Date.now() < deadline) {
      const worker = startWorker();
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      if (kills < 6) {
        // wait until it is sending (or a little longer), then kill it without warning
        const before = sink.received;
        const until = Date.now() + 15_000;
        while (sink.received === before && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)));
        worker.kill("SIGKILL");
        kills++;
        await exited;
        console.log(`kill ${kills}: ${sink.messages.length} accepted so far, ${await sentCount()} marked sent`);
      } else {
        // the last one runs until everything is sent (leases of killed workers expire after 2 s)
        while ((await sentCount()) < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        worker.kill("SIGTERM");
        await exited;
      }
    }
    // every kill fell while messages were still being sent (the loop only starts a worker while some are not)
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(await sentCount()).toBe(TOTAL);
    const failed = await db.selectFrom("email_message").select("id").where("status", "<>", "sent").execute();
    expect(failed).toEqual([]);

    const ids = sink.messages.map((m) => m.messageId);
    const unique = new Set(ids);
    expect(unique.size).toBe(TOTAL);
    const duplicates = ids.length - unique.size;
    // at most the batch in flight (20) at each kill; in practice a handful
    expect(duplicates).toBeLessThanOrEqual(kills * 20);
    console.log(`crash test: ${kills} kills, ${ids.length} deliveries, ${duplicates} duplicates`);
  });
});
