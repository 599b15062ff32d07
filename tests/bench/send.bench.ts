// npm run bench:send — 5,000 invitations across six languages through the real path (issue 15): a staff member's
// POST "send to all members" on the built server (`node app/server.js` on the default on-disk embedded database, or
// PostgreSQL with BENCH_DATABASE_URL), the send-wave runner preparing the letters, and the mail worker sending them to
// a loopback SMTP sink in another process, until the sink has all of them (the sink's own count: the server is not
// asked while it works; its /metrics every 2 s for the memory split, and at the end for its record). Next to it,
// the raw ceiling measured in the same run before and after (A B A): react-email render + nodemailer pooled send of
// the same letter, no database, no HTTP (PERF-LIMITS 1e/2a). Also: how long the staff request took (goal < 1 s) and
// the server's peak RSS through the wave (goal ≤ 400 MB on the embedded database), split near the peak into the
// JavaScript heap, buffers outside it (PGlite's WebAssembly memory among them) and the rest.
//
// Knobs: BENCH_N (5000), BENCH_NODE_OPTIONS (handed to the server, e.g. "--max-old-space-size=160" to see what a
// smaller heap costs in speed), BENCH_CPU_PROF=<dir> (a V8 CPU profile of the server), BENCH_LOG_LEVEL and
// BENCH_KEEP_LOG=<file> (the server's log kept; with trace, every statement and its duration), BENCH_MAX_IN_FLIGHT
// (diagnosis: MAIL_MAX_IN_FLIGHT for the server; the figure keeps the default).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { render } from "@react-email/render";
import nodemailer from "nodemailer";

import type { DB } from "~/db.server";
import { supportedLngs } from "~/i18n";
import { EventSchema } from "~/lib/event-schemas";
import { hashPassword } from "~/lib/password.server";
import { createEvent } from "~/models/event.server";
import { createStaffUser } from "~/models/staff-user.server";
import { migrateToLatest } from "../../db/migrator";
import Letter from "../../emails/letter";
import { locationOf, TestClient } from "../helpers/http";
import { freePort } from "../helpers/ports";
import { runBench, serverArgs, startChild, stopChildren, stopChildrenOnExit, waitFor } from "./children";
import { benchDatabase, benchDatabaseLabel } from "./database";

const N = Number(process.env.BENCH_N ?? 5000);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PASSWORD = "a long enough bench passphrase";
const say = (text: string) => process.stderr.write(`bench:send  ${text}\n`);

async function startSink(): Promise<{ port: number; received: () => number; reached: (count: number) => Promise<void>; stop: () => void }> {
  const child = spawn(process.execPath, [path.join(ROOT, "tests/bench/sink-child.mjs")], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let received = 0;
  let waiting: { count: number; resolve: () => void }[] = [];
  let rest = "";
  const port = await new Promise<number>((resolve) => {
    child.stdout!.on("data", (chunk) => {
      const lines = (rest + String(chunk)).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("received ")) received = Number(line.slice("received ".length));
        else if (/^\d+$/.test(line)) resolve(Number(line));
      }
      waiting = waiting.filter((w) => (received >= w.count ? (w.resolve(), false) : true));
    });
  });
  return {
    port,
    received: () => received,
    // resolves once the sink holds `count` messages in all (counted from its start)
    reached: (count) => new Promise<void>((resolve) => (received >= count ? resolve() : waiting.push({ count, resolve }))),
    stop: () => child.kill("SIGTERM"),
  };
}

async function rawCeiling(port: number, count: number) {
  const transport = nodemailer.createTransport({ pool: true, maxConnections: 4, maxMessages: 10_000, host: "127.0.0.1", port, secure: false, ignoreTLS: true });
  const started = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const lang = supportedLngs[i % 6];
    const element = Letter({
      lang,
      organisation: "NEAR Secretariat",
      preview: `Invitation ${i}`,
      paragraphs: [`Dear Governor ${i},`, "The NEAR Secretariat has the honour to invite you to the 16th General Assembly.", "Yours sincerely,"],
      link: { url: `http://localhost:3000/r/${"x".repeat(43)}`, label: "Reply", intro: "Or copy:" },
      facts: { heading: "The meeting", rows: [{ label: "Dates", value: "16 – 17 June 2027, Ulan-Ude (UTC+8)" }] },
      footer: "footer",
    });
    const html = await render(element);
    sends.push(transport.sendMail({ from: "a@example.org", to: `m${i}@example.org`, subject: `Invitation ${i}`, html, text: `Dear Governor ${i}` }));
  }
  await Promise.all(sends);
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return count / seconds;
}

async function seed(db: DB) {
  await migrateToLatest(db);
  await createStaffUser(db, { email: "bench@example.org", displayName: "Bench", passwordHash: await hashPassword(PASSWORD), role: "admin" });
  const { id: eventId } = await createEvent(db, {
    ...EventSchema.parse({
      kind: "general_assembly",
      title: {
        en: "16th NEAR General Assembly",
        ko: "제16차 NEAR 총회",
        zh: "第16届全体会议",
        ja: "第16回総会",
        ru: "16-я Генеральная ассамблея",
        mn: "XVI Ерөнхий ассамблей",
      },
      venue: { en: "Ulan-Ude", ru: "Улан-Удэ" },
      timeZone: "Asia/Irkutsk",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      rsvpDeadline: "2027-05-14T18:00",
      quota: "5",
      categories: ["delegate"],
    }),
    status: "open",
  });
  const countries = { en: "VN", ko: "KR", zh: "CN", ja: "JP", ru: "RU", mn: "MN" } as const;
  for (let start = 0; start < N; start += 500) {
    const rows = Array.from({ length: Math.min(500, N - start) }, (_, k) => {
      const i = start + k;
      const lng = supportedLngs[i % 6];
      return {
        country: countries[lng],
        kind: "province" as const,
        names: JSON.stringify({ en: `Bench Region ${i}`, [lng]: `Region ${i}` }),
        default_locale: lng,
        time_zone: "Asia/Seoul",
      };
    });
    const members = await db.insertInto("member").values(rows).returning(["id", "default_locale"]).execute();
    await db
      .insertInto("contact")
      .values(
        members.map((m, k) => ({
          member_id: m.id,
          name_locale: m.default_locale,
          family_name: "Kim",
          given_name: `Gov${start + k}`,
          is_head: true,
          emails: [`gov${start + k}@example.org`],
          position: JSON.stringify({ en: "Governor" }),
        })),
      )
      .execute();
  }
  return { eventId };
}

async function plenaryThroughHttp(sink: Awaited<ReturnType<typeof startSink>>, dir: string) {
  const { db, env } = await benchDatabase(dir, "plenary_bench_send");
  let eventId: string;
  try {
    ({ eventId } = await seed(db));
  } finally {
    await db.destroy();
  }
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const plenary = startChild("plenary", serverArgs(ROOT), {
    cwd: ROOT,
    dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(port),
      APP_URL: appUrl,
      DATA_DIR: path.join(dir, "data"),
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      MAIL_RATE_PER_MINUTE: "0",
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      // diagnosis only: the figure the issue asks for keeps the default (2, the crash-duplicate bound of E3)
      ...(process.env.BENCH_MAX_IN_FLIGHT ? { MAIL_MAX_IN_FLIGHT: process.env.BENCH_MAX_IN_FLIGHT } : {}),
      ...env,
    },
  });
  await waitFor(plenary, (output) => output.includes("Plenary is running at"), "Plenary", 300_000);
  const client = new TestClient(appUrl);
  await client.signIn("bench@example.org", PASSWORD);
  if (!client.cookies.size) throw new Error("sign-in gave no session");

  // the server's memory, sampled through the whole wave
  let peakKb = 0;
  const sampler = setInterval(() => {
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${plenary.process.pid}/status`, "utf8"))?.[1] ?? 0);
    peakKb = Math.max(peakKb, kb);
  }, 100);
  try {
    const started = performance.now();
    const response = await client.post(`/events/${eventId}/invitations`, { intent: "send", mode: "all" });
    const requestMs = performance.now() - started;
    if (response.status !== 302 || !/wave=/.test(locationOf(response))) throw new Error(`the send request answered ${response.status} ${locationOf(response)}`);
    // done when the sink holds all N letters (its own count: the server is not asked while it works); where the
    // memory is at the peak (the JavaScript heap, buffers outside it, and the rest: PGlite's WebAssembly memory, code,
    // stacks) from the server's own /metrics, asked every 2 s (each answer counts the whole outbox)
    const base = sink.received();
    let split = "";
    let done = false;
    const allReceived = sink.reached(base + N).then(() => (done = true));
    while (!done) {
      await Promise.race([allReceived, new Promise((resolve) => setTimeout(resolve, 2000))]);
      if (plenary.process.exitCode !== null) throw new Error("Plenary exited during the wave");
      if (done) break;
      const metrics = await (await fetch(`${appUrl}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, "m").exec(metrics)?.[1] ?? 0) / 1024 / 1024;
      const rss = value("plenary_process_resident_memory_bytes");
      if (rss >= peakKb / 1024 - 1) {
        const heap = value("plenary_nodejs_heap_size_total_bytes");
        const external = value("plenary_nodejs_external_memory_bytes");
        split = `RSS ${rss.toFixed(0)} MB = JS heap ${heap.toFixed(0)} MB + external buffers ${external.toFixed(0)} MB + other ${(rss - heap - external).toFixed(0)} MB`;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const sent = sink.received() - base;
    // and the server recorded each of them as sent (its last records may follow the sink by a moment)
    for (let tries = 0; ; tries++) {
      const recorded = Number(/plenary_mail_messages\{status="sent"\} (\d+)/.exec(await (await fetch(`${appUrl}/metrics`)).text())?.[1] ?? 0);
      if (recorded >= N) break;
      if (tries === 50) throw new Error(`the sink holds ${sent} letters, the server recorded ${recorded} as sent`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { queued: sent, requestMs, seconds, rate: sent / seconds, peakMb: peakKb / 1024, split };
  } finally {
    clearInterval(sampler);
    await plenary.stop();
    // BENCH_KEEP_LOG=<file>: the server's log kept (with BENCH_LOG_LEVEL=trace: every statement and its duration)
    if (process.env.BENCH_KEEP_LOG) fs.copyFileSync(plenary.log, process.env.BENCH_KEEP_LOG);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-bench-send-"));
const sink = await startSink();
const cleanup = async (graceMs?: number) => {
  await stopChildren(graceMs);
  sink.stop();
  fs.rmSync(dir, { recursive: true, force: true });
};
stopChildrenOnExit(cleanup);
await runBench(async () => {
  await rawCeiling(sink.port, 200); // warm-up
  const before = await rawCeiling(sink.port, Math.min(N, 2000));
  say(`ceiling ${before.toFixed(0)} msg/s; seeding ${N} members and starting Plenary…`);
  const plenary = await plenaryThroughHttp(sink, dir);
  const after = await rawCeiling(sink.port, Math.min(N, 2000));
  const ceiling = (before + after) / 2;
  const ratio = plenary.rate / ceiling;
  console.log(`\nbench:send — ${plenary.queued} invitations in six languages, ${benchDatabaseLabel}, ${os.cpus().length} cores, Node ${process.version}`);
  console.log(`  raw ceiling (react-email render + nodemailer pool → loopback sink): ${before.toFixed(0)} msg/s before, ${after.toFixed(0)} after`);
  console.log(`  Plenary (HTTP send → wave runner → mail worker → sink): ${plenary.rate.toFixed(0)} invitations/s, ${plenary.seconds.toFixed(1)} s in all`);
  console.log(`  the staff request returned in ${plenary.requestMs.toFixed(0)} ms (goal < 1,000 ms)`);
  console.log(`  server peak RSS through the wave: ${plenary.peakMb.toFixed(0)} MB (goal ≤ 400 MB on the embedded database)`);
  console.log(`  near the peak: ${plenary.split}`);
  console.log(`  ratio: ${ratio.toFixed(2)} (goal ≥ 0.5)`);
}, cleanup);
