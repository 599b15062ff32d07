import crypto from "node:crypto";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { seal } from "~/lib/sealed.server";
import { claimDueMessages, enqueueMessage, finishMessage } from "~/models/email-message.server";
import { createEvent, transitionEvent } from "~/models/event.server";
import { recordInbound } from "~/models/inbound-mail.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply, listDelegates } from "~/models/reply.server";
import { setCheckedIn } from "~/models/roster.server";
import { createStaffUser } from "~/models/staff-user.server";
import { createSubscription } from "~/models/webhook.server";
import { WEBHOOK_EVENT_TYPES } from "../../db/schema";
import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";

const KEY = crypto.randomBytes(32);

/**
 * Each event a webhook reports is queued in the transaction of the change that causes it (issue 19): the change
 * and its delivery commit together, and a change that rolls back leaves no delivery.
 */
describe(`webhook events are queued with their change (${databaseLabel})`, () => {
  let t: TestDb;
  let eventId: string;
  let memberId: string;
  let staffId: string;

  const deliveries = (type: string) =>
    t.db.selectFrom("webhook_delivery").select(["event_type as type", "payload", "webhook_id as webhookId"]).where("event_type", "=", type).execute();

  beforeAll(async () => {
    t = await createTestDb();
    staffId = (await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" })).id;
    memberId = (await createMember(t.db, MemberSchema.parse({ country: "KR", kind: "province", names: { en: "Gyeongsangbuk-do" }, timeZone: "Asia/Seoul" })))
      .id;
    eventId = (
      await createEvent(
        t.db,
        EventSchema.parse({
          kind: "forum",
          title: { en: "Forum" },
          timeZone: "Asia/Seoul",
          start: "2026-09-10T09:00",
          end: "2026-09-11T18:00",
          quota: "3",
          categories: ["delegate"],
        }),
      )
    ).id;
    await createSubscription(t.db, {
      url: "https://hooks.example.org/plenary",
      description: null,
      eventTypes: [...WEBHOOK_EVENT_TYPES],
      secretSealed: seal(KEY, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
      createdBy: null,
    });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.deleteFrom("webhook_delivery").execute();
  });

  it("event status changed: queued with the transition; a transition that rolls back queues nothing", async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await transitionEvent(trx, { id: eventId, version: 1, to: "open" });
        throw new Error("the audit row failed");
      }),
    ).rejects.toThrow("the audit row failed");
    expect(await deliveries("event.status_changed")).toEqual([]);
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    const [row] = await deliveries("event.status_changed");
    expect(row.payload).toMatchObject({ type: "event.status_changed", data: { eventId, from: "draft", to: "open" } });
  });

  it("reply changed and delegate checked in: one delivery each, none for a repeated check-in", async () => {
    const invitationId = (await ensureInvitation(t.db, { eventId, memberId, letterLocale: "ko", createdBy: staffId })).id;
    const input = replySchema({ quota: 3, passportAllowed: false, programmeIds: [], storedPassport: [], staff: false }).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      delegates: [{ role: "head", nameLocale: "ko", familyName: "이", givenName: "철우" }],
    });
    const saved = await t.db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key: KEY, passportAllowed: false }));
    expect(saved.status).toBe("saved");
    const [reply] = await deliveries("reply.changed");
    expect(reply.payload).toMatchObject({
      type: "reply.changed",
      data: { eventId, invitationId, revision: 2, response: "attending", responseBefore: "pending", delegationSize: 1, changedBy: "link" },
    });
    // no names or contact details leave in a webhook
    expect(JSON.stringify(reply.payload)).not.toContain("철우");

    const [delegate] = await listDelegates(t.db, { invitationId, key: KEY });
    expect(await setCheckedIn(t.db, { eventId, delegateId: delegate.id, by: staffId, arrived: true })).toMatchObject({ status: "checked_in" });
    expect(await setCheckedIn(t.db, { eventId, delegateId: delegate.id, by: staffId, arrived: true })).toMatchObject({ status: "already" });
    const arrivals = await deliveries("delegate.checked_in");
    expect(arrivals).toHaveLength(1);
    expect(arrivals[0].payload).toMatchObject({ data: { eventId, invitationId, delegateId: delegate.id } });
  });

  it("invitation delivered and bounced: from the worker's outcome, and from a late bounce", async () => {
    const other = (
      await createMember(t.db, MemberSchema.parse({ country: "JP", kind: "prefecture", names: { en: "Tottori Prefecture" }, timeZone: "Asia/Tokyo" }))
    ).id;
    const invitationId = (await ensureInvitation(t.db, { eventId, memberId: other, letterLocale: "ja", createdBy: staffId })).id;
    const letter = (n: number) => ({
      idempotencyKey: `webhook-test:${n}`,
      messageId: `<w${n}.${Date.now()}@near.example.org>`,
      kind: "invitation",
      locale: "ja" as const,
      eventId,
      invitationId,
      to: [{ address: `governor${n}@example.org` }],
      subject: "招待状",
      html: "<p>招待状</p>",
      text: "招待状",
    });
    await enqueueMessage(t.db, letter(1));
    await enqueueMessage(t.db, letter(2));
    const [a, b] = await claimDueMessages(t.db, { workerId: "w", limit: 2, leaseSeconds: 60 });
    // an outcome from a worker that no longer holds the lease changes nothing and reports nothing
    expect(await finishMessage(t.db, { id: a.id, workerId: "another", status: "sent", reply: "250 OK", toUndelivered: false })).toBe(false);
    expect(await deliveries("invitation.delivered")).toEqual([]);
    expect(await finishMessage(t.db, { id: a.id, workerId: "w", status: "sent", reply: "250 OK", toUndelivered: false })).toBe(true);
    expect(await finishMessage(t.db, { id: b.id, workerId: "w", status: "failed", reply: "550 5.1.1 no such user", toUndelivered: true })).toBe(true);
    const [delivered] = await deliveries("invitation.delivered");
    expect(delivered.payload).toMatchObject({ type: "invitation.delivered", data: { eventId, invitationId, messageId: a.id, status: "delivered" } });
    expect(Date.parse((delivered.payload as { timestamp: string }).timestamp)).not.toBeNaN();
    expect(delivered.webhookId).toMatch(/^msg_[0-9a-f]{32}$/);
    const bounced = await deliveries("invitation.bounced");
    expect(bounced).toHaveLength(1);
    expect(bounced[0].payload).toMatchObject({ data: { invitationId, messageId: b.id, status: "failed" } });

    // the delivered letter bounces later (a DSN naming its recipient)
    await t.db
      .updateTable("email_message")
      .set({ recipients: JSON.stringify([{ field: "to", address: a.to[0].address, state: "accepted", reply: "250 OK", at: new Date().toISOString() }]) })
      .where("id", "=", a.id)
      .execute();
    await recordInbound(t.db, {
      mail: {
        kind: "bounce",
        how: "dsn",
        messageId: "<dsn1@mx.example.org>",
        from: { name: "Mail Delivery System", address: "mailer-daemon@example.org" },
        subject: "Undelivered Mail Returned to Sender",
        text: "",
        refersTo: [a.messageId],
        bounces: [{ address: a.to[0].address, action: "failed", status: "5.1.1", diagnostic: "user unknown" }],
      },
    });
    const after = await deliveries("invitation.bounced");
    expect(after).toHaveLength(2);
    expect(after.map((row) => (row.payload as { data: { messageId: string } }).data.messageId).sort()).toEqual([a.id, b.id].sort());
  });
});
