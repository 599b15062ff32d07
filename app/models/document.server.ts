import { sql } from "kysely";

import type { DB, Tx } from "~/db.server";
import type { DocumentKind, DocumentMediaType } from "../../db/schema";

/** Issue 18 §1: the files a delegation uploaded (note verbale, photos, passport scans). */

export type DocumentInfo = {
  id: string;
  kind: DocumentKind;
  delegateId: string | null;
  mediaType: DocumentMediaType;
  byteSize: number;
  fileName: string;
  createdAt: Date;
};

const INFO = [
  "id",
  "kind",
  "delegate_id as delegateId",
  "media_type as mediaType",
  "byte_size as byteSize",
  "file_name as fileName",
  "created_at as createdAt",
] as const;

/** What is on file for one invitation, without the bytes, the note verbale first, then per person. */
export function listDocuments(db: DB, { invitationId }: { invitationId: string }): Promise<DocumentInfo[]> {
  return db
    .selectFrom("document")
    .select([...INFO])
    .where("invitation_id", "=", invitationId)
    .orderBy(sql`delegate_id is not null`)
    .orderBy("kind")
    .orderBy("created_at")
    .execute();
}

/** One file with its bytes (sealed for a passport scan) and the event it belongs to. */
export function getDocumentFile(db: DB, { id }: { id: string }) {
  return db
    .selectFrom("document as d")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .select([
      "d.id",
      "d.kind",
      "d.invitation_id as invitationId",
      "d.delegate_id as delegateId",
      "i.event_id as eventId",
      "d.media_type as mediaType",
      "d.file_name as fileName",
      "d.key_id as keyId",
      "d.content",
    ])
    .where("d.id", "=", id)
    .executeTakeFirst();
}

/** Whether the person is in this invitation's delegation (a delegate id from a form is never trusted). */
export async function delegateInInvitation(db: DB, { invitationId, delegateId }: { invitationId: string; delegateId: string }) {
  const row = await db.selectFrom("delegate").select("id").where("id", "=", delegateId).where("invitation_id", "=", invitationId).executeTakeFirst();
  return Boolean(row);
}

export type NewDocument = {
  invitationId: string;
  delegateId: string | null;
  kind: DocumentKind;
  mediaType: DocumentMediaType;
  content: Buffer;
  byteSize: number;
  sha256: string;
  fileName: string;
  width: number | null;
  height: number | null;
  keyId: string | null;
};

/** Stores a file in place of the one of the same kind (per delegation, or per person); returns the new id. */
export async function replaceDocument(trx: Tx, doc: NewDocument): Promise<{ id: string; replaced: boolean }> {
  let old = trx.deleteFrom("document").where("invitation_id", "=", doc.invitationId).where("kind", "=", doc.kind);
  old = doc.delegateId ? old.where("delegate_id", "=", doc.delegateId) : old.where("delegate_id", "is", null);
  const removed = await old.executeTakeFirst();
  const row = await trx
    .insertInto("document")
    .values({
      invitation_id: doc.invitationId,
      delegate_id: doc.delegateId,
      kind: doc.kind,
      media_type: doc.mediaType,
      content: doc.content,
      byte_size: doc.byteSize,
      sha256: doc.sha256,
      file_name: doc.fileName,
      width: doc.width,
      height: doc.height,
      key_id: doc.keyId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, replaced: Number(removed.numDeletedRows) > 0 };
}

/** Removes one of an invitation's files; false when it is not one of theirs (or already gone). */
export async function deleteDocument(db: DB, { id, invitationId }: { id: string; invitationId: string }) {
  const result = await db.deleteFrom("document").where("id", "=", id).where("invitation_id", "=", invitationId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * RELIABILITY D6 with the passport numbers: passport scans of events that ended more than their passport
 * retention period before `now`. Returns the event of each scan deleted.
 */
export function purgeExpiredPassportScans(trx: Tx, { now }: { now: Date }) {
  return trx
    .deleteFrom("document as d")
    .using(["invitation as i", "event as e"])
    .whereRef("i.id", "=", "d.invitation_id")
    .whereRef("e.id", "=", "i.event_id")
    .where("d.kind", "=", "passport_scan")
    .where(sql<boolean>`e.ends_at + make_interval(days => e.passport_retention_days) < ${now}`)
    .returning("e.id as eventId")
    .execute();
}

/** Issue 18 §9: every file of an event goes when its personal data is anonymised. */
export async function deleteEventDocuments(trx: Tx, { eventId }: { eventId: string }) {
  const result = await trx
    .deleteFrom("document")
    .where("invitation_id", "in", trx.selectFrom("invitation").select("id").where("event_id", "=", eventId))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The badge photos of an event's delegates, by delegate id. */
export async function listBadgePhotos(db: DB, { eventId }: { eventId: string }): Promise<Map<string, Buffer>> {
  const rows = await db
    .selectFrom("document as d")
    .innerJoin("invitation as i", "i.id", "d.invitation_id")
    .select(["d.delegate_id as delegateId", "d.content"])
    .where("i.event_id", "=", eventId)
    .where("d.kind", "=", "photo")
    .execute();
  return new Map(rows.filter((r) => r.delegateId).map((r) => [r.delegateId!, r.content]));
}
