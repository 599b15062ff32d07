import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import { settledStatus } from "~/lib/mail-recipients";
import { normaliseAddress, suppressAddresses } from "~/models/mail-suppression.server";
import { enqueueWebhookEvent } from "~/models/webhook.server";
import type { InboundKind, RecipientOutcome } from "../../db/schema";

/** What the intake hands over: the classifier's result (lib/inbound-mail.server.ts) in the shape stored here. */
export type InboundRecord = {
  kind: InboundKind;
  how: string;
  messageId: string | null;
  from: { name: string; address: string } | null;
  subject: string;
  text: string;
  /** Message-IDs the mail refers to (the original inside a DSN, In-Reply-To, References) */
  refersTo: string[];
  bounces: { address: string; status: string | null; diagnostic: string | null; action: string }[];
};

export type InboundResult = { id: string; kind: InboundKind; emailMessageId: string | null; invitationId: string | null; bounced: string[] };

/**
 * Stores one mail that arrived at the intake and applies it (issue 16 §5):
 * - it is matched to the message it is about, by the VERP return path (exact and signed) or else by the
 *   Message-IDs it refers to;
 * - a bounce marks those recipients of that message `bounced` with the diagnostic, recomputes the message's
 *   status (bounced when no To address got it) and puts the addresses on the suppression list. Addresses that
 *   were not recipients of the matched message are ignored: a forged bounce cannot suppress arbitrary addresses;
 * - a human reply is attached to the invitation (staff see it on the event page and the reply page);
 * - auto-replies and delay notices are only recorded.
 * All of it in one transaction: the intake answers 250 only after it committed, so nothing is lost.
 */
export async function recordInbound(db: DB, { mail, verpMessageRowId, now }: { mail: InboundRecord; verpMessageRowId?: string | null; now?: Date }) {
  return inTransaction(db, async (trx): Promise<InboundResult> => {
    const message = await findReferencedMessage(trx, { rowId: verpMessageRowId ?? null, messageIds: mail.refersTo });
    const bounced: string[] = [];
    if (message && mail.kind === "bounce") {
      const stamp = (now ?? new Date()).toISOString();
      const recipients = message.recipients as RecipientOutcome[];
      const failed = new Map(mail.bounces.filter((b) => b.action === "failed").map((b) => [normaliseAddress(b.address), b]));
      // a bounce that names nobody we can read: it is about the message's main recipients that the relay took
      const named = recipients.some((r) => failed.has(normaliseAddress(r.address)));
      const updated = recipients.map((r): RecipientOutcome => {
        const bounce = failed.get(normaliseAddress(r.address));
        const hit = bounce ? true : !named && !mail.bounces.length && r.field === "to" && r.state === "accepted";
        if (!hit) return r;
        bounced.push(r.address);
        const reply = [bounce?.status, bounce?.diagnostic].filter(Boolean).join(" ") || mail.subject;
        return { ...r, state: "bounced", reply: reply.slice(0, 1000), at: stamp };
      });
      if (bounced.length) {
        const { status, toUndelivered } = settledStatus(updated);
        await trx
          .updateTable("email_message")
          .set({
            recipients: JSON.stringify(updated),
            status: sql`case when status in ('sent', 'bounced', 'suppressed', 'failed') then ${status} else status end`,
            to_undelivered: toUndelivered,
            bounced_at: sql`coalesce(bounced_at, ${now ?? sql`now()`})`,
            last_reply: updated.find((r) => r.state === "bounced")?.reply ?? null,
            updated_at: sql`now()`,
          })
          .where("id", "=", message.id)
          .execute();
        await suppressAddresses(
          trx,
          bounced.map((address) => ({
            address,
            reason: "bounced" as const,
            reply: updated.find((r) => r.address === address)?.reply ?? null,
            messageId: message.id,
            now,
          })),
        );
        // a late bounce of an invitation letter is a webhook event (issue 19), once per message
        if (message.invitationId && message.kind === "invitation" && toUndelivered) {
          await enqueueWebhookEvent(trx, {
            type: "invitation.bounced",
            key: message.id,
            data: { eventId: message.eventId, invitationId: message.invitationId, messageId: message.id, status: "bounced" },
            now,
          });
        }
      }
    }
    const row = await trx
      .insertInto("inbound_mail")
      .values({
        kind: mail.kind,
        how: mail.how.slice(0, 100),
        email_message_id: message?.id ?? null,
        invitation_id: message?.invitationId ?? null,
        event_id: message?.eventId ?? null,
        message_id: mail.messageId?.slice(0, 1000) ?? null,
        from_name: mail.from?.name.slice(0, 500) || null,
        from_address: mail.from?.address.slice(0, 500) || null,
        subject: mail.subject.slice(0, 500),
        body: mail.text.slice(0, 20_000),
        details: JSON.stringify({ bounces: mail.bounces.slice(0, 50), refersTo: mail.refersTo.slice(0, 20), bounced }),
        ...(now ? { received_at: now } : {}),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: row.id, kind: mail.kind, emailMessageId: message?.id ?? null, invitationId: message?.invitationId ?? null, bounced };
  });
}

async function findReferencedMessage(db: DB, { rowId, messageIds }: { rowId: string | null; messageIds: string[] }) {
  const columns = ["id", "recipients", "invitation_id as invitationId", "event_id as eventId", "kind"] as const;
  if (rowId) {
    const row = await db.selectFrom("email_message").select(columns).where("id", "=", rowId).forUpdate().executeTakeFirst();
    if (row) return row;
  }
  const ids = messageIds.filter((id) => id.length <= 1000).slice(0, 20);
  if (!ids.length) return undefined;
  return db.selectFrom("email_message").select(columns).where("message_id", "in", ids).orderBy("created_at", "desc").limit(1).forUpdate().executeTakeFirst();
}

export type EmailedReply = { id: string; receivedAt: Date; fromName: string | null; fromAddress: string | null; subject: string; body: string };

/** Replies written by email to one invitation's messages, newest first (the staff reply page). */
export async function emailedRepliesForInvitation(db: DB, { invitationId }: { invitationId: string }): Promise<EmailedReply[]> {
  const rows = await db
    .selectFrom("inbound_mail")
    .select(["id", "received_at as receivedAt", "from_name as fromName", "from_address as fromAddress", "subject", "body"])
    .where("invitation_id", "=", invitationId)
    .where("kind", "=", "reply")
    .orderBy("received_at", "desc")
    .limit(50)
    .execute();
  return rows.map((row) => ({ ...row, receivedAt: new Date(row.receivedAt) }));
}

/** Per invitation of an event: the last emailed reply's time (the event page's flag). */
export async function emailedReplyTimesForEvent(db: DB, { eventId }: { eventId: string }) {
  const rows = await db
    .selectFrom("inbound_mail")
    .select(["invitation_id as invitationId", (eb) => eb.fn.max("received_at").as("last"), (eb) => eb.fn.countAll<string>().as("n")])
    .where("event_id", "=", eventId)
    .where("kind", "=", "reply")
    .where("invitation_id", "is not", null)
    .groupBy("invitation_id")
    .execute();
  return new Map(rows.map((row) => [row.invitationId!, { last: new Date(row.last as Date), count: Number(row.n) }]));
}

/** The intake's log for the Mail page: what arrived lately, of every kind. */
export async function listInbound(db: DB, { kind, limit = 100 }: { kind?: InboundKind; limit?: number } = {}) {
  let query = db
    .selectFrom("inbound_mail")
    .select([
      "id",
      "kind",
      "how",
      "received_at as receivedAt",
      "from_address as fromAddress",
      "subject",
      "email_message_id as emailMessageId",
      "invitation_id as invitationId",
      "event_id as eventId",
      "details",
    ])
    .orderBy("received_at", "desc")
    .limit(limit);
  if (kind) query = query.where("kind", "=", kind);
  return (await query.execute()).map((row) => ({ ...row, receivedAt: new Date(row.receivedAt) }));
}

/** Mail about no event (unmatched bounces, stray replies) is kept this long. */
export const UNLINKED_INBOUND_KEEP_DAYS = 90;

/**
 * Retention (RELIABILITY D6): received mail holds people's words and addresses. Mail about an event is deleted
 * with the event's other personal data (the event's end plus its retention period); mail about no event after
 * UNLINKED_INBOUND_KEEP_DAYS. Returns how many were deleted.
 */
export async function purgeExpiredInbound(db: DB, { now = new Date() }: { now?: Date } = {}) {
  const linked = await db
    .deleteFrom("inbound_mail as m")
    .using("event as e")
    .whereRef("m.event_id", "=", "e.id")
    .where(sql<boolean>`e.ends_at + make_interval(days => e.passport_retention_days) < ${now}`)
    .executeTakeFirst();
  const unlinked = await db
    .deleteFrom("inbound_mail")
    .where("event_id", "is", null)
    .where("received_at", "<", new Date(now.getTime() - UNLINKED_INBOUND_KEEP_DAYS * 86_400_000))
    .executeTakeFirst();
  return Number(linked.numDeletedRows) + Number(unlinked.numDeletedRows);
}
