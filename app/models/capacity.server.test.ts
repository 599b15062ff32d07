import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { inTransaction } from "~/db.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { type ReplyRules, replySchema } from "~/lib/reply-schemas";
import {
  decideApproval,
  listApprovals,
  listApprovalsOfInvitation,
  listItemRegistrations,
  listPlacesOfInvitation,
  promoteWaiting,
  setApprovalCategories,
} from "~/models/capacity.server";
import { createEvent, createProgrammeItem, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply, getReply, type SaveOutcome } from "~/models/reply.server";
import { listRosterPeople } from "~/models/roster.server";
import { createStaffUser } from "~/models/staff-user.server";
import { createTestDb, databaseLabel, type TestDb, usingPostgres } from "../../tests/helpers/db";

const KEY = crypto.randomBytes(32);

describe(`capacity, waiting list and approval (${databaseLabel})`, () => {
  let t: TestDb;
  let eventId: string;
  let dinner: string;
  let visit: string;
  let rules: ReplyRules;
  const invitations: string[] = [];

  async function reply(invitationId: string, people: { givenName: string; programme: string[]; id?: string }[], response = "attending") {
    const { revision } = (await getReply(t.db, { invitationId, key: KEY }))!;
    const input = replySchema(rules).parse({
      response,
      revision: String(revision),
      submission: crypto.randomUUID(),
      delegates: people.map((p, i) => ({ id: p.id, role: i === 0 ? "head" : "official", nameLocale: "en", givenName: p.givenName, programme: p.programme })),
    });
    return inTransaction(t.db, (trx) =>
      applyReply(trx, { invitationId, expectedRevision: revision, input, actor: { kind: "link" }, key: KEY, passportAllowed: false }),
    ) as Promise<Extract<SaveOutcome, { status: "saved" }>>;
  }

  async function delegatesOf(invitationId: string) {
    return (await getReply(t.db, { invitationId, key: KEY }))!.delegates;
  }

  beforeAll(async () => {
    t = await createTestDb();
    const user = await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" });
    ({ id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({ kind: "forum", title: { en: "Forum" }, timeZone: "Asia/Seoul", start: "2026-09-10T09:00", end: "2026-09-11T18:00", quota: "3" }),
    ));
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    const item = (title: string, capacity: string) =>
      createProgrammeItem(t.db, {
        eventId,
        timeZone: "Asia/Seoul",
        input: ProgrammeItemSchema.parse({
          kind: "welcome_dinner",
          start: "2026-09-10T19:00",
          end: "2026-09-10T21:00",
          title: { en: title },
          attendanceAsked: "on",
          capacity,
        }),
      });
    dinner = (await item("Dinner", "1")).id;
    visit = (await item("Visit", "")).id;
    rules = { quota: 3, passportAllowed: false, programmeIds: [dinner, visit], storedPassport: [], staff: false };
    for (const [i, country] of ["KR", "JP", "MN", "RU", "CN"].entries()) {
      const { id: memberId } = await createMember(
        t.db,
        MemberSchema.parse({ country, kind: "province", names: { en: `Member ${i}` }, timeZone: "Asia/Seoul" }),
      );
      invitations.push((await ensureInvitation(t.db, { eventId, memberId, letterLocale: "en", createdBy: user.id })).id);
    }
  });
  afterAll(() => t.close());

  it("gives the last place to the first, puts the next ones on the waiting list in order", async () => {
    await reply(invitations[0], [{ givenName: "Ann", programme: [dinner, visit] }]);
    await reply(invitations[1], [{ givenName: "Bo", programme: [dinner] }]);
    await reply(invitations[2], [{ givenName: "Cy", programme: [dinner, visit] }]);
    const [ann] = await delegatesOf(invitations[0]);
    const [bo] = await delegatesOf(invitations[1]);
    const [cy] = await delegatesOf(invitations[2]);
    expect(ann.programme.sort()).toEqual([dinner, visit].sort());
    // only places held are in programme_item_ids, so the roster, calendar and check-in see registered people only
    expect(bo.programme).toEqual([]);
    expect(cy.programme).toEqual([visit]);
    expect((await listPlacesOfInvitation(t.db, { invitationId: invitations[1] })).get(bo.id)).toEqual([{ itemId: dinner, status: "waiting", position: 1 }]);
    expect((await listPlacesOfInvitation(t.db, { invitationId: invitations[2] })).get(cy.id)).toContainEqual({
      itemId: dinner,
      status: "waiting",
      position: 2,
    });
    const onList = await listRosterPeople(t.db, { eventId, filter: { programmeItemId: dinner } });
    expect(onList.map((p) => p.givenName)).toEqual(["Ann"]);
    const staffView = await listItemRegistrations(t.db, { eventId, itemId: dinner });
    expect(staffView.map((r) => [r.givenName, r.status])).toEqual([
      ["Ann", "registered"],
      ["Bo", "waiting"],
      ["Cy", "waiting"],
    ]);
  });

  it("re-saving a delegation keeps its turn; a decline frees the place for the first person waiting", async () => {
    const [bo] = await delegatesOf(invitations[1]);
    // the reply page posts the waiting item as still wanted: the turn is kept, not re-queued behind Cy
    await reply(invitations[1], [{ id: bo.id, givenName: "Bo", programme: [dinner] }]);
    const outcome = await reply(invitations[0], [], "declining");
    expect(outcome.promotions).toEqual([{ delegateId: bo.id, itemId: dinner }]);
    expect((await delegatesOf(invitations[1]))[0].programme).toEqual([dinner]);
    const [cy] = await delegatesOf(invitations[2]);
    expect((await listPlacesOfInvitation(t.db, { invitationId: invitations[2] })).get(cy.id)).toContainEqual({
      itemId: dinner,
      status: "waiting",
      position: 1,
    });
  });

  it("a substitute keeps the place of the person replaced; unticking the item frees it", async () => {
    const [bo] = await delegatesOf(invitations[1]);
    const sub = await reply(invitations[1], [{ id: bo.id, givenName: "Dee", programme: [dinner] }]);
    expect(sub.substitutions).toHaveLength(1);
    expect(sub.promotions).toEqual([]);
    const [dee] = await delegatesOf(invitations[1]);
    expect(dee.id).not.toBe(bo.id);
    expect(dee.programme).toEqual([dinner]);
    const [cy] = await delegatesOf(invitations[2]);
    const freed = await reply(invitations[1], [{ id: dee.id, givenName: "Dee", programme: [] }]);
    expect(freed.promotions).toEqual([{ delegateId: cy.id, itemId: dinner }]);
    expect((await delegatesOf(invitations[2]))[0].programme.sort()).toEqual([dinner, visit].sort());
  });

  it("a raised capacity promotes the people waiting", async () => {
    await reply(invitations[3], [
      { givenName: "Ed", programme: [dinner] },
      { givenName: "Flo", programme: [dinner] },
    ]);
    await t.db.updateTable("programme_item").set({ capacity: 2 }).where("id", "=", dinner).execute();
    const promoted = await inTransaction(t.db, (trx) => promoteWaiting(trx, { eventId, itemId: dinner }));
    const [ed, flo] = await delegatesOf(invitations[3]);
    expect(promoted).toEqual([{ delegateId: ed.id, itemId: dinner }]);
    expect((await listPlacesOfInvitation(t.db, { invitationId: invitations[3] })).get(flo.id)).toEqual([{ itemId: dinner, status: "waiting", position: 1 }]);
  });

  it("delegates of a category needing approval are pending, on no list, until approved; a refusal frees their place", async () => {
    await setApprovalCategories(t.db, { eventId, categories: ["delegate"] });
    const [cy] = await delegatesOf(invitations[2]);
    expect((await listApprovalsOfInvitation(t.db, { invitationId: invitations[2] })).get(cy.id)).toBe("pending");
    expect((await listRosterPeople(t.db, { eventId })).length).toBe(0);
    expect((await listApprovals(t.db, { eventId })).map((r) => r.givenName)).toContain("Cy");
    const [ed, flo] = await delegatesOf(invitations[3]);
    const approved = await inTransaction(t.db, (trx) =>
      decideApproval(trx, { eventId, delegateIds: [cy.id, flo.id], decision: "approved", staffLabel: "s@example.org" }),
    );
    expect(approved.map((d) => d.delegateId).sort()).toEqual([cy.id, flo.id].sort());
    expect((await listRosterPeople(t.db, { eventId })).map((p) => p.givenName).sort()).toEqual(["Cy", "Flo"]);
    // approving again changes nothing (a second click)
    expect(await inTransaction(t.db, (trx) => decideApproval(trx, { eventId, delegateIds: [cy.id], decision: "approved", staffLabel: "x" }))).toEqual([]);
    const refused = await inTransaction(t.db, (trx) =>
      decideApproval(trx, { eventId, delegateIds: [ed.id], decision: "refused", staffLabel: "s@example.org" }),
    );
    expect(refused[0].promotions).toEqual([{ delegateId: flo.id, itemId: dinner }]);
    expect((await delegatesOf(invitations[3]))[0].programme).toEqual([]);
    // a refused person asking again does not take a place
    await reply(invitations[3], [
      { id: ed.id, givenName: "Ed", programme: [dinner] },
      { id: flo.id, givenName: "Flo", programme: [dinner] },
    ]);
    expect((await delegatesOf(invitations[3]))[0].programme).toEqual([]);
    expect((await listApprovalsOfInvitation(t.db, { invitationId: invitations[3] })).get(ed.id)).toBe("refused");
    // a delegate of another event cannot be decided through this one
    const other = await createEvent(
      t.db,
      EventSchema.parse({ kind: "forum", title: { en: "Other" }, timeZone: "Asia/Seoul", start: "2026-10-10T09:00", end: "2026-10-11T18:00", quota: "3" }),
    );
    expect(await inTransaction(t.db, (trx) => decideApproval(trx, { eventId: other.id, delegateIds: [ed.id], decision: "approved", staffLabel: "x" }))).toEqual(
      [],
    );
    await setApprovalCategories(t.db, { eventId, categories: [] });
  });

  it("two delegations asking for the last place at the same moment: exactly one gets it", async () => {
    const { id: last } = await createProgrammeItem(t.db, {
      eventId,
      timeZone: "Asia/Seoul",
      input: ProgrammeItemSchema.parse({
        kind: "field_trip",
        start: "2026-09-11T09:00",
        end: "2026-09-11T12:00",
        title: { en: "Boat" },
        attendanceAsked: "on",
        capacity: "1",
      }),
    });
    rules = { ...rules, programmeIds: [...rules.programmeIds, last] };
    const one = invitations[4];
    const two = invitations[0];
    const results = await Promise.all([reply(one, [{ givenName: "Gus", programme: [last] }]), reply(two, [{ givenName: "Hal", programme: [last] }])]);
    expect(results.map((r) => r.status)).toEqual(["saved", "saved"]);
    const rows = await listItemRegistrations(t.db, { eventId, itemId: last });
    expect(rows.filter((r) => r.status === "registered")).toHaveLength(1);
    expect(rows.filter((r) => r.status === "waiting")).toHaveLength(1);
    if (usingPostgres) expect(databaseLabel).toBe("PostgreSQL server");
  });
});
