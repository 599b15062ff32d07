import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { utcToLocalInput } from "~/lib/dates";
import { ContactSchema, MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { runReminderSchedules, sendInvitations, sendReminders } from "~/mail/invitations.server";
import { createContact } from "~/models/contact.server";
import { createEvent } from "~/models/event.server";
import { revokeLinkToken } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { createStaffUser } from "~/models/staff-user.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const env = parseEnv({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "plenary-rem-")), SESSION_SECRET: "r".repeat(40) });
const inDays = (days: number) => utcToLocalInput(new Date(Date.now() + days * 86_400_000), "Asia/Seoul");

describe(`automatic reminders (${databaseLabel})`, () => {
  let t: TestDb;
  let eventId: string;
  beforeAll(async () => {
    t = await createTestDb();
    const user = await createStaffUser(t.db, { email: "staff@example.org", displayName: "Staff", passwordHash: "x", role: "staff" });
    for (const [en, ko] of [
      ["Busan Metropolitan City", "부산광역시"],
      ["Ulsan Metropolitan City", "울산광역시"],
    ]) {
      const { id } = await createMember(
        t.db,
        MemberSchema.parse({ country: "KR", kind: "metropolitan_city", names: { en, ko }, defaultLocale: "ko", timeZone: "Asia/Seoul" }),
      );
      await createContact(t.db, {
        memberId: id,
        input: ContactSchema.parse({
          nameLocale: "ko",
          familyName: "김",
          givenName: "민준",
          isHead: "on",
          emails: `${en.split(" ")[0].toLowerCase()}@example.org`,
        }),
      });
    }
    ({ id: eventId } = await createEvent(t.db, {
      ...EventSchema.parse({
        kind: "forum",
        title: { en: "NEAR Forum", ko: "NEAR 포럼" },
        timeZone: "Asia/Seoul",
        start: inDays(5),
        end: inDays(6),
        rsvpDeadline: inDays(2),
        quota: "3",
        categories: ["delegate"],
        reminderDays: "7, 3, 1",
      }),
      status: "open",
    }));
    expect((await sendInvitations(t.db, { env, eventId, audience: { mode: "all" }, user, bilingual: false })).queued).toBe(2);
  });
  afterAll(() => t.close());

  const reminders = () => t.db.selectFrom("email_message").select(["idempotency_key", "locale", "subject"]).where("kind", "=", "reminder").execute();

  it("queues the latest point that has passed (3 days before): not the missed one (7), not the one ahead (1)", async () => {
    expect(await runReminderSchedules(t.db, { env })).toBe(2);
    const queued = await reminders();
    expect(queued.map((r) => r.idempotency_key.split(":").at(-1))).toEqual(["auto-3", "auto-3"]);
    expect(queued[0]).toMatchObject({ locale: "ko" });
    expect(queued[0].subject).toContain("NEAR 포럼");
  });

  it("is idempotent per invitation and schedule", async () => {
    expect(await runReminderSchedules(t.db, { env })).toBe(0);
    expect(await reminders()).toHaveLength(2);
  });

  it("a reminder keeps each live link, and issues a new one where the link was revoked", async () => {
    const invitations = await t.db.selectFrom("invitation").select("id").where("event_id", "=", eventId).orderBy("id").execute();
    const live = () =>
      t.db
        .selectFrom("invitation_token")
        .select(["invitation_id", "token_hash", "version"])
        .where(
          "invitation_id",
          "in",
          invitations.map((i) => i.id),
        )
        .where("revoked_at", "is", null)
        .orderBy("invitation_id")
        .execute();
    const before = await live();
    expect(before).toHaveLength(2);
    await revokeLinkToken(t.db, { invitationId: invitations[0].id });
    const user = await t.db.selectFrom("staff_user").select(["id", "email"]).executeTakeFirstOrThrow();
    expect((await sendReminders(t.db, { env, eventId, batch: "by-hand", user })).queued).toBe(2);
    const after = await live();
    expect(after).toHaveLength(2);
    expect(after.find((row) => row.invitation_id === invitations[0].id)).toMatchObject({ version: 2 });
    expect(after.find((row) => row.invitation_id === invitations[1].id)).toEqual(before.find((row) => row.invitation_id === invitations[1].id));
  });

  it("skips members that have answered", async () => {
    await t.db.updateTable("invitation").set({ response: "attending" }).where("event_id", "=", eventId).execute();
    await t.db
      .updateTable("event")
      .set({ rsvp_deadline: new Date(Date.now() + 12 * 3_600_000) })
      .where("id", "=", eventId)
      .execute();
    expect(await runReminderSchedules(t.db, { env })).toBe(0);
  });
});
