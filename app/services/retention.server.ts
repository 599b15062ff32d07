import { type DB, inTransaction } from "~/db.server";
import { writeAudit } from "~/models/audit.server";
import { purgeExpiredInbound } from "~/models/inbound-mail.server";
import { purgeExpiredPassportData } from "~/models/reply.server";

/**
 * RELIABILITY D6: deletes passport data, dates of birth, consents and dietary free text once an event ended
 * more than its retention period (default 30 days) ago, and writes one audit row per event with counts only.
 * Mail received about such an event goes too (and mail about no event after 90 days), with one audit row.
 * Run by the mail worker every hour; a second run finds nothing and writes nothing.
 */
export async function runRetentionPurge(db: DB, { now = new Date() }: { now?: Date } = {}) {
  return inTransaction(db, async (trx) => {
    const purged = await purgeExpiredPassportData(trx, { now });
    const byEvent = new Map<string, number>();
    for (const row of purged) byEvent.set(row.eventId, (byEvent.get(row.eventId) ?? 0) + 1);
    for (const [eventId, delegates] of byEvent) {
      await writeAudit(trx, {
        actor: { label: "retention purge" },
        action: "replies.passport_purged",
        objectType: "event",
        objectId: eventId,
        details: { delegates },
      });
    }
    const inboundMail = await purgeExpiredInbound(trx, { now });
    if (inboundMail) {
      await writeAudit(trx, {
        actor: { label: "retention purge" },
        action: "mail.inbound_purged",
        objectType: "inbound_mail",
        details: { messages: inboundMail },
      });
    }
    return { delegates: purged.length, events: byEvent.size, inboundMail };
  });
}
