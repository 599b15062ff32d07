import { sql } from "kysely";

import type { DB } from "~/db.server";
import { resources } from "~/locales/resources";
import type { LetterKind, Locale } from "../../db/schema";

export type LetterText = { subject: string; body: string; isDefault: boolean; version: number };

/** Plenary's default text for a kind and language (app/locales/<lng>/letters.json). */
export function defaultLetter(kind: LetterKind, locale: Locale): LetterText {
  const text = resources[locale].letters[kind];
  return { subject: text.subject, body: text.body, isDefault: true, version: 0 };
}

/** The letter staff wrote for this event, kind and language, or the default. */
export async function getLetter(db: DB, { eventId, kind, locale }: { eventId: string; kind: LetterKind; locale: Locale }): Promise<LetterText> {
  const row = await db
    .selectFrom("letter")
    .select(["subject", "body", "version"])
    .where("event_id", "=", eventId)
    .where("kind", "=", kind)
    .where("locale", "=", locale)
    .executeTakeFirst();
  return row ? { ...row, isDefault: false } : defaultLetter(kind, locale);
}

/** Saves a letter; `version` 0 means "still the default". A stale version is refused (returns false). */
export async function saveLetter(
  db: DB,
  input: { eventId: string; kind: LetterKind; locale: Locale; subject: string; body: string; version: number; userId: string },
): Promise<boolean> {
  if (input.version === 0) {
    const inserted = await db
      .insertInto("letter")
      .values({ event_id: input.eventId, kind: input.kind, locale: input.locale, subject: input.subject, body: input.body, updated_by: input.userId })
      .onConflict((oc) => oc.columns(["event_id", "kind", "locale"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    return Boolean(inserted);
  }
  const updated = await db
    .updateTable("letter")
    .set((eb) => ({ subject: input.subject, body: input.body, updated_by: input.userId, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("event_id", "=", input.eventId)
    .where("kind", "=", input.kind)
    .where("locale", "=", input.locale)
    .where("version", "=", input.version)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Back to Plenary's default text. */
export async function resetLetter(db: DB, { eventId, kind, locale }: { eventId: string; kind: LetterKind; locale: Locale }) {
  await db.deleteFrom("letter").where("event_id", "=", eventId).where("kind", "=", kind).where("locale", "=", locale).execute();
}
