// npm run bench:rsvp — the public reply page under load (autocannon, 50 connections): GET /r/<token> of 5-person
// delegations and real 5-person answers POSTed to it, against the built Plenary server (`node app/server.js` as in
// the default setup: mail worker in the same process, local mailbox) on the embedded database (default) or on
// PostgreSQL (BENCH_DATABASE_URL: a database `plenary_bench_rsvp` of its own), next to the ceiling measured in the
// same run and interleaved with it (ceiling, app, ceiling, app …, both servers up all along): a minimal Remix v2 app
// (classic compiler, loader → json(), @remix-run/express, NODE_ENV=production; PERF-LIMITS 4c/4e). Prints req/s,
// p99 and `ratio:` (goal ≥ 0.5).
//
// The ceiling app is tests/bench/minimal-remix (its own remix.config.js/package.json). It is built here with the
// repository's @remix-run/dev; its modules resolve from the root node_modules and every output goes to
// tests/.tmp/minimal-remix (git-ignored, eslint-ignored, removed at the end).
//
// Knobs: BENCH_SECONDS (10) per side and measurement, in BENCH_ROUNDS (2) interleaved rounds, BENCH_WARMUP_SECONDS
// (3), BENCH_CONNECTIONS (50), BENCH_INVITATIONS (2000: the 82 demo members plus members with an office address
// only, all invited), BENCH_LOG_LEVEL (info, as in production: the server logs one line per request),
// BENCH_CPU_PROF (a directory for the server's V8 CPU profile), BENCH_NODE_OPTIONS (handed to the server),
// BENCH_MAIL_WORKER=false (diagnosis: the server without its mail worker), BENCH_KEEP_LOG (a file to copy the
// server's log to).
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { sql } from "kysely";

import type { DB } from "~/db.server";
import { parseEnv } from "~/env.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { linkKeys, sendInvitations } from "~/mail/invitations.server";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, createProgrammeItem, transitionEvent } from "~/models/event.server";
import { ensureLinkToken, findInvitationByToken } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { createStaffUser } from "~/models/staff-user.server";
import { migrateToLatest } from "../../db/migrator";
import { freePort } from "../helpers/ports";
import { runBench, serverArgs, startChild, stopChildren, stopChildrenOnExit, waitFor } from "./children";
import { benchDatabase, benchDatabaseLabel } from "./database";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const EXTRA_MEMBERS = Math.max(0, Number(process.env.BENCH_INVITATIONS ?? 2000) - 82);
const DELEGATION = 5;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURE = path.join(ROOT, "tests/bench/minimal-remix");
const FIXTURE_OUT = path.join(ROOT, "tests/.tmp/minimal-remix");

// autocannon ships no types; this is the part of its programmatic API used here.
type CannonRequest = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
type CannonOptions = {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  timeout?: number;
  requests?: (CannonRequest & {
    setupRequest?: (request: CannonRequest, context: any) => CannonRequest;
    onResponse?: (status: number, body: string, context: any) => void;
  })[];
};
type CannonResult = {
  requests: { total: number };
  latency: { p50: number; p99: number };
  throughput: { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
};
const autocannon = createRequire(import.meta.url)("autocannon") as (
  options: CannonOptions,
  done: (error: Error | null, result: CannonResult) => void,
) => { stop: () => void };

function cannon(options: CannonOptions): Promise<CannonResult> {
  return new Promise((resolve, reject) => autocannon({ timeout: 30, ...options }, (error, result) => (error ? reject(error) : resolve(result))));
}

type Row = { label: string; rps: number; p50: number; p99: number; statuses: Record<string, number>; errors: number; bytes: number; seconds: number };

function summarize(label: string, result: CannonResult): Row {
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    label,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
    errors: result.errors,
    bytes: result.requests.total ? result.throughput.total / result.requests.total : 0,
    seconds: result.duration,
  };
}

const say = (text: string) => process.stderr.write(`bench:rsvp  ${text}\n`);

/** PERF-LIMITS 4c: the minimal Remix app, built with the classic compiler and served by @remix-run/express. */
async function startMinimalRemix(dir: string) {
  const remix = path.join(ROOT, "node_modules/.bin/remix");
  const build = spawnSync(remix, ["build"], { cwd: FIXTURE, encoding: "utf8", env: { ...process.env, NODE_ENV: "production" } });
  if (build.status !== 0) throw new Error(`minimal Remix build failed:\n${build.stdout}\n${build.stderr}`);
  const port = await freePort();
  const child = startChild("minimal-remix", [path.join(FIXTURE, "server.mjs")], {
    cwd: FIXTURE,
    env: { PATH: process.env.PATH, NODE_ENV: "production" as const, PORT: String(port) },
    dir,
  });
  await waitFor(child, (output) => output.includes("listening"), "the minimal Remix server", 30_000);
  const page = await fetch(`http://127.0.0.1:${port}/`);
  if (page.status !== 200) throw new Error(`the minimal Remix page answered ${page.status}`);
  await page.text();
  return { child, url: `http://127.0.0.1:${port}` };
}

/**
 * One open event with three programme items; the 82 demo members plus EXTRA_MEMBERS more (office address only),
 * all invited through sendInvitations (tokens, outbox rows, letters in the member's language).
 */
async function seed(db: DB, env: ReturnType<typeof parseEnv>) {
  await migrateToLatest(db);
  const user = await createStaffUser(db, { email: "bench@example.org", displayName: "Bench", passwordHash: "x", role: "admin" });
  await loadDemoData(db);
  const languages = ["en", "ko", "zh", "ja", "ru", "mn"] as const;
  const countries = { en: "VN", ko: "KR", zh: "CN", ja: "JP", ru: "RU", mn: "MN" } as const;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < EXTRA_MEMBERS; i++) {
      const lng = languages[i % languages.length];
      await createMember(
        trx,
        MemberSchema.parse({
          country: countries[lng],
          kind: "province",
          names: { en: `Bench Region ${i}`, [lng]: `Region ${i} (${lng})` },
          defaultLocale: lng,
          timeZone: "Asia/Seoul",
          officeEmail: `office${i}@bench.example.org`,
        }),
      );
    }
  });
  const event = await createEvent(
    db,
    EventSchema.parse({
      kind: "general_assembly",
      timeZone: "Asia/Seoul",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      rsvpDeadline: "2027-05-14T18:00",
      format: "in_person",
      quota: "5",
      categories: ["delegate"],
      title: {
        en: "16th NEAR General Assembly",
        ko: "제16차 NEAR 총회",
        zh: "第16届全体会议",
        ja: "第16回総会",
        ru: "16-я Генеральная ассамблея",
        mn: "XVI Ерөнхий ассамблей",
      },
      venue: { en: "Pohang, POSCO International Center", ko: "포항 포스코국제관" },
      contactName: "NEAR Secretariat",
      contactEmail: "secretariat@near.example.org",
      contactPhone: "+82 54 223 2311",
    }),
  );
  const items = [
    ["plenary", "2027-06-16T09:00", "2027-06-16T12:00", "Plenary session", "본회의"],
    ["welcome_dinner", "2027-06-16T19:00", "2027-06-16T21:00", "Welcome dinner", "환영 만찬"],
    ["field_trip", "2027-06-17T14:00", "2027-06-17T18:00", "Field trip to Pohang steelworks", "포항제철소 시찰"],
  ] as const;
  for (const [kind, start, end, en, ko] of items) {
    await createProgrammeItem(db, {
      eventId: event.id,
      timeZone: "Asia/Seoul",
      input: ProgrammeItemSchema.parse({ kind, start, end, title: { en, ko }, attendanceAsked: "on" }),
    });
  }
  await transitionEvent(db, { id: event.id, version: 1, to: "open" });
  const sent = await sendInvitations(db, { env, eventId: event.id, audience: { mode: "all" }, user: { id: user.id, email: user.email }, bilingual: false });
  const ids = (await db.selectFrom("invitation").select("id").where("event_id", "=", event.id).orderBy("id").execute()).map((r) => r.id);
  // the links as the worker puts them into the letters: unsealed from the live token of each invitation
  const tokens = [];
  for (const id of ids) tokens.push(await ensureLinkToken(db, { invitationId: id, keys: linkKeys(env) }));
  if (!(await findInvitationByToken(db, { token: tokens[0] }))) throw new Error("the computed link token does not match the stored one");
  return { eventId: event.id, tokens, queued: sent.queued };
}

/** A 5-person delegation (head, deputy, two officials, an interpreter), as the form posts it. */
function answerBody(revision: number) {
  const roles = ["head", "deputy", "official", "official", "interpreter"];
  const fields: Record<string, string> = { response: "attending", revision: String(revision), submission: crypto.randomUUID() };
  for (let i = 0; i < DELEGATION; i++) {
    Object.assign(fields, {
      [`delegates[${i}].role`]: roles[i % roles.length],
      [`delegates[${i}].nameLocale`]: "en",
      [`delegates[${i}].givenName`]: ["Ann", "Boris", "Chen", "Dorj", "Emi"][i % 5],
      [`delegates[${i}].latinFamilyName`]: ["Lee", "Ivanov", "Wang", "Bat", "Sato"][i % 5],
      [`delegates[${i}].title`]: "Director, International Affairs",
    });
  }
  return new URLSearchParams(fields).toString();
}

/** Rounds of one side, summed: requests over seconds, the worst round's p99, the median round's p50. */
function combine(label: string, rows: Row[]): Row {
  const seconds = rows.reduce((sum, r) => sum + r.seconds, 0);
  const requests = rows.reduce((sum, r) => sum + r.rps * r.seconds, 0);
  const statuses: Record<string, number> = {};
  for (const row of rows) for (const [code, n] of Object.entries(row.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  const p50s = rows.map((r) => r.p50).sort((x, y) => x - y);
  return {
    label,
    rps: requests / seconds,
    p50: p50s[Math.floor(p50s.length / 2)],
    p99: Math.max(...rows.map((r) => r.p99)),
    statuses,
    errors: rows.reduce((sum, r) => sum + r.errors, 0),
    bytes: rows.reduce((sum, r) => sum + r.bytes * r.rps * r.seconds, 0) / Math.max(1, requests),
    seconds,
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-bench-rsvp-"));
const cleanup = async (graceMs?: number) => {
  await stopChildren(graceMs);
  // BENCH_KEEP_LOG=<file>: the server's log kept (with BENCH_LOG_LEVEL=trace: every statement and its duration)
  if (process.env.BENCH_KEEP_LOG && fs.existsSync(path.join(dir, "plenary.log"))) fs.copyFileSync(path.join(dir, "plenary.log"), process.env.BENCH_KEEP_LOG);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(FIXTURE_OUT, { recursive: true, force: true });
};
stopChildrenOnExit(cleanup);

await runBench(async () => {
  const started = performance.now();
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const database = await benchDatabase(dir, "plenary_bench_rsvp");
  // the server parses the same settings: same secrets, so the tokens computed here are its tokens
  const serverEnv = {
    PATH: process.env.PATH,
    NODE_ENV: "production" as const,
    PORT: String(port),
    APP_URL: appUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    // for a diagnosis only (the figures the issue asks for keep the worker in the process)
    ...(process.env.BENCH_MAIL_WORKER ? { MAIL_WORKER: process.env.BENCH_MAIL_WORKER } : {}),
    ...database.env,
  };
  const env = parseEnv(serverEnv);

  say(`seeding ${EXTRA_MEMBERS} + 82 invitations (${benchDatabaseLabel})…`);
  let seeded: Awaited<ReturnType<typeof seed>>;
  try {
    seeded = await seed(database.db, env);
  } finally {
    await database.db.destroy();
  }
  const { tokens, eventId } = seeded;
  if (tokens.length <= CONNECTIONS) throw new Error(`need more invitations than connections (${tokens.length} ≤ ${CONNECTIONS})`);
  say(`seeded ${tokens.length} invitations (${seeded.queued} letters queued) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // both servers run all along; measurements alternate between them
  say("building and starting the minimal Remix app…");
  const minimal = await startMinimalRemix(dir);
  say("starting Plenary (as npm start does; builds first if the build is stale)…");
  const plenary = startChild("plenary", serverArgs(ROOT), { cwd: ROOT, env: serverEnv, dir });
  await waitFor(plenary, (output) => output.includes("Plenary is running at"), "Plenary", 300_000);
  const first = await fetch(`${appUrl}/r/${tokens[0]}`);
  const html = await first.text();
  if (first.status !== 200 || !html.includes('name="revision" value="1"')) throw new Error(`GET /r/<token> answered ${first.status} without the reply form`);

  // Answers: every POST is a real answer from a link holder, with a fresh submission id and the revision the
  // invitation is at. Links wait in a queue: first answers (revision 1) first; a link whose answer came back goes
  // to the end with its new revision, so later POSTs change an answer (which is just as real). A link is never in
  // flight twice, and stays far below its 60 POSTs an hour.
  const queue = tokens.map((token) => ({ token, revision: 1 }));
  let changes = 0;
  const postHeaders = { Origin: appUrl, "Content-Type": "application/x-www-form-urlencoded" };
  type PostContext = { link?: { token: string; revision: number } };
  const postRequests = [
    {
      setupRequest: (request: CannonRequest, context: PostContext) => {
        const link = queue.shift();
        if (!link) throw new Error("every link is in flight: raise BENCH_INVITATIONS");
        if (link.revision > 1) changes++;
        context.link = link;
        return { ...request, method: "POST", path: `/r/${link.token}`, headers: { ...postHeaders }, body: answerBody(link.revision) };
      },
      onResponse: (status: number, _body: string, context: PostContext) => {
        if (!context.link) return;
        queue.push({ token: context.link.token, revision: context.link.revision + (status === 303 ? 1 : 0) });
        context.link = undefined;
      },
    },
  ];
  const probeLink = queue.shift()!;
  const probe = await fetch(`${appUrl}/r/${probeLink.token}`, { method: "POST", headers: postHeaders, body: answerBody(1), redirect: "manual" });
  if (probe.status !== 303) throw new Error(`POST /r/<token> answered ${probe.status}, not 303:\n${(await probe.text()).slice(0, 2000)}`);
  queue.push({ token: probeLink.token, revision: 2 });

  // 1. every invitation answers once with its 5-person delegation (amount-based: each answer sent is answered and
  // counted); this is also the POST warm-up, and from here on every reply page shows five people
  say(`first answers: ${tokens.length - 1} delegations of ${DELEGATION}…`);
  const firstAnswers = summarize("first answers", await cannon({ url: appUrl, connections: CONNECTIONS, amount: tokens.length - 1, requests: postRequests }));

  // 2. GET, interleaved with the ceiling
  let next = 0;
  const getRequests = [{ setupRequest: (request: CannonRequest) => ({ ...request, method: "GET", path: `/r/${tokens[next++ % tokens.length]}` }) }];
  const slice = SECONDS / ROUNDS;
  say(`warm-up ${WARMUP} s each, then ${ROUNDS} × (ceiling ${slice} s, GET ${slice} s), then ${ROUNDS} × (ceiling ${slice} s, POST ≈ ${slice} s)`);
  await cannon({ url: `${minimal.url}/`, connections: CONNECTIONS, duration: WARMUP });
  await cannon({ url: appUrl, connections: CONNECTIONS, duration: WARMUP, requests: getRequests });
  const ceilingRows: Row[] = [];
  const getRows: Row[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ceilingRows.push(summarize("ceiling", await cannon({ url: `${minimal.url}/`, connections: CONNECTIONS, duration: slice })));
    getRows.push(summarize("GET", await cannon({ url: appUrl, connections: CONNECTIONS, duration: slice, requests: getRequests })));
  }

  // 3. POST (answers changed), interleaved with the ceiling; amount-based, sized from the first answers' rate
  const maxAnswers = tokens.length * 50; // per link: at most 50 of the 60 POSTs an hour the server allows
  const amount = Math.min(Math.max(CONNECTIONS, Math.round(firstAnswers.rps * slice)), Math.floor((maxAnswers - tokens.length) / ROUNDS));
  const changesBefore = changes;
  const postRows: Row[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ceilingRows.push(summarize("ceiling", await cannon({ url: `${minimal.url}/`, connections: CONNECTIONS, duration: slice })));
    postRows.push(summarize("POST", await cannon({ url: appUrl, connections: CONNECTIONS, amount, requests: postRequests })));
  }
  const postChanges = changes - changesBefore;
  await plenary.stop();
  await minimal.child.stop();
  const ceiling = combine("minimal Remix (ceiling)", ceilingRows);
  const get = combine("GET  /r/<token>", getRows);
  const post = combine("POST /r/<token> answer", postRows);

  // 4. every 303 is one saved answer: one history row, one revision more, one confirmation queued, nothing more
  const answered = 1 + (firstAnswers.statuses["303"] ?? 0) + (post.statuses["303"] ?? 0);
  const checkDb = await database.open();
  let history = 0;
  let revisions = 0;
  let confirmations = 0;
  let people = 0;
  try {
    const n = (row: { n: string | number | null }) => Number(row.n ?? 0);
    history = n(
      await checkDb
        .selectFrom("invitation_change")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("event_id", "=", eventId)
        .executeTakeFirstOrThrow(),
    );
    revisions = n(
      await checkDb
        .selectFrom("invitation")
        .select(sql<string>`sum(revision - 1)`.as("n"))
        .where("event_id", "=", eventId)
        .executeTakeFirstOrThrow(),
    );
    confirmations = n(
      await checkDb
        .selectFrom("email_message")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("kind", "=", "confirmation")
        .executeTakeFirstOrThrow(),
    );
    people = n(
      await checkDb
        .selectFrom("delegate")
        .innerJoin("invitation", "invitation.id", "delegate.invitation_id")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("invitation.event_id", "=", eventId)
        .executeTakeFirstOrThrow(),
    );
  } finally {
    await checkDb.destroy();
  }

  const fmt = (value: number, width: number, digits = 0) => value.toFixed(digits).padStart(width);
  const others = (row: Row, expected: string) =>
    Object.entries(row.statuses)
      .filter(([code]) => code !== expected)
      .map(([code, n]) => `${code}×${n}`)
      .concat(row.errors ? [`errors×${row.errors}`] : [])
      .join(" ") || "0";
  const line = (row: Row, expected: string, extra = "") =>
    `${row.label.padEnd(25)}${fmt(row.rps, 7)}${fmt(row.p99, 10)}${fmt(row.p50, 9)}   ${`${expected}×${row.statuses[expected] ?? 0}`.padEnd(10)} ${others(row, expected).padEnd(7)}${fmt(row.bytes / 1024, 7, 1)}${fmt(row.seconds, 7, 1)}${extra}`;
  const ratio = (row: Row) => `   ${(row.rps / ceiling.rps).toFixed(2)} ×, p99 ×${(row.p99 / ceiling.p99).toFixed(1)}`;
  console.log(
    `\nbench:rsvp  (autocannon, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${slice} s per side after a warm-up; ${benchDatabaseLabel}; ` +
      `mail worker in the process; ${tokens.length} invitations, delegations of ${DELEGATION})`,
  );
  console.log(
    `${"".padEnd(25)}${"req/s".padStart(7)}${"p99 ms".padStart(10)}${"p50 ms".padStart(9)}   ${"expected".padEnd(10)} ${"other".padEnd(7)}${"KB/resp".padStart(8)}${"s".padStart(6)}`,
  );
  console.log(line(ceiling, "200"));
  console.log(line(firstAnswers, "303"));
  console.log(line(get, "200", ratio(get)));
  console.log(line(post, "303", ratio(post)));
  console.log(`POST: ${post.statuses["303"] ?? 0} answers, each changing an earlier one (${postChanges} sent as changes)`);
  const ok = history === answered && revisions === answered && confirmations === answered && people === tokens.length * DELEGATION;
  console.log(
    `checked in the database after the server stopped: ${answered} × 303 (probe + first answers + run) → ${history} invitation_change rows, ` +
      `${revisions} revisions added, ${confirmations} confirmations queued, ${people} delegates (${tokens.length} × ${DELEGATION}) — ${ok ? "OK" : "MISMATCH"}`,
  );
  console.log(`ratio: ${(get.rps / ceiling.rps).toFixed(2)} (GET; goal ≥ 0.5, p99 ≤ 2 × the ceiling's: ×${(get.p99 / ceiling.p99).toFixed(1)})`);
  console.log(`ratio: ${(post.rps / ceiling.rps).toFixed(2)} (POST; goal ≥ 0.5)`);
  console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (!ok || others(get, "200") !== "0" || others(post, "303") !== "0" || others(firstAnswers, "303") !== "0") process.exitCode = 1;
}, cleanup);
