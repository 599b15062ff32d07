import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { hashToken, invitationLinkToken } from "~/lib/tokens.server";
import { createEvent } from "~/models/event.server";
import { ensureInvitation, ensureLinkToken, findInvitationByToken, reissueLinkToken, revokeLinkToken } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { createStaffUser } from "~/models/staff-user.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

describe(`invitation links (${databaseLabel})`, () => {
  let t: TestDb;
  let invitationId: string;
  const keys = { key: crypto.randomBytes(32), legacySecret: "s".repeat(64) };
  beforeAll(async () => {
    t = await createTestDb();
    const user = await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" });
    const { id: memberId } = await createMember(
      t.db,
      MemberSchema.parse({ country: "KR", kind: "province", names: { en: "Gyeonggi Province" }, timeZone: "Asia/Seoul" }),
    );
    const { id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({
        kind: "forum",
        title: { en: "Forum" },
        timeZone: "Asia/Seoul",
        start: "2027-01-10T09:00",
        end: "2027-01-10T18:00",
        quota: "3",
        categories: ["delegate"],
      }),
    );
    const first = await ensureInvitation(t.db, { eventId, memberId, letterLocale: "ko", createdBy: user.id });
    const second = await ensureInvitation(t.db, { eventId, memberId, letterLocale: "en", createdBy: user.id });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, letterLocale: "ko", created: false });
    invitationId = first.id;
  });
  afterAll(() => t.close());

  it("gives the same 256-bit link every time until it is re-issued, and stores only its hash", async () => {
    const token = await ensureLinkToken(t.db, { invitationId, keys, isNew: true });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await ensureLinkToken(t.db, { invitationId, keys })).toBe(token);
    expect((await findInvitationByToken(t.db, { token }))?.id).toBe(invitationId);
    const stored = await t.db.selectFrom("invitation_token").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("re-issuing makes the old link stop working at once; revoking ends the new one", async () => {
    const old = await ensureLinkToken(t.db, { invitationId, keys });
    const fresh = await reissueLinkToken(t.db, { invitationId, keys });
    expect(fresh).not.toBe(old);
    expect(await findInvitationByToken(t.db, { token: old })).toBeUndefined();
    expect((await findInvitationByToken(t.db, { token: fresh }))?.id).toBe(invitationId);
    await revokeLinkToken(t.db, { invitationId });
    expect(await findInvitationByToken(t.db, { token: fresh })).toBeUndefined();
  });

  it("links do not depend on SESSION_SECRET: another legacy secret hands out the same link; another data key issues a new one", async () => {
    const live = await ensureLinkToken(t.db, { invitationId, keys });
    expect(await ensureLinkToken(t.db, { invitationId, keys: { key: keys.key, legacySecret: "o".repeat(64) } })).toBe(live);
    expect(await ensureLinkToken(t.db, { invitationId, keys: { key: keys.key } })).toBe(live);
    const other = await ensureLinkToken(t.db, { invitationId, keys: { key: crypto.randomBytes(32) } });
    expect(other).not.toBe(live);
    expect(await findInvitationByToken(t.db, { token: live })).toBeUndefined();
    expect((await findInvitationByToken(t.db, { token: other }))?.id).toBe(invitationId);
  });

  it("a link issued before sealing (derived from SESSION_SECRET) keeps working and is sealed on first use", async () => {
    await reissueLinkToken(t.db, { invitationId, keys });
    const row = await t.db
      .selectFrom("invitation_token")
      .select(["token_hash", "version"])
      .where("invitation_id", "=", invitationId)
      .where("revoked_at", "is", null)
      .executeTakeFirstOrThrow();
    const legacy = invitationLinkToken(keys.legacySecret, invitationId, row.version);
    // as the migration leaves a link of that time: its hash, no sealed copy
    await t.db
      .updateTable("invitation_token")
      .set({ token_hash: hashToken(legacy), token_sealed: null })
      .where("token_hash", "=", row.token_hash)
      .execute();
    expect((await findInvitationByToken(t.db, { token: legacy }))?.id).toBe(invitationId);
    expect(await ensureLinkToken(t.db, { invitationId, keys })).toBe(legacy);
    const sealed = await t.db.selectFrom("invitation_token").select("token_sealed").where("token_hash", "=", hashToken(legacy)).executeTakeFirstOrThrow();
    expect(sealed.token_sealed).not.toBeNull();
    expect(sealed.token_sealed).not.toContain(legacy);
    // from now on SESSION_SECRET does not matter
    expect(await ensureLinkToken(t.db, { invitationId, keys: { key: keys.key } })).toBe(legacy);
  });
});
