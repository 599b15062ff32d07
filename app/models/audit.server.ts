import { type DB } from "~/db.server";

export type AuditEntry = {
  actor: { id: string; email: string } | { label: string };
  action: string;
  objectType?: string;
  objectId?: string;
  ip?: string | null;
  details?: Record<string, unknown>;
};

/** Appends one row to the audit log. Never pass passwords, tokens or passport data in details. */
export async function writeAudit(db: DB, entry: AuditEntry) {
  await db
    .insertInto("audit_log")
    .values({
      actor_id: "id" in entry.actor ? entry.actor.id : null,
      actor_label: "id" in entry.actor ? entry.actor.email : entry.actor.label,
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export function listAudit(db: DB, { limit = 100 }: { limit?: number } = {}) {
  return db
    .selectFrom("audit_log")
    .select(["id", "at", "actor_id as actorId", "actor_label as actorLabel", "action", "object_type as objectType", "object_id as objectId", "ip", "details"])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}
