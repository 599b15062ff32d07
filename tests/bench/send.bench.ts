// npm run bench:send — 5,000 invitations across six languages, end to end (render + enqueue in one transaction,
// claim, send to a loopback SMTP sink in another process, mark sent), next to the raw ceiling measured in the
// same run: react-email render + nodemailer pooled send of the same letter, no database (PERF-LIMITS 1e/2a).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PGlite } from "@electric-sql/pglite";
import { render } from "@react-email/render";
import { Kysely, PGliteDialect, sql } from "kysely";
import nodemailer from "nodemailer";

import { createPostgresDb } from "~/db.server";
import { parseEnv } from "~/env.server";
import { supportedLngs } from "~/i18n";
import { EventSchema } from "~/lib/event-schemas";
import { sendInvitations } from "~/mail/invitations.server";
import { startMailWorker } from "~/mail/worker.server";
import { createEvent } from "~/models/event.server";
import { createStaffUser } from "~/models/staff-user.server";
import { migrateToLatest } from "../../db/migrator";
import type { Database } from "../../db/schema";
import Letter from "../../emails/letter";

const N = Number(process.env.BENCH_N ?? 5000);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function startSink(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, [path.join(ROOT, "tests/bench/sink-child.mjs")], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => child.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
  return { port, stop: () => child.kill("SIGTERM") };
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

async function openDatabase() {
  if (process.env.BENCH_DATABASE_URL) return createPostgresDb(process.env.BENCH_DATABASE_URL, 4);
  const pglite = await PGlite.create({ parsers: { 20: (v: string) => v } });
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
}

async function seed(db: Kysely<Database>) {
  await migrateToLatest(db);
  const user = await createStaffUser(db, { email: "bench@example.org", displayName: "Bench", passwordHash: "x", role: "admin" });
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
  return { eventId, user };
}

async function plenaryEndToEnd(port: number) {
  const db = await openDatabase();
  const { eventId, user } = await seed(db);
  const env = parseEnv({
    DATA_DIR: path.join(ROOT, "tests/.tmp/bench"),
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MAIL_RATE_PER_MINUTE: "0",
    SESSION_SECRET: "b".repeat(40),
  });
  const started = performance.now();
  const result = await sendInvitations(db, { env, eventId, audience: { mode: "all" }, user, bilingual: false });
  const enqueued = performance.now();
  const worker = startMailWorker({ db, env, loop: false, batchSize: 50 });
  let sent = 0;
  while (sent < result.queued) {
    await worker.runOnce();
    sent = Number(
      (
        await db
          .selectFrom("email_message")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("status", "=", "sent")
          .executeTakeFirstOrThrow()
      ).n,
    );
  }
  const done = performance.now();
  await worker.stop();
  await sql`select 1`.execute(db);
  await db.destroy();
  return {
    queued: result.queued,
    enqueueSeconds: (enqueued - started) / 1000,
    sendSeconds: (done - enqueued) / 1000,
    rate: result.queued / ((done - started) / 1000),
  };
}

const sink = await startSink();
try {
  await rawCeiling(sink.port, 200); // warm-up
  const ceiling = await rawCeiling(sink.port, Math.min(N, 2000));
  const plenary = await plenaryEndToEnd(sink.port);
  const ratio = plenary.rate / ceiling;
  console.log(`\nbench:send — ${plenary.queued} invitations in six languages, ${process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "PGlite"}`);
  console.log(`  raw ceiling (react-email render + nodemailer pool → loopback sink): ${ceiling.toFixed(0)} msg/s`);
  console.log(`  Plenary end to end (render + enqueue in one transaction, claim, send, mark sent): ${plenary.rate.toFixed(0)} invitations/s`);
  console.log(`    of which: enqueue ${plenary.enqueueSeconds.toFixed(1)} s, send ${plenary.sendSeconds.toFixed(1)} s`);
  console.log(`  ratio: ${ratio.toFixed(2)} (goal ≥ 0.5)`);
} finally {
  sink.stop();
}
