// npm run bench:scale — the staff pages and PDFs of an event at 82 / 2,000 / 10,000 delegates (issue 15), against
// the built Plenary server (`node app/server.js`, embedded PGlite, as `npm start` runs it). For each size: the
// event page, the replies overview, the List of Participants page, the roster PDF and the badges PDF, each with its
// server time (median of BENCH_RUNS, after one warm-up) and its bytes (raw, and on the wire with brotli). Then
// /healthz's p99 while the largest badges PDF renders, next to its p99 at rest measured in the same run just before
// (the ceiling: the same request on an idle server), and the server's peak RSS.
//
// Goals (issue 15): each page < 300 ms on the server and < 300 KB; /healthz p99 < 100 ms during the PDF.
// The line `ratio:` gives the worst page time at the largest size over the 300 ms budget (goal ≤ 1).
//
// Knobs: BENCH_SIZES ("82,2000,10000": people per event; 82 is one per demo member, larger sizes five per member,
// with extra members beyond the 82 demo ones), BENCH_RUNS (5).
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createPgliteDb, type DB, openPglite } from "~/db.server";
import { parseEnv } from "~/env.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { hashPassword } from "~/lib/password.server";
import { replySchema } from "~/lib/reply-schemas";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply } from "~/models/reply.server";
import { createStaffUser } from "~/models/staff-user.server";
import { migrateToLatest } from "../../db/migrator";
import { TestClient } from "../helpers/http";
import { freePort } from "../helpers/ports";
import { median, runBench, serverArgs, startChild, stopChildren, stopChildrenOnExit, waitFor } from "./children";

const SIZES = (process.env.BENCH_SIZES ?? "82,2000,10000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PAGE_MS = 300;
const PAGE_KB = 300;
const HEALTH_MS = 100;
const PASSWORD = "a long enough bench passphrase";

const say = (text: string) => process.stderr.write(`bench:scale  ${text}\n`);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** Latin names of five scripts' worth of people: the roster sorts and the PDFs shape them. */
const GIVEN = ["Lecheng", "Hanako", "Cheolsu", "Ulziibat", "Oleg", "Anna", "Jianguo", "Sakura"];
const FAMILY = ["Li", "Sato", "Kim", "Tserengiin", "Ivanov", "Wang", "Tanaka", "Park"];

/** One open event per size; its invitations all answered "attending" through the reply model (as the form does). */
async function seed(db: DB, key: Buffer) {
  await migrateToLatest(db);
  const admin = await createStaffUser(db, { email: "bench@example.org", displayName: "Bench", passwordHash: await hashPassword(PASSWORD), role: "admin" });
  await loadDemoData(db);
  const needed = Math.max(...SIZES.map((n) => (n <= 82 ? n : Math.ceil(n / 5))));
  const memberIds = (await db.selectFrom("member").select("id").orderBy("id").execute()).map((m) => m.id);
  await db.transaction().execute(async (trx) => {
    for (let i = memberIds.length; i < needed; i++) {
      const { id } = await createMember(
        trx,
        MemberSchema.parse({
          country: ["CN", "JP", "KR", "MN", "RU"][i % 5],
          kind: "province",
          names: { en: `Bench Region ${i}` },
          defaultLocale: "en",
          timeZone: "Asia/Seoul",
        }),
      );
      memberIds.push(id);
    }
  });
  const events: { size: number; id: string }[] = [];
  for (const size of SIZES) {
    const perMember = size <= 82 ? 1 : 5;
    const { id: eventId } = await createEvent(
      db,
      EventSchema.parse({
        kind: "general_assembly",
        title: { en: `Scale ${size}` },
        timeZone: "Asia/Seoul",
        start: "2027-06-16T09:00",
        end: "2027-06-17T18:00",
        quota: "5",
        categories: ["delegate"],
      }),
    );
    await transitionEvent(db, { id: eventId, version: 1, to: "open" });
    const schema = replySchema({ quota: 5, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false });
    for (let m = 0; m * perMember < size; m++) {
      const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: memberIds[m], letterLocale: "en", createdBy: admin.id });
      const count = Math.min(perMember, size - m * perMember);
      const input = schema.parse({
        response: "attending",
        revision: "1",
        submission: crypto.randomUUID(),
        delegates: Array.from({ length: count }, (_, n) => ({
          role: n === 0 ? "head" : "accompanying",
          nameLocale: "en",
          givenName: GIVEN[(m + n) % GIVEN.length],
          familyName: `${FAMILY[(m * 3 + n) % FAMILY.length]}-${m}`,
        })),
      });
      const outcome = await db
        .transaction()
        .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key, passportAllowed: false }));
      if (outcome.status !== "saved") throw new Error(`reply not saved: ${outcome.status}`);
    }
    events.push({ size, id: eventId });
    say(`seeded ${size} delegates`);
  }
  return events;
}

/** One GET as a browser sends it (cookie, Accept-Encoding: br), timed to the last byte; bytes on the wire. */
function wireGet(url: string, cookie: string, encoding = "br"): Promise<{ status: number; ms: number; wire: number; type: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(url, { headers: { cookie, "accept-encoding": encoding } }, (response) => {
      let wire = 0;
      response.on("data", (chunk: Buffer) => (wire += chunk.length));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, wire, type: String(response.headers["content-type"] ?? "") }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

/** /healthz answered back to back (one at a time, as a load balancer's probe would) until `until` settles. */
async function probeHealth(url: string, until: Promise<unknown>) {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  while (!done) {
    latencies.push((await wireGet(`${url}/healthz`, "", "identity")).ms);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return latencies;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-bench-scale-"));
const cleanup = async (graceMs?: number) => {
  await stopChildren(graceMs);
  fs.rmSync(dir, { recursive: true, force: true });
};
stopChildrenOnExit(cleanup);

await runBench(async () => {
  const started = performance.now();
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const serverEnv = {
    PATH: process.env.PATH,
    NODE_ENV: "production" as const,
    PORT: String(port),
    APP_URL: appUrl,
    DATA_DIR: dataDir,
    MAIL_WORKER: "false",
    LOG_LEVEL: "warn",
  };
  const env = parseEnv(serverEnv);
  say(`seeding ${SIZES.join(" / ")} delegates into PGlite…`);
  const pglite = await openPglite(path.join(dataDir, "pgdata"));
  const seedDb = createPgliteDb(pglite);
  let events: Awaited<ReturnType<typeof seed>>;
  try {
    events = await seed(seedDb, env.DATA_ENCRYPTION_KEY);
  } finally {
    await seedDb.destroy();
  }
  say(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s; starting Plenary…`);
  const plenary = startChild("plenary", serverArgs(ROOT), { cwd: ROOT, env: serverEnv, dir });
  await waitFor(plenary, (output) => output.includes("Plenary is running at"), "Plenary", 300_000);
  const client = new TestClient(appUrl);
  const signIn = await client.signIn("bench@example.org", PASSWORD);
  if (!client.cookies.size) throw new Error(`sign-in answered ${signIn.status} without a session`);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

  const PAGES = [
    { label: "event page", path: (id: string) => `/events/${id}`, page: true },
    { label: "replies overview", path: (id: string) => `/events/${id}/replies`, page: true },
    { label: "roster page", path: (id: string) => `/events/${id}/roster?attendance=all`, page: true },
    { label: "roster PDF", path: (id: string) => `/events/${id}/roster.pdf?attendance=all`, page: false },
    { label: "badges PDF", path: (id: string) => `/events/${id}/badges.pdf`, page: false },
  ];
  console.log(`bench:scale — ${os.cpus().length} cores, Node ${process.version}, ${RUNS} runs each (median), PGlite`);
  console.log("size    | what             | server time | raw bytes | on the wire (br)");
  let worstPage = { ms: 0, label: "" };
  let worstBytes = { bytes: 0, label: "" };
  for (const { size, id } of events) {
    for (const target of PAGES) {
      const url = `${appUrl}${target.path(id)}`;
      const first = await wireGet(url, cookie, "identity");
      if (first.status !== 200) throw new Error(`${target.label} at ${size} answered ${first.status}`);
      const times: number[] = [];
      let wire = 0;
      for (let run = 0; run < (target.page ? RUNS : Math.min(RUNS, 3)); run++) {
        const result = await wireGet(url, cookie);
        times.push(result.ms);
        wire = result.wire;
      }
      const ms = median(times);
      console.log(
        `${String(size).padStart(7)} | ${target.label.padEnd(16)} | ${ms.toFixed(0).padStart(8)} ms | ${kb(first.wire).padStart(9)} | ${kb(wire).padStart(8)}`,
      );
      if (target.page && size === Math.max(...SIZES)) {
        if (ms > worstPage.ms) worstPage = { ms, label: target.label };
        if (first.wire > worstBytes.bytes) worstBytes = { bytes: first.wire, label: target.label };
      }
    }
  }

  // /healthz at rest (the ceiling), then while the largest badges PDF renders
  const largest = events.find((e) => e.size === Math.max(...SIZES))!;
  const rest = await probeHealth(appUrl, new Promise((resolve) => setTimeout(resolve, 3000)));
  const pdf = wireGet(`${appUrl}/events/${largest.id}/badges.pdf`, cookie, "identity");
  const during = await probeHealth(appUrl, pdf);
  const pdfResult = await pdf;
  const rss = fs.readFileSync(`/proc/${plenary.process.pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/)?.[1];
  console.log(
    `/healthz p99 at rest ${percentile(rest, 0.99).toFixed(1)} ms (${rest.length} probes); while the ${largest.size}-person badges PDF renders ` +
      `(${(pdfResult.ms / 1000).toFixed(1)} s) ${percentile(during, 0.99).toFixed(1)} ms (${during.length} probes, max ${Math.max(...during).toFixed(0)} ms); goal < ${HEALTH_MS} ms`,
  );
  if (rss) console.log(`server peak RSS ${(Number(rss) / 1024).toFixed(0)} MB`);
  console.log(`largest page: ${worstBytes.label} ${kb(worstBytes.bytes)} raw (goal < ${PAGE_KB} KB)`);
  const ratio = worstPage.ms / PAGE_MS;
  console.log(
    `ratio: ${ratio.toFixed(2)} (goal ≤ 1: slowest page at ${largest.size} delegates, ${worstPage.label} ${worstPage.ms.toFixed(0)} ms, over the ${PAGE_MS} ms budget; ` +
      `${ratio <= 1 ? "met" : "not met"})`,
  );
  say(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
}, cleanup);
