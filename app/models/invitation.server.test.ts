import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { hashToken, invitationLinkToken } from "~/lib/tokens.server";
import {
  ensureInvitation,
  ensureLinkToken,
  findInvitationByToken,
  type InvitationSort,
  listInvitations,
  reissueLinkToken,
  revokeLinkToken,
} from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { createStaffUser } from "~/models/staff-user.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";
import { createForum } from "../../tests/helpers/model-fixtures";

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
    const { id: eventId } = await createForum(t.db, { quota: 3, start: "2027-01-10T09:00", end: "2027-01-10T18:00" });
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

describe(`the event's invitation list, sorted on the server (${databaseLabel})`, () => {
  let t: TestDb;
  let eventId: string;
  const byName: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestDb();
    const user = await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" });
    ({ id: eventId } = await createForum(t.db, { quota: 5, start: "2027-01-10T09:00", end: "2027-01-10T18:00" }));
    // country order CN < JP < KR < MN; answers and delegation sizes chosen so that every sort differs
    const members = [
      { country: "KR", name: "Gyeonggi Province", response: "declining", people: 0, changed: "2026-11-03T00:00:00Z" },
      { country: "CN", name: "Liaoning Province", response: "attending", people: 3, changed: "2026-11-01T00:00:00Z" },
      { country: "MN", name: "Dornod Aimag", response: "pending", people: 0, changed: null },
      { country: "JP", name: "Tottori Prefecture", response: "representative", people: 1, changed: "2026-11-02T00:00:00Z" },
    ] as const;
    for (const m of members) {
      const { id: memberId } = await createMember(
        t.db,
        MemberSchema.parse({ country: m.country, kind: "province", names: { en: m.name }, timeZone: "Asia/Seoul" }),
      );
      const { id } = await ensureInvitation(t.db, { eventId, memberId, letterLocale: "en", createdBy: user.id });
      byName[id] = m.name;
      await t.db
        .updateTable("invitation")
        .set({ response: m.response, changed_at: m.changed ? new Date(m.changed) : null })
        .where("id", "=", id)
        .execute();
      for (let i = 0; i < m.people; i++) {
        await t.db
          .insertInto("delegate")
          .values({ invitation_id: id, position: i, role: i ? "official" : "head", name_locale: "en", given_name: `P${i}`, category: "delegate" } as never)
          .execute();
      }
    }
  });
  afterAll(() => t.close());

  const names = async (sort?: { key: InvitationSort; dir: "asc" | "desc" }, page?: { limit: number; offset: number }) =>
    (await listInvitations(t.db, { eventId, sort, ...page })).map((row) => byName[row.id]);

  it("lists by country and name unless asked otherwise, and reverses that on request", async () => {
    expect(await names()).toEqual(["Liaoning Province", "Tottori Prefecture", "Gyeonggi Province", "Dornod Aimag"]);
    expect(await names({ key: "member", dir: "desc" })).toEqual(["Dornod Aimag", "Gyeonggi Province", "Tottori Prefecture", "Liaoning Province"]);
  });

  it("sorts by answer (coming first, declined last), by delegation size and by last change (never changed first)", async () => {
    expect(await names({ key: "answer", dir: "asc" })).toEqual(["Liaoning Province", "Tottori Prefecture", "Dornod Aimag", "Gyeonggi Province"]);
    expect(await names({ key: "people", dir: "desc" })).toEqual(["Liaoning Province", "Tottori Prefecture", "Gyeonggi Province", "Dornod Aimag"]);
    expect(await names({ key: "changed", dir: "asc" })).toEqual(["Dornod Aimag", "Liaoning Province", "Tottori Prefecture", "Gyeonggi Province"]);
    expect(await names({ key: "changed", dir: "desc" })).toEqual(["Gyeonggi Province", "Tottori Prefecture", "Liaoning Province", "Dornod Aimag"]);
  });

  it("pages through the sorted list without losing or repeating a row", async () => {
    const whole = await names({ key: "people", dir: "asc" });
    const paged = [
      ...(await names({ key: "people", dir: "asc" }, { limit: 3, offset: 0 })),
      ...(await names({ key: "people", dir: "asc" }, { limit: 3, offset: 3 })),
    ];
    expect(paged).toEqual(whole);
  });
});
