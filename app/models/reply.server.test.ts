import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { type ReplyRules, replySchema } from "~/lib/reply-schemas";
import { seal, unseal } from "~/lib/sealed.server";
import { setPassportCollection, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply, getReply, revealPassport } from "~/models/reply.server";
import { createStaffUser } from "~/models/staff-user.server";
import { runRetentionPurge } from "~/services/retention.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";
import { createForum } from "../../tests/helpers/model-fixtures";

const KEY = crypto.randomBytes(32);
const rules: ReplyRules = { quota: 3, passportAllowed: true, programmeIds: [], storedPassport: [], staff: false };

function input(revision: number, extra: Record<string, unknown> = {}, schemaRules = rules) {
  return replySchema(schemaRules).parse({
    response: "attending",
    revision: String(revision),
    submission: crypto.randomUUID(),
    passportConsent: "on",
    delegates: [
      {
        role: "head",
        nameLocale: "mn",
        patronymic: "Цэрэнгийн",
        givenName: "Батболд",
        latinFamilyName: "Tserengiin",
        latinGivenName: "Batbold",
        needsVisaLetter: "on",
        passportName: "TSERENGIIN BATBOLD",
        nationality: "MN",
        passportNumber: "E1234567",
        passportExpiry: "2031-05-01",
        birthDate: "1970-03-08",
        dietaryNote: "lactose",
        ...extra,
      },
    ],
  });
}

describe(`replies and passport data (${databaseLabel})`, () => {
  let t: TestDb;
  let invitationId: string;
  let eventId: string;
  beforeAll(async () => {
    t = await createTestDb();
    const user = await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" });
    const { id: memberId } = await createMember(
      t.db,
      MemberSchema.parse({ country: "MN", kind: "aimag", names: { en: "Töv Province" }, timeZone: "Asia/Ulaanbaatar" }),
    );
    ({ id: eventId } = await createForum(t.db, { quota: 3 }));
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    await setPassportCollection(t.db, { id: eventId, countries: ["MN"], retentionDays: 30 });
    invitationId = (await ensureInvitation(t.db, { eventId, memberId, letterLocale: "mn", createdBy: user.id })).id;
  });
  afterAll(() => t.close());

  it("seals a value with AES-256-GCM: a fresh IV each time, tampering and a wrong key are refused", () => {
    const a = seal(KEY, "E1234567");
    expect(a).not.toBe(seal(KEY, "E1234567"));
    expect(unseal(KEY, a)).toBe("E1234567");
    const [v, id, iv, body, tag] = a.split(".");
    const flipped = Buffer.from(body, "base64url");
    flipped[0] ^= 1;
    expect(() => unseal(KEY, [v, id, iv, flipped.toString("base64url"), tag].join("."))).toThrow();
    expect(() => unseal(crypto.randomBytes(32), a)).toThrow(/configured key/);
  });

  it("stores passport number and birth date only sealed; masks them; a blank field keeps the stored value", async () => {
    const first = await t.db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input: input(1), actor: { kind: "link" }, key: KEY, passportAllowed: true }));
    expect(first).toMatchObject({ status: "saved", revision: 2 });
    const raw = await t.db.selectFrom("delegate").selectAll().execute();
    expect(JSON.stringify(raw)).not.toContain("E1234567");
    expect(JSON.stringify(raw)).not.toContain("1970-03-08");
    const reply = (await getReply(t.db, { invitationId, key: KEY }))!;
    expect(reply.delegates[0]).toMatchObject({ passportNumberMasked: "•••••567", birthYear: "1970", hasPassportData: true });

    const id = reply.delegates[0].id;
    const kept = input(2, { id, passportNumber: "", birthDate: "" }, { ...rules, storedPassport: [id] });
    expect(kept.delegates[0].passportNumber).toBeUndefined();
    await t.db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 2, input: kept, actor: { kind: "link" }, key: KEY, passportAllowed: true }));
    expect(await revealPassport(t.db, { delegateId: id, invitationId, key: KEY })).toEqual({ passportNumber: "E1234567", birthDate: "1970-03-08" });
  });

  it("refuses passport data when collection is off or no visa letter is asked for, and without consent", () => {
    expect(() => input(1, {}, { ...rules, passportAllowed: false })).toThrow(/passportNotAccepted/);
    const base = { response: "attending", revision: "1", submission: crypto.randomUUID() };
    const person = { role: "head", nameLocale: "en", givenName: "Ann", passportNumber: "E1234567" };
    expect(replySchema(rules).safeParse({ ...base, delegates: [person] }).error?.issues[0].message).toBe("reply:validation.passportNotAccepted");
    const noConsent = replySchema(rules).safeParse({
      ...base,
      delegates: [{ ...person, needsVisaLetter: "on", passportName: "ANN LEE", nationality: "MN", passportExpiry: "2030-01-01", birthDate: "1980-01-01" }],
    });
    expect(noConsent.error?.issues.map((i) => i.message)).toEqual(["reply:validation.consent"]);
  });

  it("a stale revision is a conflict and changes nothing; the same submission again is recognised", async () => {
    const stale = input(1);
    const outcome = await t.db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input: stale, actor: { kind: "link" }, key: KEY, passportAllowed: true }));
    expect(outcome).toEqual({ status: "conflict", revision: 3 });
    const again = input(3);
    await t.db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 3, input: again, actor: { kind: "link" }, key: KEY, passportAllowed: true }));
    const twice = await t.db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 3, input: again, actor: { kind: "link" }, key: KEY, passportAllowed: true }));
    expect(twice).toEqual({ status: "duplicate", revision: 4 });
    expect((await t.db.selectFrom("invitation_change").select("id").where("submission_id", "=", again.submission).execute()).length).toBe(1);
  });

  it("the retention purge deletes passport data, birth dates, consents, dietary notes and mail received about the event after it, stray mail after 90 days; a second run does nothing", async () => {
    // a member's emailed reply about the event; a stray mail about no event from June, another from October
    const mail = (values: { event_id: string | null; received_at: Date; subject: string }) =>
      t.db
        .insertInto("inbound_mail")
        .values({ kind: "reply", how: "test", body: "We will attend. Batbold", ...values })
        .execute();
    await mail({ event_id: eventId, received_at: new Date("2026-09-01T00:00:00Z"), subject: "Re: invitation" });
    await mail({ event_id: null, received_at: new Date("2026-06-01T00:00:00Z"), subject: "old stray" });
    await mail({ event_id: null, received_at: new Date("2026-10-01T00:00:00Z"), subject: "recent stray" });
    const before = new Date("2026-10-10T00:00:00Z"); // 29 days after the event
    expect(await runRetentionPurge(t.db, { now: before })).toEqual({ delegates: 0, events: 0, inboundMail: 1 });
    const after = new Date("2026-10-12T00:00:00Z");
    expect(await runRetentionPurge(t.db, { now: after })).toEqual({ delegates: 1, events: 1, inboundMail: 1 });
    expect(await runRetentionPurge(t.db, { now: after })).toEqual({ delegates: 0, events: 0, inboundMail: 0 });
    expect((await t.db.selectFrom("inbound_mail").select("subject").execute()).map((row) => row.subject)).toEqual(["recent stray"]);
    const purgedMail = await t.db.selectFrom("audit_log").select("details").where("action", "=", "mail.inbound_purged").execute();
    expect(purgedMail.map((row) => row.details)).toEqual([{ messages: 1 }, { messages: 1 }]);
    const row = await t.db.selectFrom("delegate").selectAll().where("invitation_id", "=", invitationId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      passport_number_enc: null,
      birth_date_enc: null,
      passport_name: null,
      consent_at: null,
      dietary_note: null,
      given_name: "Батболд",
    });
    const audit = await t.db.selectFrom("audit_log").select(["action", "details"]).where("action", "=", "replies.passport_purged").execute();
    expect(audit).toEqual([{ action: "replies.passport_purged", details: { delegates: 1 } }]);
  });
});
