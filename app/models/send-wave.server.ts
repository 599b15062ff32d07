import { sql } from "kysely";

import type { DB, Tx } from "~/db.server";
import type { SendWaveKind, SendWaveStatus } from "../../db/schema";

/** A wave as its progress shows it; the member list itself (up to thousands of ids) only where a runner needs it. */
export type SendWave = {
  id: string;
  eventId: string;
  kind: SendWaveKind;
  /** a reminder wave's batch (its letters' idempotency keys) */
  batch: string | null;
  bilingual: boolean;
  status: SendWaveStatus;
  total: number;
  done: number;
  queued: number;
  alreadyInvited: number;
  noEmail: number;
  stopReason: string | null;
  createdBy: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};

/** A wave claimed by a runner: with the members it goes to, in order. */
export type ClaimedSendWave = SendWave & { memberIds: string[] };

const COLUMNS = [
  "id",
  "event_id as eventId",
  "kind",
  "batch",
  sql<number>`cardinality(member_ids)`.as("total"),
  "bilingual",
  "status",
  "done",
  "queued",
  "already_invited as alreadyInvited",
  "no_email as noEmail",
  "stop_reason as stopReason",
  "created_by as createdBy",
  "created_at as createdAt",
  "finished_at as finishedAt",
] as const;

const toWave = <T extends { total: number | string }>(row: T) => ({ ...row, total: Number(row.total) });

/**
 * Records a wave for the members staff confirmed; a runner prepares it (app/mail/send-waves.server.ts). While a
 * reminder batch's wave waits or runs, recording the same batch again (a double click, the schedule's next pass)
 * gives that wave.
 */
export async function createSendWave(
  db: DB,
  {
    eventId,
    memberIds,
    bilingual,
    createdBy,
    kind = "invitation",
    batch = null,
  }: { eventId: string; memberIds: string[]; bilingual: boolean; createdBy: string | null; kind?: SendWaveKind; batch?: string | null },
) {
  // twice at most: the open wave a conflict names may end before it is read (then the batch may have a new one)
  for (let attempt = 0; ; attempt++) {
    const row = await db
      .insertInto("send_wave")
      .values({
        event_id: eventId,
        member_ids: memberIds,
        bilingual,
        kind,
        batch,
        created_by: createdBy,
        status: memberIds.length ? "queued" : "done",
        finished_at: memberIds.length ? null : new Date(),
      })
      // the partial unique index of reminder waves (its predicate written out: a parameter would not match it)
      .onConflict((oc) =>
        oc
          .columns(["event_id", "batch"])
          .where(sql<boolean>`kind = 'reminder' and status in ('queued', 'running')`)
          .doNothing(),
      )
      .returning(COLUMNS)
      .executeTakeFirst();
    if (row) return { wave: toWave(row) as SendWave, created: true };
    const open = await db
      .selectFrom("send_wave")
      .select(COLUMNS)
      .where("event_id", "=", eventId)
      .where("kind", "=", kind)
      .where("batch", "=", batch)
      .where("status", "in", ["queued", "running"])
      .executeTakeFirst();
    if (open) return { wave: toWave(open) as SendWave, created: false };
    if (attempt) throw new Error(`send wave of batch ${batch} neither recorded nor found`);
  }
}

export async function getSendWave(db: DB, { eventId, id }: { eventId: string; id: string }): Promise<SendWave | undefined> {
  const row = await db.selectFrom("send_wave").select(COLUMNS).where("id", "=", id).where("event_id", "=", eventId).executeTakeFirst();
  return row ? (toWave(row) as SendWave) : undefined;
}

/** The event's waves still being prepared, oldest first (the event page shows their progress). */
export async function listOpenSendWaves(db: DB, { eventId }: { eventId: string }): Promise<SendWave[]> {
  const rows = await db
    .selectFrom("send_wave")
    .select(COLUMNS)
    .where("event_id", "=", eventId)
    .where("status", "in", ["queued", "running"])
    .orderBy("created_at")
    .execute();
  return rows.map((row) => toWave(row) as SendWave);
}

/**
 * Takes the oldest wave that is waiting, or whose runner's lease ran out (a process that died mid-wave), for
 * `leaseSeconds`. Several runners never hold one wave at once.
 */
export async function claimSendWave(db: DB, { runnerId, leaseSeconds }: { runnerId: string; leaseSeconds: number }): Promise<ClaimedSendWave | undefined> {
  const { rows } = await sql<ClaimedSendWave>`
    update send_wave set status = 'running', leased_by = ${runnerId}, lease_until = now() + make_interval(secs => ${leaseSeconds})
    where id = (
      select id from send_wave
      where status = 'queued' or (status = 'running' and lease_until < now())
      order by created_at
      limit 1
      for update skip locked
    )
    returning id, event_id as "eventId", kind, batch, member_ids as "memberIds", cardinality(member_ids) as total, bilingual, status, done,
      queued, already_invited as "alreadyInvited", no_email as "noEmail", stop_reason as "stopReason",
      created_by as "createdBy", created_at as "createdAt", finished_at as "finishedAt"`.execute(db);
  return rows[0] ? (toWave(rows[0]) as ClaimedSendWave) : undefined;
}

/**
 * Locks the wave for one chunk and tells where it stands, or nothing when this runner no longer holds it
 * (its lease ran out and another runner took it over).
 */
export async function lockSendWaveChunk(trx: Tx, { id, runnerId }: { id: string; runnerId: string }) {
  return trx
    .selectFrom("send_wave")
    .select(["done", "status"])
    .where("id", "=", id)
    .where("leased_by", "=", runnerId)
    .where("status", "=", "running")
    .forUpdate()
    .executeTakeFirst();
}

/** Adds a chunk's outcome (in the chunk's transaction) and extends the lease; `finished` ends the wave. */
export async function recordSendWaveChunk(
  trx: Tx,
  {
    id,
    members,
    queued,
    alreadyInvited,
    noEmail,
    leaseSeconds,
    finished,
  }: { id: string; members: number; queued: number; alreadyInvited: number; noEmail: number; leaseSeconds: number; finished: boolean },
) {
  await trx
    .updateTable("send_wave")
    .set((eb) => ({
      done: eb("done", "+", members),
      queued: eb("queued", "+", queued),
      already_invited: eb("already_invited", "+", alreadyInvited),
      no_email: eb("no_email", "+", noEmail),
      lease_until: sql`now() + make_interval(secs => ${leaseSeconds})`,
      ...(finished ? { status: "done" as const, finished_at: sql`now()`, leased_by: null, lease_until: null } : {}),
    }))
    .where("id", "=", id)
    .execute();
}

/** Ends a wave before its end: the event is no longer open, or the wave's event is gone. */
export async function stopSendWave(db: DB, { id, reason }: { id: string; reason: string }) {
  await db
    .updateTable("send_wave")
    .set({ status: "stopped", stop_reason: reason, finished_at: sql`now()`, leased_by: null, lease_until: null })
    .where("id", "=", id)
    .execute();
}

/** A runner that stops (a graceful shutdown) hands its wave back at once rather than when its lease runs out. */
export async function releaseSendWave(db: DB, { id, runnerId }: { id: string; runnerId: string }) {
  await db
    .updateTable("send_wave")
    .set({ lease_until: sql`now()` })
    .where("id", "=", id)
    .where("leased_by", "=", runnerId)
    .where("status", "=", "running")
    .execute();
}
