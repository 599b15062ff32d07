import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";
import { EventSchema } from "~/lib/event-schemas";
import { MemberSchema } from "~/lib/directory-schemas";
import { createEvent } from "~/models/event.server";
import { ensureInvitation, ensureLinkToken, findInvitationByToken, reissueLinkToken, revokeLinkToken } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { createStaffUser } from "~/models/staff-user.server";

describe(`invitation links (${databaseLabel})`, () => {
  let t: TestDb;
  let invitationId: string;
  const secret = "s".repeat(64);
  beforeAll(async () => {
    t = await createTestDb();
    const user = await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" });
    const { id: memberId } = await createMember(t.db, MemberSchema.parse({ country: "KR", kind: "province", names: { en: "Gyeonggi Province" }, timeZone: "Asia/Seoul" }));
    const { id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({ kind: "forum", title: { en: "Forum" }, timeZone: "Asia/Seoul", start: "2027-01-10T09:00", end: "2027-01-10T18:00", quota: "3", categories: ["delegate"] }),
    );
    const first = await ensureInvitation(t.db, { eventId, memberId, letterLocale: "ko", createdBy: user.id });
    const second = await ensureInvitation(t.db, { eventId, memberId, letterLocale: "en", createdBy: user.id });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, letterLocale: "ko", created: false });
    invitationId = first.id;
  });
  afterAll(() => t.close());

  it("gives the same 256-bit link every time until it is re-issued, and stores only its hash", async () => {
    const token = await ensureLinkToken(t.db, { invitationId, secret, isNew: true });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await ensureLinkToken(t.db, { invitationId, secret })).toBe(token);
    expect((await findInvitationByToken(t.db, { token }))?.id).toBe(invitationId);
    const stored = await t.db.selectFrom("invitation_token").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("re-issuing makes the old link stop working at once; revoking ends the new one", async () => {
    const old = await ensureLinkToken(t.db, { invitationId, secret });
    const fresh = await reissueLinkToken(t.db, { invitationId, secret });
    expect(fresh).not.toBe(old);
    expect(await findInvitationByToken(t.db, { token: old })).toBeUndefined();
    expect((await findInvitationByToken(t.db, { token: fresh }))?.id).toBe(invitationId);
    await revokeLinkToken(t.db, { invitationId });
    expect(await findInvitationByToken(t.db, { token: fresh })).toBeUndefined();
  });

  it("a link signed with another secret is not accepted, and a new one is issued for the next letter", async () => {
    const other = await ensureLinkToken(t.db, { invitationId, secret: "o".repeat(64) });
    expect((await findInvitationByToken(t.db, { token: other }))?.id).toBe(invitationId);
    const back = await ensureLinkToken(t.db, { invitationId, secret });
    expect(await findInvitationByToken(t.db, { token: other })).toBeUndefined();
    expect((await findInvitationByToken(t.db, { token: back }))?.id).toBe(invitationId);
  });
});
