import { sql } from "kysely";

import type { DB } from "~/db.server";
import type { SuppressionReason } from "../../db/schema";

/**
 * The suppression list (issue 16 §4, RELIABILITY E7): an address that bounced hard gets no more mail until
 * staff lift it. Addresses are kept lower-cased; the domain part of an address is case-insensitive and
 * practically every mailbox is too.
 */
export const normaliseAddress = (address: string) => address.trim().toLowerCase();

export type Suppression = { address: string; reason: SuppressionReason; reply: string | null; createdAt: Date; messageId: string | null };

/** Adds addresses; one already on the list keeps its first reason and date. */
export async function suppressAddresses(
  db: DB,
  entries: { address: string; reason: SuppressionReason; reply?: string | null; messageId?: string | null; createdBy?: string | null; now?: Date }[],
) {
  if (!entries.length) return;
  const seen = new Set<string>();
  const rows = entries
    .map((entry) => ({ ...entry, address: normaliseAddress(entry.address) }))
    .filter((entry) => entry.address && !seen.has(entry.address) && seen.add(entry.address))
    .map((entry) => ({
      address: entry.address,
      reason: entry.reason,
      reply: entry.reply?.slice(0, 1000) ?? null,
      email_message_id: entry.messageId ?? null,
      created_by: entry.createdBy ?? null,
      created_at: entry.now ?? sql<Date>`now()`,
    }));
  await db
    .insertInto("mail_suppression")
    .values(rows)
    .onConflict((oc) => oc.column("address").doNothing())
    .execute();
}

/** The suppressed ones among some addresses, keyed by lower-cased address. */
export async function suppressedAmong(db: DB, addresses: string[]): Promise<Map<string, Suppression>> {
  const wanted = [...new Set(addresses.map(normaliseAddress).filter(Boolean))];
  if (!wanted.length) return new Map();
  const rows = await db
    .selectFrom("mail_suppression")
    .select(["address", "reason", "reply", "created_at as createdAt", "email_message_id as messageId"])
    .where("address", "in", wanted)
    .execute();
  return new Map(rows.map((row) => [row.address, { ...row, createdAt: new Date(row.createdAt) }]));
}

export async function listSuppressions(db: DB, { q, limit = 500 }: { q?: string; limit?: number } = {}) {
  let query = db
    .selectFrom("mail_suppression")
    .select(["address", "reason", "reply", "created_at as createdAt", "email_message_id as messageId"])
    .orderBy("created_at", "desc")
    .orderBy("address")
    .limit(limit);
  const text = q?.trim();
  if (text) query = query.where("address", "like", `%${normaliseAddress(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return (await query.execute()).map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
}

/** Lifts a suppression; returns the row that was removed (for the audit log), or undefined. */
export async function liftSuppression(db: DB, { address }: { address: string }) {
  return db
    .deleteFrom("mail_suppression")
    .where("address", "=", normaliseAddress(address))
    .returning(["address", "reason", "reply", "created_at as createdAt"])
    .executeTakeFirst();
}
