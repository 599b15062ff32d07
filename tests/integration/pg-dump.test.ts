import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPostgresDb } from "~/db.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { createEvent, setPassportCollection, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply, getReply, revealPassport } from "~/models/reply.server";
import { createStaffUser } from "~/models/staff-user.server";
import { adminQuery, createTestDb, type TestDb, usingPostgres } from "../helpers/db";
import { TMP } from "../helpers/paths";

/**
 * Issue 20 §6, the IT department's way: `pg_dump --format=custom` and `pg_restore` (README "Backups"). A dump holds
 * passport numbers and dates of birth only sealed under DATA_ENCRYPTION_KEY, which is never in the database: the
 * file alone reveals nothing; restored next to the key, Plenary reads them again.
 */
describe.skipIf(!usingPostgres)("pg_dump and pg_restore keep passport data sealed (PostgreSQL server)", () => {
  const KEY = crypto.randomBytes(32);
  const NUMBER = "E7654321";
  let t: TestDb;
  let source = "";
  const restored = `plenary_restored_${process.pid}_${Date.now() % 100000}`;
  const file = path.join(TMP, `dump-${process.pid}.pgdump`);
  let invitationId = "";
  let delegateId = "";

  beforeAll(async () => {
    t = await createTestDb();
    source = (await t.db.selectNoFrom((eb) => eb.fn<string>("current_database", []).as("name")).executeTakeFirstOrThrow()).name;
    const user = await createStaffUser(t.db, { email: "visa@example.org", displayName: "Visa", passwordHash: "x", role: "admin" });
    const { id: memberId } = await createMember(
      t.db,
      MemberSchema.parse({ country: "MN", kind: "aimag", names: { en: "Töv Province" }, timeZone: "Asia/Ulaanbaatar" }),
    );
    const { id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({
        kind: "forum",
        title: { en: "Forum" },
        timeZone: "Asia/Seoul",
        start: "2027-09-10T09:00",
        end: "2027-09-11T18:00",
        quota: "3",
        categories: ["delegate"],
      }),
    );
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    await setPassportCollection(t.db, { id: eventId, countries: ["MN"], retentionDays: 30 });
    invitationId = (await ensureInvitation(t.db, { eventId, memberId, letterLocale: "mn", createdBy: user.id })).id;
    const input = replySchema({ quota: 3, passportAllowed: true, programmeIds: [], storedPassport: [], staff: false }).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      passportConsent: "on",
      delegates: [
        {
          role: "head",
          nameLocale: "mn",
          givenName: "Батболд",
          latinFamilyName: "Tserengiin",
          latinGivenName: "Batbold",
          needsVisaLetter: "on",
          passportName: "TSERENGIIN BATBOLD",
          nationality: "MN",
          passportNumber: NUMBER,
          passportExpiry: "2031-05-01",
          birthDate: "1970-03-08",
        },
      ],
    });
    await t.db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key: KEY, passportAllowed: true }));
    delegateId = (await getReply(t.db, { invitationId, key: KEY }))!.delegates[0].id;
  });

  afterAll(async () => {
    await t?.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${restored}" WITH (FORCE)`);
    fs.rmSync(file, { force: true });
  });

  it("the dump file holds no passport number or birth date; restored with the key they read back, with another key they do not", async () => {
    const url = (name: string) => Object.assign(new URL(process.env.TEST_DATABASE_URL!), { pathname: `/${name}` }).toString();
    fs.mkdirSync(TMP, { recursive: true });
    const dump = spawnSync("pg_dump", ["--format=custom", "--no-owner", "--file", file, url(source)], { encoding: "utf8" });
    expect(dump.status, dump.stderr).toBe(0);
    // custom format compresses: look into the plain SQL the dump restores to
    const sql = spawnSync("pg_restore", ["--file", "-", file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(sql.status, sql.stderr).toBe(0);
    expect(sql.stdout).toContain("TSERENGIIN BATBOLD"); // the name as in the passport is not a secret field…
    expect(sql.stdout).not.toContain(NUMBER); // … the number and the date of birth are
    expect(sql.stdout).not.toContain("1970-03-08");

    await adminQuery(`CREATE DATABASE "${restored}"`);
    const restore = spawnSync("pg_restore", ["--no-owner", "--exit-on-error", "--dbname", url(restored), file], { encoding: "utf8" });
    expect(restore.status, restore.stderr).toBe(0);
    const db = createPostgresDb(url(restored), 2);
    try {
      expect(await revealPassport(db, { delegateId, invitationId, key: KEY })).toEqual({ passportNumber: NUMBER, birthDate: "1970-03-08" });
      await expect(revealPassport(db, { delegateId, invitationId, key: crypto.randomBytes(32) })).rejects.toThrow(/configured key/);
    } finally {
      await db.destroy();
    }
  });
});
