import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type Cluster, startCluster } from "~/cli/cluster.server";
import { createPostgresDb } from "~/db.server";
import { enqueueMessage } from "~/models/email-message.server";
import { adminQuery, usingPostgres } from "../helpers/db";
import { createAssembly } from "../helpers/events";
import { locationOf, TestClient } from "../helpers/http";
import { ROOT, TMP } from "../helpers/paths";
import { SmtpSink } from "../helpers/smtp-sink";

/**
 * Issue 20: the production topology, tested as it runs: nginx (deploy/nginx/plenary.conf) in front of two web
 * processes and two mail workers started from deploy/systemd's units with deploy/plenary.env.example's
 * variables, on one PostgreSQL database that starts empty (the processes race to migrate it). While a
 * 2,000-message wave is sending and member offices answer through the proxy, each web process and each worker is
 * restarted in turn: every request is answered, every message is delivered (a SIGTERM'd worker finishes what it
 * is sending), and /metrics adds up to what the relay received.
 */
const nginxAvailable = spawnSync("nginx", ["-v"]).status === 0;
if (process.env.CI && process.env.PLENARY_CLUSTER_TEST === "1" && !nginxAvailable) throw new Error("nginx is missing: .ci/run installs Debian's nginx-light");

const WAVE = 2_000;
const LINKS = 3 * 82;

// It starts five processes and restarts them under load: run alone, not beside the rest of the suite's forks
// (.ci/run has a step for it; once in about four runs it failed when it shared the two cores with them).
const wanted = process.env.PLENARY_CLUSTER_TEST === "1";

describe.skipIf(!usingPostgres || !nginxAvailable || !wanted)("nginx, two web processes and two workers on PostgreSQL, restarted one at a time", () => {
  let cluster: Cluster;
  let sink: SmtpSink;
  let databaseUrl = "";
  const databaseName = `plenary_cluster_${process.pid}_${Date.now() % 100000}`;
  const workDir = path.join(TMP, `cluster-${process.pid}`);

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    await adminQuery(`CREATE DATABASE "${databaseName}"`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    cluster = await startCluster({
      databaseUrl,
      workDir,
      env: { SMTP_URL: sink.url(), MAIL_RATE_PER_MINUTE: "0", MAIL_RETRY_BASE_SECONDS: "0.2", LOG_LEVEL: "warn" },
    });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await sink?.stop();
    await adminQuery(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("the web processes raced to migrate an empty database: each migration ran once, and both are ready", async () => {
    const db = createPostgresDb(databaseUrl, 1);
    try {
      const applied = await db
        .selectFrom("kysely_migration" as never)
        .select("name" as never)
        .execute();
      const names = applied.map((row) => (row as { name: string }).name);
      expect(new Set(names).size).toBe(names.length);
      expect(names.length).toBeGreaterThan(10);
    } finally {
      await db.destroy();
    }
    for (const port of cluster.webPorts) expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect((await fetch(`${cluster.url}/readyz`)).status).toBe(200);
  });

  it("a wave and the members' answers survive rolling restarts of every process; /metrics adds up to the relay's count", async () => {
    // the first administrator, with the command-line tool, as the README says
    const created = spawnSync(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["app/cli/user-create.ts", "--email", "sg@near.example.org", "--role", "admin", "--password-stdin"],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, NODE_ENV: "production", DATABASE_URL: databaseUrl, SESSION_SECRET: "x".repeat(40), LOG_LEVEL: "warn" },
        input: "correct horse battery staple 2026\n",
        encoding: "utf8",
      },
    );
    expect(created.status, created.stderr).toBe(0);
    const staff = new TestClient(cluster.url);
    expect(locationOf(await staff.signIn("sg@near.example.org", "correct horse battery staple 2026"))).toBe("/");
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
    // three meetings, each invitation to all 82 members: 246 reply links, answered all at once below
    for (const title of ["16th NEAR General Assembly", "Economy and Trade Subcommittee", "Environment Subcommittee"]) {
      const eventPath = await createAssembly(staff, { "title.en": title });
      expect((await staff.post(eventPath, { to: "open", version: "1" })).status).toBe(302);
      expect((await staff.post(`${eventPath}/invitations`, { intent: "send", mode: "all" })).status).toBe(302);
    }

    // a 2,000-message wave in the outbox (as a large meeting's send would leave it)
    const db = createPostgresDb(databaseUrl, 2);
    try {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < WAVE; i++) {
          await enqueueMessage(trx, {
            idempotencyKey: `wave:${i}`,
            messageId: `<wave-${i}@near.example.org>`,
            kind: "test",
            locale: "en",
            to: [{ address: `delegate-${i}@example.org` }],
            subject: `Wave ${i}`,
            html: `<p>${i}</p>`,
            text: String(i),
          });
        }
      });
    } finally {
      await db.destroy();
    }

    // the invitations' links, out of the mail the relay received
    const deadline = Date.now() + 60_000;
    while (new Set(sink.messages.filter((m) => m.text?.includes("/r/")).map((m) => m.messageId)).size < LINKS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const links = [...new Set(sink.messages.map((m) => m.text?.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)?.[0]).filter(Boolean) as string[])];
    expect(links).toHaveLength(LINKS);

    // member offices answer through the proxy while every process is restarted in turn
    const statuses: number[] = [];
    const failures: string[] = [];
    // A browser retries a request once when the proxy closed the kept-alive connection it reused before any
    // byte of the answer came (nginx closes idle client connections on a graceful reload): so does this client.
    let clientRetries = 0;
    const once = async <T>(send: () => Promise<T>) => {
      try {
        return await send();
      } catch (error) {
        if (!/other side closed|ECONNRESET|fetch failed/i.test(String((error as Error).cause ?? error))) throw error;
        clientRetries++;
        return send();
      }
    };
    const answer = async (link: string, response: string) => {
      const path = new URL(link).pathname;
      const client = new TestClient(cluster.url);
      const page = await once(() => client.get(path));
      statuses.push(page.status);
      const html = await page.text();
      const revision = html.match(/name="revision" value="(\d+)"/)?.[1];
      const submission = html.match(/name="submission" value="([0-9a-f-]{36})"/)?.[1];
      if (!revision || !submission) return void failures.push(`${page.status} without a form: ${path}`);
      const posted = await once(() => client.post(path, { response, revision, submission }));
      statuses.push(posted.status);
      if (posted.status !== 303 && posted.status !== 302) failures.push(`POST ${posted.status}`);
    };
    let stop = false;
    const load = (async () => {
      for (let round = 0; !stop || round < 2; round++) {
        const response = round % 2 === 0 ? "declining" : "undecided";
        // 246 member offices at once, each opening its link and answering
        await Promise.all(links.map((link) => answer(link, response)));
        if (round > 40) break;
      }
    })();
    await cluster.restartWeb(0);
    await cluster.restartWorker(0);
    await cluster.restartWeb(1);
    await cluster.restartWorker(1);
    stop = true;
    await load;

    if (failures.length) {
      const nginxLog = path.join(workDir, "nginx/error.log");
      console.log(
        fs.existsSync(nginxLog)
          ? fs
              .readFileSync(nginxLog, "utf8")
              .split("\n")
              .filter((l) => !/no live upstreams/.test(l))
              .join("\n")
              .slice(0, 6000)
          : "no nginx log",
        cluster.logs().slice(-6000),
      );
    }
    expect(failures).toEqual([]);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.length).toBeGreaterThanOrEqual(4 * LINKS);
    // Retries are keep-alive races only: each nginx reload (four here) closes every idle client connection, and
    // how many of the 246 offices' pooled connections are idle at that moment is timing (0, 27 and 244 were
    // seen on the same code). A server that dropped requests would fail the retry too, and `once` lets that
    // throw; so the count is reported, and the guarantees are the ones above: no failure, no 5xx, every answer.
    console.log(`cluster: ${statuses.length} answers to ${LINKS} concurrent offices during the restarts, ${clientRetries} client retries`);
    expect(clientRetries).toBeLessThanOrEqual(4 * LINKS);

    // every message delivered (the wave, the invitations, the replies' confirmations); a SIGTERM'd worker finished
    // what it was sending, so none twice
    const outbox = createPostgresDb(databaseUrl, 1);
    let rows: { status: string; n: string }[] = [];
    try {
      const finished = Date.now() + 120_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 250));
        rows = (await outbox
          .selectFrom("email_message")
          .select(["status", (eb) => eb.fn.countAll<string>().as("n")])
          .groupBy("status")
          .execute()) as typeof rows;
      } while (rows.some((r) => r.status !== "sent") && Date.now() < finished);
    } finally {
      await outbox.destroy();
    }
    expect(rows.map((r) => r.status)).toEqual(["sent"]);
    const total = Number(rows[0].n);
    expect(total).toBeGreaterThanOrEqual(WAVE + LINKS);
    const unique = new Set(sink.accepted.map((a) => a.messageId)).size;
    expect(unique).toBe(total);
    expect(sink.accepted.length - unique).toBe(0);

    // the metrics: from loopback through nginx the app sees a proxied request and wants the token
    expect((await fetch(`${cluster.url}/metrics`)).status).toBe(403);
    const viaProxy = await fetch(`${cluster.url}/metrics`, { headers: { Authorization: `Bearer ${cluster.metricsToken}` } });
    expect(viaProxy.status).toBe(200);
    const direct = await (await fetch(`http://127.0.0.1:${cluster.webPorts[0]}/metrics`)).text();
    const sent = Number(direct.match(/^plenary_mail_messages\{status="sent"\} (\d+)/m)?.[1]);
    expect(sent).toBe(total);
    expect(direct).toMatch(/^plenary_http_request_duration_seconds_count\{kind="reply_post",method="POST",status="3xx"\} \d+/m);
    expect(direct).toMatch(/^plenary_event_loop_lag_p99_seconds \d/m);
    expect(direct).toMatch(/^plenary_db_pool_connections\{state="total"\} \d+/m);
  }, 300_000);
});
