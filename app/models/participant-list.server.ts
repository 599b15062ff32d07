import type { DB } from "~/db.server";
import type { Locale, RosterKind } from "../../db/schema";

export type ParticipantList = {
  versionNumber: number;
  kind: RosterKind;
  versionLocale: Locale;
  isPublic: boolean;
  publishedAt: Date;
  /** the people of the published version, by delegate id (who of them is listed is decided by consent, at reading) */
  delegateIds: string[];
};

/** Publishes frozen version `versionNumber` as the event's List of Participants (replacing any published before). */
export async function publishParticipantList(
  db: DB,
  { eventId, versionNumber, isPublic, by }: { eventId: string; versionNumber: number; isPublic: boolean; by: string },
): Promise<boolean> {
  const version = await db.selectFrom("roster_version").select("id").where("event_id", "=", eventId).where("number", "=", versionNumber).executeTakeFirst();
  if (!version) return false;
  await db
    .insertInto("participant_list")
    .values({ event_id: eventId, version_id: version.id, is_public: isPublic, published_by: by })
    .onConflict((oc) => oc.column("event_id").doUpdateSet({ version_id: version.id, is_public: isPublic, published_by: by, published_at: new Date() }))
    .execute();
  return true;
}

/** Withdraws the event's published list; false when none was published. */
export async function unpublishParticipantList(db: DB, { eventId }: { eventId: string }) {
  const result = await db.deleteFrom("participant_list").where("event_id", "=", eventId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The event's published list, if any; `publicOnly` for readers without a reply link. */
export async function getParticipantList(
  db: DB,
  { eventId, publicOnly = false }: { eventId: string; publicOnly?: boolean },
): Promise<ParticipantList | undefined> {
  let query = db
    .selectFrom("participant_list as p")
    .innerJoin("roster_version as v", "v.id", "p.version_id")
    .select(["v.number as versionNumber", "v.kind", "v.locale as versionLocale", "p.is_public as isPublic", "p.published_at as publishedAt", "v.rows"])
    .where("p.event_id", "=", eventId);
  if (publicOnly) query = query.where("p.is_public", "=", true);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const { rows, ...list } = row;
  return { ...list, delegateIds: (rows as { key?: unknown }[]).map((line) => line.key).filter((key): key is string => typeof key === "string") };
}

/** Which version is published, without its rows (the roster page shows it on every view). */
export async function getParticipantListSummary(db: DB, { eventId }: { eventId: string }) {
  return db
    .selectFrom("participant_list as p")
    .innerJoin("roster_version as v", "v.id", "p.version_id")
    .select(["v.number as versionNumber", "v.kind", "p.is_public as isPublic", "p.published_at as publishedAt"])
    .where("p.event_id", "=", eventId)
    .executeTakeFirst();
}

/** Whether the event publishes a list (one primary-key lookup: the reply page asks on every view). */
export async function hasParticipantList(db: DB, { eventId }: { eventId: string }) {
  return Boolean(await db.selectFrom("participant_list").select("event_id").where("event_id", "=", eventId).executeTakeFirst());
}
