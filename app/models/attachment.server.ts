import crypto from "node:crypto";

import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import { MAX_ATTACHMENTS_PER_EVENT, MAX_ATTACHMENTS_TOTAL_BYTES } from "~/lib/attachments";
import type { Locale } from "../../db/schema";

export type AttachmentSummary = { id: string; filename: string; contentType: string; size: number; sha256: string; createdAt: Date };

/** The event's current attachments (not their bytes), oldest first: the order they are attached in. */
export async function listAttachments(db: DB, { eventId }: { eventId: string }): Promise<AttachmentSummary[]> {
  return db
    .selectFrom("event_attachment")
    .select(["id", "filename", "content_type as contentType", "size", "sha256", "created_at as createdAt"])
    .where("event_id", "=", eventId)
    .where("removed_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** One current attachment with its bytes, for staff to download. */
export async function getAttachment(db: DB, { eventId, id }: { eventId: string; id: string }) {
  return db
    .selectFrom("event_attachment")
    .select(["id", "filename", "content_type as contentType", "size", "content"])
    .where("event_id", "=", eventId)
    .where("id", "=", id)
    .where("removed_at", "is", null)
    .executeTakeFirst();
}

export class AttachmentLimitError extends Error {
  constructor(
    readonly reason: "total" | "count" | "duplicate",
    readonly total: number,
  ) {
    super(reason);
  }
}

/** Serialises uploads and removals of one event's files, so that two at once cannot pass the total together. */
async function lockEventAttachments(db: DB, eventId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${`plenary:attachments:${eventId}`}))`.execute(db);
}

/**
 * Stores a checked file for the event, refusing it (AttachmentLimitError, nothing written) when the event's
 * files would exceed the total size or count, or the same bytes are already attached.
 */
export async function addAttachment(
  db: DB,
  input: { eventId: string; filename: string; contentType: string; content: Buffer; userId: string },
): Promise<AttachmentSummary> {
  return inTransaction(db, async (trx) => {
    await lockEventAttachments(trx, input.eventId);
    const current = await listAttachments(trx, { eventId: input.eventId });
    const total = current.reduce((sum, a) => sum + a.size, 0);
    const sha256 = crypto.createHash("sha256").update(input.content).digest("hex");
    if (current.some((a) => a.sha256 === sha256)) throw new AttachmentLimitError("duplicate", total);
    if (current.length >= MAX_ATTACHMENTS_PER_EVENT) throw new AttachmentLimitError("count", total);
    if (total + input.content.length > MAX_ATTACHMENTS_TOTAL_BYTES) throw new AttachmentLimitError("total", total);
    return trx
      .insertInto("event_attachment")
      .values({
        event_id: input.eventId,
        filename: input.filename,
        content_type: input.contentType,
        size: input.content.length,
        sha256,
        content: input.content,
        created_by: input.userId,
      })
      .returning(["id", "filename", "content_type as contentType", "size", "sha256", "created_at as createdAt"])
      .executeTakeFirstOrThrow();
  });
}

/** Messages still to be sent that carry this attachment (by its id in email_message_document). */
const STILL_REFERENCED = sql<boolean>`exists (select 1 from email_message_document d join email_message m on m.id = d.message_id
  where m.status in ('queued', 'sending', 'deferred') and d.attachment_ids ? a.id::text)`;

/**
 * Takes a file off the event's invitations: new messages no longer carry it. Its bytes stay while a message
 * already queued refers to it (a retry sends what the first attempt sent) and go with the next removal or
 * upload after that. Returns the file's name, or null when there was no such file.
 */
export async function removeAttachment(db: DB, { eventId, id }: { eventId: string; id: string }): Promise<string | null> {
  return inTransaction(db, async (trx) => {
    await lockEventAttachments(trx, eventId);
    const removed = await trx
      .updateTable("event_attachment")
      .set({ removed_at: sql`now()` })
      .where("event_id", "=", eventId)
      .where("id", "=", id)
      .where("removed_at", "is", null)
      .returning("filename")
      .executeTakeFirst();
    await purgeRemovedAttachments(trx, { eventId });
    return removed?.filename ?? null;
  });
}

/** Deletes removed files no message still to be sent refers to. */
export async function purgeRemovedAttachments(db: DB, { eventId }: { eventId?: string } = {}) {
  let query = db
    .deleteFrom("event_attachment as a")
    .where("a.removed_at", "is not", null)
    .where(sql<boolean>`not ${STILL_REFERENCED}`);
  if (eventId) query = query.where("a.event_id", "=", eventId);
  await query.execute();
}

export type LetterOptions = { attachPdf: boolean; secondLocale: Locale | null };

export async function getLetterOptions(db: DB, { eventId }: { eventId: string }): Promise<LetterOptions> {
  const row = await db
    .selectFrom("event_letter_option")
    .select(["attach_pdf as attachPdf", "second_locale as secondLocale"])
    .where("event_id", "=", eventId)
    .executeTakeFirst();
  return row ?? { attachPdf: false, secondLocale: null };
}

export async function saveLetterOptions(db: DB, { eventId, userId, attachPdf, secondLocale }: LetterOptions & { eventId: string; userId: string }) {
  await db
    .insertInto("event_letter_option")
    .values({ event_id: eventId, attach_pdf: attachPdf, second_locale: secondLocale, updated_by: userId })
    .onConflict((oc) => oc.column("event_id").doUpdateSet({ attach_pdf: attachPdf, second_locale: secondLocale, updated_by: userId, updated_at: sql`now()` }))
    .execute();
}

/**
 * What a message just queued carries besides its body (called in the transaction that queued it, found by its
 * idempotency key): the PDF letter's text and the ids of the event's files.
 */
export async function saveMessageDocuments(
  db: DB,
  { idempotencyKey, letter, attachmentIds }: { idempotencyKey: string; letter: unknown; attachmentIds: string[] },
) {
  await sql`insert into email_message_document (message_id, letter, attachment_ids)
    select id, ${letter === null ? null : JSON.stringify(letter)}::jsonb, ${JSON.stringify(attachmentIds)}::jsonb
    from email_message where idempotency_key = ${idempotencyKey}
    on conflict (message_id) do nothing`.execute(db);
}

export type MessageDocuments = {
  letter: unknown;
  attachments: { id: string; filename: string; contentType: string; content: Buffer }[];
};

/** A message's documents with the files' bytes (removed files included: the message was queued with them), or null. */
export async function getMessageDocuments(db: DB, { messageId }: { messageId: string }): Promise<MessageDocuments | null> {
  const row = await db.selectFrom("email_message_document").select(["letter", "attachment_ids"]).where("message_id", "=", messageId).executeTakeFirst();
  if (!row) return null;
  const ids = row.attachment_ids;
  const files = ids.length
    ? await db.selectFrom("event_attachment").select(["id", "filename", "content_type as contentType", "content"]).where("id", "in", ids).execute()
    : [];
  // in the order they were attached when the message was queued
  const attachments = ids.flatMap((id) => files.filter((f) => f.id === id));
  return { letter: row.letter, attachments };
}

/** Forgets the documents of a message that went out (its text is personal data; its files may go); a failed one keeps them for a resend. */
export async function dropSettledDocuments(db: DB, { messageId }: { messageId: string }) {
  await db
    .deleteFrom("email_message_document")
    .where("message_id", "=", messageId)
    .where(({ exists, selectFrom }) =>
      exists(selectFrom("email_message").select("id").where("id", "=", messageId).where("status", "in", ["sent", "local", "suppressed", "bounced"])),
    )
    .execute();
}
