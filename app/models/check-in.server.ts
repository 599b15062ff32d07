import { type DB, inTransaction } from "~/db.server";

/** One check-in as a device queued it: its own id (a UUID the device made), whom, for what, and the device's time. */
export type QueuedCheckIn = { id: string; delegateId: string; programmeItemId: string | null; scannedAt: Date | null };

/** What became of a queued check-in: the first of that person for the event or item, a note on an earlier one, or nobody. */
export type CheckInRecord =
  | {
      id: string;
      status: "checked_in" | "duplicate";
      /** this id had been received before: nothing new was written */
      replay: boolean;
      delegateId: string;
      programmeItemId: string | null;
      /** the server's time of this check-in (or note) */
      at: Date;
      /** the check-in that counts: its time and who made it (for a duplicate, the earlier one) */
      first: { at: Date; by: string | null };
    }
  | { id: string; status: "unknown" };

/**
 * Records the check-ins a device queued, each in its own transaction: the person's row is locked first, so two
 * devices checking in the same person one after the other end with one check-in and one note. A check-in whose id
 * was received before is not written again (the device retried after a lost answer). For the whole event the
 * delegate's `checked_in_at` is set too, as the online check-in does; the time that counts is `now`, the server's.
 */
export async function recordCheckIns(
  db: DB,
  { eventId, by, items, now = new Date() }: { eventId: string; by: string; items: QueuedCheckIn[]; now?: Date },
): Promise<CheckInRecord[]> {
  const results: CheckInRecord[] = [];
  for (const item of items) results.push(await recordCheckIn(db, { eventId, by, item, now }));
  return results;
}

async function recordCheckIn(db: DB, { eventId, by, item, now }: { eventId: string; by: string; item: QueuedCheckIn; now: Date }): Promise<CheckInRecord> {
  return inTransaction(db, async (trx) => {
    const person = await trx
      .selectFrom("delegate as d")
      .innerJoin("invitation as i", "i.id", "d.invitation_id")
      .leftJoin("staff_user as s", "s.id", "d.checked_in_by")
      .select(["d.id", "d.checked_in_at as checkedInAt", "s.display_name as checkedInBy"])
      .where("d.id", "=", item.delegateId)
      .where("i.event_id", "=", eventId)
      .forUpdate("d")
      .executeTakeFirst();
    if (!person) return { id: item.id, status: "unknown" };
    if (item.programmeItemId) {
      const programmeItem = await trx
        .selectFrom("programme_item")
        .select("id")
        .where("id", "=", item.programmeItemId)
        .where("event_id", "=", eventId)
        .executeTakeFirst();
      if (!programmeItem) return { id: item.id, status: "unknown" };
    }
    const earlier = await storedCheckIn(trx, item.id);
    if (earlier) return earlier;

    const first = item.programmeItemId
      ? await trx
          .selectFrom("check_in as c")
          .leftJoin("staff_user as s", "s.id", "c.recorded_by")
          .select(["c.recorded_at as at", "s.display_name as by"])
          .where("c.delegate_id", "=", item.delegateId)
          .where("c.programme_item_id", "=", item.programmeItemId)
          .where("c.outcome", "=", "checked_in")
          .executeTakeFirst()
      : person.checkedInAt
        ? { at: person.checkedInAt, by: person.checkedInBy }
        : undefined;
    const outcome = first ? "duplicate" : "checked_in";
    const inserted = await trx
      .insertInto("check_in")
      .values({
        client_id: item.id,
        event_id: eventId,
        delegate_id: item.delegateId,
        programme_item_id: item.programmeItemId,
        outcome,
        scanned_at: item.scannedAt,
        recorded_at: now,
        recorded_by: by,
      })
      // the same id sent for another person at the same moment: the one stored first stands
      .onConflict((oc) => oc.column("client_id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return (await storedCheckIn(trx, item.id)) ?? { id: item.id, status: "unknown" };
    if (outcome === "checked_in" && !item.programmeItemId) {
      await trx.updateTable("delegate").set({ checked_in_at: now, checked_in_by: by }).where("id", "=", item.delegateId).execute();
    }
    const byName = await trx.selectFrom("staff_user").select("display_name").where("id", "=", by).executeTakeFirst();
    return {
      id: item.id,
      status: outcome,
      replay: false,
      delegateId: item.delegateId,
      programmeItemId: item.programmeItemId,
      at: now,
      first: first ?? { at: now, by: byName?.display_name ?? null },
    };
  });
}

/** A check-in already received under this id, as it was answered then. */
async function storedCheckIn(db: DB, clientId: string): Promise<CheckInRecord | undefined> {
  const row = await db
    .selectFrom("check_in as c")
    .leftJoin("staff_user as s", "s.id", "c.recorded_by")
    .select([
      "c.client_id as id",
      "c.outcome",
      "c.delegate_id as delegateId",
      "c.programme_item_id as programmeItemId",
      "c.recorded_at as at",
      "s.display_name as by",
    ])
    .where("c.client_id", "=", clientId)
    .executeTakeFirst();
  if (!row) return undefined;
  const first =
    row.outcome === "duplicate"
      ? await db
          .selectFrom("check_in as c")
          .leftJoin("staff_user as s", "s.id", "c.recorded_by")
          .select(["c.recorded_at as at", "s.display_name as by"])
          .where("c.delegate_id", "=", row.delegateId)
          .where((eb) => (row.programmeItemId ? eb("c.programme_item_id", "=", row.programmeItemId) : eb("c.programme_item_id", "is", null)))
          .where("c.outcome", "=", "checked_in")
          .executeTakeFirst()
      : undefined;
  return {
    id: row.id,
    status: row.outcome === "duplicate" ? "duplicate" : "checked_in",
    replay: true,
    delegateId: row.delegateId,
    programmeItemId: row.programmeItemId,
    at: row.at,
    first: first ?? { at: row.at, by: row.by },
  };
}

/** Who is checked in for which programme item of the event (the event itself is the delegate's `checked_in_at`). */
export async function listProgrammeCheckIns(db: DB, { eventId }: { eventId: string }) {
  return db
    .selectFrom("check_in")
    .select(["delegate_id as delegateId", "programme_item_id as programmeItemId", "recorded_at as at"])
    .where("event_id", "=", eventId)
    .where("programme_item_id", "is not", null)
    .where("outcome", "=", "checked_in")
    .execute() as Promise<{ delegateId: string; programmeItemId: string; at: Date }[]>;
}

/** The notes: a second check-in of someone already checked in (another device, or the same person twice), newest first. */
export async function listCheckInNotes(db: DB, { eventId, limit = 50 }: { eventId: string; limit?: number }) {
  return db
    .selectFrom("check_in as c")
    .leftJoin("staff_user as s", "s.id", "c.recorded_by")
    .select([
      "c.id",
      "c.delegate_id as delegateId",
      "c.programme_item_id as programmeItemId",
      "c.recorded_at as at",
      "c.scanned_at as scannedAt",
      "s.display_name as by",
    ])
    .where("c.event_id", "=", eventId)
    .where("c.outcome", "=", "duplicate")
    .orderBy("c.recorded_at", "desc")
    .limit(limit)
    .execute();
}
