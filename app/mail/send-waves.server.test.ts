import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { utcToLocalInput } from "~/lib/dates";
import { EventSchema } from "~/lib/event-schemas";
import { prepareInvitationLetters, REMIND_IN_REQUEST, runReminderSchedules, runSendWaveChunk, startReminders, startSendWave } from "~/mail/invitations.server";
import { startSendWaveRunner } from "~/mail/send-waves.server";
import { loadDemoData } from "~/models/demo.server";
import { createEvent } from "~/models/event.server";
import { claimSendWave, getSendWave } from "~/models/send-wave.server";
import { createStaffUser } from "~/models/staff-user.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const env = parseEnv({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "plenary-wave-")), SESSION_SECRET: "w".repeat(40) });

/**
 * Send waves as jobs (issue 15): the staff request records the wave and returns; runners prepare it in chunks,
 * each chunk in one transaction with the wave's progress, so a crash or a second runner repeats nothing.
 */
describe(`send waves (${databaseLabel})`, () => {
  let t: TestDb;
  let user: { id: string; email: string };
  let withEmail: number;
  beforeAll(async () => {
    t = await createTestDb();
    await loadDemoData(t.db);
    user = await createStaffUser(t.db, { email: "staff@example.org", displayName: "Staff", passwordHash: "x", role: "staff" });
    // members whose contacts have an email address (the demo gives every member two)
    withEmail = Number(
      (await sql<{ n: string }>`select count(distinct member_id) as n from contact where array_length(emails, 1) > 0`.execute(t.db)).rows[0].n,
    );
  });
  afterAll(() => t.close());

  const openEvent = async (title: string) =>
    (
      await createEvent(t.db, {
        ...EventSchema.parse({
          kind: "forum",
          title: { en: title },
          timeZone: "Asia/Seoul",
          start: "2027-09-01T09:00",
          end: "2027-09-02T18:00",
          quota: "3",
          categories: ["delegate"],
        }),
        status: "open",
      })
    ).id;
  const messagesOf = async (eventId: string) =>
    (await t.db.selectFrom("email_message").select("idempotency_key").where("event_id", "=", eventId).where("kind", "=", "invitation").execute()).map(
      (r) => r.idempotency_key,
    );

  it("the request only records the wave; a runner prepares it chunk by chunk, every member once", async () => {
    const eventId = await openEvent("Forum A");
    const wave = await startSendWave(t.db, { eventId, audience: { mode: "all" }, user, bilingual: false });
    expect(wave).toMatchObject({ status: "queued", total: 82, done: 0, queued: 0 });
    expect(await messagesOf(eventId)).toEqual([]); // nothing prepared by the request itself
    const audit = await t.db.selectFrom("audit_log").select("details").where("action", "=", "invitations.sent").where("object_id", "=", eventId).execute();
    expect(audit.map((a) => a.details)).toEqual([{ wave: wave.id, members: 82, bilingual: false }]);

    const runner = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 10 });
    expect(await runner.runOnce()).toBe(9); // 82 members in chunks of 10
    await runner.stop();
    expect(await getSendWave(t.db, { eventId, id: wave.id })).toMatchObject({
      status: "done",
      total: 82,
      done: 82,
      queued: withEmail,
      alreadyInvited: 0,
      noEmail: 82 - withEmail,
    });
    const keys = await messagesOf(eventId);
    expect(keys).toHaveLength(withEmail);
    expect(new Set(keys).size).toBe(withEmail);
  });

  it("a runner that dies mid-wave leaves it to another, which finishes it without repeating a chunk", async () => {
    const eventId = await openEvent("Forum B");
    const wave = await startSendWave(t.db, { eventId, audience: { mode: "all" }, user, bilingual: false });
    // a runner takes the wave, prepares one chunk and dies: it never hands the wave back, as a killed process would not
    const claimed = (await claimSendWave(t.db, { runnerId: "dead-runner", leaseSeconds: 60 }))!;
    expect(claimed.id).toBe(wave.id);
    expect(await runSendWaveChunk(t.db, { env, wave: claimed, runnerId: "dead-runner", chunkSize: 30, leaseSeconds: 60 })).toBe("more");

    // while its lease runs, no other runner takes the wave
    const second = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 30 });
    expect(await second.runOnce()).toBe(0);
    // the lease runs out: the second runner finishes the remaining 52 members
    await t.db
      .updateTable("send_wave")
      .set({ lease_until: sql`now() - interval '1 second'` })
      .where("id", "=", wave.id)
      .execute();
    expect(await second.runOnce()).toBe(2);
    await second.stop();
    expect(await getSendWave(t.db, { eventId, id: wave.id })).toMatchObject({ status: "done", done: 82, queued: withEmail, alreadyInvited: 0 });
    expect(new Set(await messagesOf(eventId)).size).toBe(withEmail);

    // the dead runner, back from the grave, cannot add to a wave it no longer holds
    expect(await runSendWaveChunk(t.db, { env, wave: claimed, runnerId: "dead-runner", chunkSize: 30, leaseSeconds: 60 })).toBe("lost");
  });

  it("two waves for the same members: the second finds them invited; two runners share the work without overlap", async () => {
    const eventId = await openEvent("Forum C");
    const one = await startSendWave(t.db, { eventId, audience: { mode: "country", country: "MN" }, user, bilingual: false });
    const two = await startSendWave(t.db, { eventId, audience: { mode: "country", country: "MN" }, user, bilingual: false });
    const a = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 5 });
    const b = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 5 });
    await Promise.all([a.runOnce(), b.runOnce()]);
    await Promise.all([a.stop(), b.stop()]);
    const waves = await Promise.all([one, two].map((w) => getSendWave(t.db, { eventId, id: w.id })));
    expect(waves.map((w) => w!.status)).toEqual(["done", "done"]);
    const mongolian = await messagesOf(eventId);
    expect(waves.reduce((sum, w) => sum + w!.queued, 0)).toBe(mongolian.length);
    expect(waves.reduce((sum, w) => sum + w!.alreadyInvited, 0)).toBe(mongolian.length);
    expect(new Set(mongolian).size).toBe(mongolian.length);
  });

  it("letters composed before a chunk's transaction are used only while the event, members and letter are unchanged", async () => {
    const eventId = await openEvent("Forum E");
    const wave = await startSendWave(t.db, { eventId, audience: { mode: "all" }, user, bilingual: false });
    const claimed = (await claimSendWave(t.db, { runnerId: "runner", leaseSeconds: 60 }))!;
    expect(claimed.id).toBe(wave.id);
    const htmlOf = async () =>
      (await t.db.selectFrom("email_message").select(["html", "subject"]).where("event_id", "=", eventId).where("kind", "=", "invitation").execute()).map(
        (m) => m.html,
      );
    // 1. nothing changes between composing and the transaction: the composed letters are the ones queued
    // (marked here, to tell them from letters composed again inside the transaction)
    const marked: typeof prepareInvitationLetters = async (db, input) => {
      const prepared = await prepareInvitationLetters(db, input);
      for (const letter of prepared.values()) letter.message = { ...letter.message, html: `${letter.message.html}<!-- prepared -->` };
      return prepared;
    };
    expect(await runSendWaveChunk(t.db, { env, wave: claimed, runnerId: "runner", chunkSize: 10, leaseSeconds: 60, prepare: marked })).toBe("more");
    const first = await htmlOf();
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((html) => html.includes("<!-- prepared -->"))).toBe(true);

    // 2. the event is renamed after the letters were composed and before the transaction: they are composed again
    const renamedMeanwhile: typeof prepareInvitationLetters = async (db, input) => {
      const prepared = await marked(db, input);
      await db
        .updateTable("event")
        .set({ title: JSON.stringify({ en: "Forum E (new venue)" }), version: sql`version + 1` })
        .where("id", "=", eventId)
        .execute();
      return prepared;
    };
    expect(await runSendWaveChunk(t.db, { env, wave: claimed, runnerId: "runner", chunkSize: 10, leaseSeconds: 60, prepare: renamedMeanwhile })).toBe("more");
    const second = (await htmlOf()).filter((html) => !first.includes(html));
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((html) => html.includes("<!-- prepared -->"))).toBe(false);
    expect(second.every((html) => html.includes("Forum E (new venue)"))).toBe(true);
  });

  it("composes no letter ahead for a member whose invitation is queued already (a second wave to the same members)", async () => {
    const eventId = await openEvent("Forum F");
    const members = (await t.db.selectFrom("member").select("id").where("office_email", "is not", null).orderBy("id").limit(4).execute()).map((m) => m.id);
    const [first, ...others] = members;
    await startSendWave(t.db, { eventId, audience: { mode: "picked", memberIds: [first] }, user, bilingual: false });
    const runner = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 10 });
    await runner.runOnce();
    await runner.stop();
    expect(await messagesOf(eventId)).toHaveLength(1);

    const prepared = await prepareInvitationLetters(t.db, { env, eventId, memberIds: members, bilingual: false });
    expect([...prepared.keys()].sort()).toEqual([...others].sort());
  });

  it("a wave whose event is closed meanwhile stops where it is, and says why", async () => {
    const eventId = await openEvent("Forum D");
    const wave = await startSendWave(t.db, { eventId, audience: { mode: "all" }, user, bilingual: false });
    await t.db.updateTable("event").set({ status: "closed" }).where("id", "=", eventId).execute();
    const runner = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 10 });
    await runner.runOnce();
    await runner.stop();
    expect(await getSendWave(t.db, { eventId, id: wave.id })).toMatchObject({ status: "stopped", stopReason: "event_not_open", done: 0 });
    expect(await messagesOf(eventId)).toEqual([]);
  });

  it("a reminder to many members is a wave too: the click returns at once, a second click starts nothing, who answered meanwhile is not reminded", async () => {
    const eventId = await openEvent("Forum R");
    await startSendWave(t.db, { eventId, audience: { mode: "all" }, user, bilingual: false });
    const sender = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 50 });
    await sender.runOnce();
    await sender.stop();
    const invited = await t.db.selectFrom("invitation").select(["id", "member_id"]).where("event_id", "=", eventId).orderBy("id").execute();
    expect(invited.length).toBeGreaterThan(REMIND_IN_REQUEST);
    // one member answered by phone before the click, another after it
    await t.db.updateTable("invitation").set({ response: "attending" }).where("id", "=", invited[0].id).execute();
    const reminders = async () =>
      (await t.db.selectFrom("email_message").select("invitation_id").where("event_id", "=", eventId).where("kind", "=", "reminder").execute()).map(
        (r) => r.invitation_id,
      );

    const started = await startReminders(t.db, { env, eventId, batch: "page-1", user });
    expect(started.wave).toMatchObject({ kind: "reminder", status: "queued", total: invited.length - 1, done: 0 });
    expect(await reminders()).toEqual([]); // nothing composed by the request itself
    // the same click again (the same batch): the same wave, no second one, one audit row
    expect((await startReminders(t.db, { env, eventId, batch: "page-1", user })).wave!.id).toBe(started.wave!.id);
    const audit = await t.db.selectFrom("audit_log").select("details").where("action", "=", "invitations.reminded").where("object_id", "=", eventId).execute();
    expect(audit.map((a) => a.details)).toEqual([{ wave: started.wave!.id, members: invited.length - 1, batch: "page-1" }]);

    await t.db.updateTable("invitation").set({ response: "declining" }).where("id", "=", invited[1].id).execute();
    const runner = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 10 });
    expect(await runner.runOnce()).toBe(Math.ceil((invited.length - 1) / 10));
    await runner.stop();
    const reminded = await reminders();
    const wave = (await getSendWave(t.db, { eventId, id: started.wave!.id }))!;
    expect(wave).toMatchObject({ kind: "reminder", status: "done", done: invited.length - 1, queued: reminded.length });
    expect(wave.alreadyInvited).toBe(1); // the member who answered after the click
    expect(reminded.length).toBe(invited.length - 2 - wave.noEmail);
    expect(new Set(reminded).size).toBe(reminded.length);
    expect(reminded).not.toContain(invited[0].id);
    expect(reminded).not.toContain(invited[1].id);

    // a few members (picked on the page) are reminded in the request, as before
    const picked = await startReminders(t.db, { env, eventId, batch: "page-2", invitationIds: [invited[2].id, invited[3].id], user });
    expect(picked).toEqual({ queued: 2 });
    expect((await reminders()).length).toBe(reminded.length + 2);
  });

  it("a reminder wave whose event is closed meanwhile stops and reminds no one", async () => {
    const eventId = await openEvent("Forum S");
    await startSendWave(t.db, { eventId, audience: { mode: "all" }, user, bilingual: false });
    const sender = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 50 });
    await sender.runOnce();
    await sender.stop();
    const { wave } = await startReminders(t.db, { env, eventId, batch: "page-1", user });
    await t.db.updateTable("event").set({ status: "closed" }).where("id", "=", eventId).execute();
    const runner = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 10 });
    await runner.runOnce();
    await runner.stop();
    expect(await getSendWave(t.db, { eventId, id: wave!.id })).toMatchObject({ status: "stopped", stopReason: "event_not_open", done: 0 });
    expect(await t.db.selectFrom("email_message").select("id").where("event_id", "=", eventId).where("kind", "=", "reminder").execute()).toEqual([]);
  });

  it("an automatic reminder to many members is a wave: the worker's pass records it once, the runner queues it, later passes find no one", async () => {
    const inDays = (days: number) => utcToLocalInput(new Date(Date.now() + days * 86_400_000), "Asia/Seoul");
    const { id: eventId } = await createEvent(t.db, {
      ...EventSchema.parse({
        kind: "forum",
        title: { en: "Forum T" },
        timeZone: "Asia/Seoul",
        start: inDays(5),
        end: inDays(6),
        rsvpDeadline: inDays(2),
        quota: "3",
        categories: ["delegate"],
        reminderDays: "3",
      }),
      status: "open",
    });
    await startSendWave(t.db, { eventId, audience: { mode: "all" }, user, bilingual: false });
    const sender = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 50 });
    await sender.runOnce();
    await sender.stop();
    const waves = () => t.db.selectFrom("send_wave").select(["id", "status", "batch"]).where("event_id", "=", eventId).where("kind", "=", "reminder").execute();

    // the worker's pass records the wave and queues nothing itself; its next pass, while the wave waits, adds none
    await runReminderSchedules(t.db, { env });
    await runReminderSchedules(t.db, { env });
    const recorded = await waves();
    expect(recorded).toMatchObject([{ status: "queued", batch: "auto-3" }]);
    const audit = await t.db
      .selectFrom("audit_log")
      .select(["actor_label", "details"])
      .where("action", "=", "invitations.reminded")
      .where("object_id", "=", eventId)
      .execute();
    expect(audit).toHaveLength(1);

    const runner = startSendWaveRunner({ db: t.db, env, loop: false, chunkSize: 25 });
    await runner.runOnce();
    await runner.stop();
    const wave = (await getSendWave(t.db, { eventId, id: recorded[0].id }))!;
    expect(wave).toMatchObject({ status: "done", queued: withEmail });
    // every member reminded once: a later pass finds no one and records nothing
    expect(await runReminderSchedules(t.db, { env })).toBe(0);
    expect(await waves()).toHaveLength(1);
    const keys = await t.db.selectFrom("email_message").select("idempotency_key").where("event_id", "=", eventId).where("kind", "=", "reminder").execute();
    expect(new Set(keys.map((k) => k.idempotency_key)).size).toBe(withEmail);
  });
});
