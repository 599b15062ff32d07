import { type DB, inTransaction } from "~/db.server";
import { audited, type AuditEntry, writeAudit } from "~/models/audit.server";
import { purgeExpiredPassportScans } from "~/models/document.server";
import { purgeExpiredInbound } from "~/models/inbound-mail.server";
import { purgeExpiredPassportData } from "~/models/reply.server";
import { anonymiseEvent, getRetentionMonths, hasPersonalData, listEventsDueForAnonymisation, type RetentionCounts } from "~/models/retention.server";

/**
 * RELIABILITY D6: deletes passport data, dates of birth, consents and dietary free text once an event ended
 * more than its retention period (default 30 days) ago, and writes one audit row per event with counts only.
 * Mail received about such an event goes too (and mail about no event after 90 days), with one audit row.
 * Run by the mail worker every hour; a second run finds nothing and writes nothing.
 */
export async function runRetentionPurge(db: DB, { now = new Date() }: { now?: Date } = {}) {
  return inTransaction(db, async (trx) => {
    const purged = await purgeExpiredPassportData(trx, { now });
    // passport scans (issue 18 §1) go with the passport numbers, counted on the same audit row
    const scans = await purgeExpiredPassportScans(trx, { now });
    const byEvent = new Map<string, { delegates: number; scans: number }>();
    const count = (eventId: string) => byEvent.get(eventId) ?? byEvent.set(eventId, { delegates: 0, scans: 0 }).get(eventId)!;
    for (const row of purged) count(row.eventId).delegates += 1;
    for (const row of scans) count(row.eventId).scans += 1;
    for (const [eventId, counts] of byEvent) {
      await writeAudit(trx, {
        actor: { label: "retention purge" },
        action: "replies.passport_purged",
        objectType: "event",
        objectId: eventId,
        details: counts.scans ? counts : { delegates: counts.delegates },
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

export type RetentionActor = AuditEntry["actor"];

/** The period in force, the date before which an event's end puts it out of the period, and the events due. */
export async function previewPersonalDataRetention(db: DB, { now = new Date() }: { now?: Date } = {}) {
  const months = await getRetentionMonths(db);
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return { months, cutoff, events: await listEventsDueForAnonymisation(db, { months, now }) };
}

/**
 * Issue 18 §9: anonymises the personal data of every event that ended more than the retention period
 * (Settings → Data retention) before `now`: one transaction per event, each with its audit row, then one audit
 * row for the run with the totals. Run by the mail worker every hour and by an administrator from the settings
 * page; a second run finds nothing and writes nothing.
 */
export async function runPersonalDataRetention(
  db: DB,
  { now = new Date(), actor = { label: "retention" }, ip, months: expected }: { now?: Date; actor?: RetentionActor; ip?: string | null; months?: number } = {},
) {
  const months = await getRetentionMonths(db);
  if (expected !== undefined && expected !== months) throw new RetentionChangedError();
  const due = await listEventsDueForAnonymisation(db, { months, now });
  const totals: RetentionCounts = { delegates: 0, contactDetails: 0, replies: 0, declineReasons: 0, messages: 0, rosters: 0, inboundMail: 0, links: 0 };
  const events: string[] = [];
  for (const { id } of due) {
    const counts = await inTransaction(db, async (trx) => {
      const changed = await anonymiseEvent(trx, { eventId: id, months, now });
      if (changed && hasPersonalData(changed)) {
        await writeAudit(trx, { actor, ip, action: "replies.personal_data_anonymised", objectType: "event", objectId: id, details: { months, ...changed } });
      }
      return changed;
    });
    if (!counts || !hasPersonalData(counts)) continue;
    events.push(id);
    for (const key of Object.keys(totals) as (keyof RetentionCounts)[]) totals[key] += counts[key];
  }
  if (events.length) {
    // the run's own record, after the events' (each committed with its own row)
    await audited(db, async () => null, { actor, ip, action: "replies.retention_run", details: { months, events: events.length, ...totals } });
  }
  return { months, events: events.length, ...totals };
}

/** The period changed between the preview an administrator confirmed and the run. */
export class RetentionChangedError extends Error {
  constructor() {
    super("the retention period changed since the preview");
  }
}
