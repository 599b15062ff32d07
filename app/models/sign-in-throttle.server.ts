import { sql } from "kysely";

import { type DB, inTransaction, type Tx } from "~/db.server";
import { writeAudit } from "~/models/audit.server";

/**
 * Sign-in throttling (issue 13 §5). Failures are counted per (address, client) pair: after the third wrong
 * password that pair must wait 1 s, then 2 s, 4 s … up to 15 minutes before the next try. A stranger's guesses
 * therefore slow the stranger only; the real user, on another client, signs in at once. Each client also has a
 * ceiling across addresses (30 failures in 15 minutes → that client waits out the window). Every failed attempt
 * is in the audit log: wrong passwords one row each (`auth.sign_in_failed`), attempts refused while waiting in
 * aggregated rows (`auth.sign_in_throttled`, `details.count`, at most one per pair and minute, the rest flushed by
 * the worker's pass and at shutdown).
 */

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
export const FREE_FAILURES = 3;
export const MAX_DELAY_SECONDS = 15 * 60;
export const CLIENT_CEILING = 30;
const REPORT_EVERY_SECONDS = 60;
/** the client row of the pair table: failures from one client across addresses */
const ANY_ADDRESS = "";

/** The wait after `failures` wrong passwords from one pair: 0 for the first three, then 1 s, 2 s, 4 s … */
export function delayAfter(failures: number): number {
  return failures < FREE_FAILURES ? 0 : Math.min(2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS);
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; reason: "pair" | "client" };

export async function checkSignIn(db: DB, { address, client, now = new Date() }: { address: string; client: string; now?: Date }): Promise<ThrottleVerdict> {
  const rows = await db
    .selectFrom("sign_in_throttle")
    .select(["address", "blocked_until"])
    .where("client", "=", client)
    .where("address", "in", [address, ANY_ADDRESS])
    .execute();
  let verdict: ThrottleVerdict = { allowed: true };
  for (const row of rows) {
    const until = row.blocked_until ? new Date(row.blocked_until).getTime() : 0;
    if (until <= now.getTime()) continue;
    const retryAfterSeconds = Math.ceil((until - now.getTime()) / 1000);
    const reason = row.address === ANY_ADDRESS ? "client" : "pair";
    if (verdict.allowed || retryAfterSeconds > verdict.retryAfterSeconds) verdict = { allowed: false, retryAfterSeconds, reason };
  }
  return verdict;
}

/** A wrong password: counts it for the pair and the client, sets their waits, and writes its audit row. */
export async function recordSignInFailure(
  db: DB,
  {
    address,
    client,
    now = new Date(),
    action = "auth.sign_in_failed",
  }: { address: string; client: string; now?: Date; action?: "auth.sign_in_failed" | "auth.second_factor_failed" },
) {
  await inTransaction(db, async (trx) => {
    const windowStart = new Date(now.getTime() - SIGN_IN_WINDOW_SECONDS * 1000);
    for (const key of [address, ANY_ADDRESS]) {
      const row = await trx
        .insertInto("sign_in_throttle")
        .values({ address: key, client, started_at: now, failures: 1, last_failure_at: now })
        .onConflict((oc) =>
          oc.columns(["address", "client"]).doUpdateSet({
            failures: sql`case when sign_in_throttle.started_at <= ${windowStart} then 1 else sign_in_throttle.failures + 1 end`,
            started_at: sql`case when sign_in_throttle.started_at <= ${windowStart} then ${now} else sign_in_throttle.started_at end`,
            last_failure_at: now,
          }),
        )
        .returning(["failures", "started_at"])
        .executeTakeFirstOrThrow();
      const blockedUntil =
        key === ANY_ADDRESS
          ? row.failures >= CLIENT_CEILING
            ? new Date(new Date(row.started_at).getTime() + SIGN_IN_WINDOW_SECONDS * 1000)
            : null
          : delayAfter(row.failures)
            ? new Date(now.getTime() + delayAfter(row.failures) * 1000)
            : null;
      await trx.updateTable("sign_in_throttle").set({ blocked_until: blockedUntil }).where("address", "=", key).where("client", "=", client).execute();
    }
    await writeAudit(trx, { actor: { label: address }, action, ip: client, details: { count: 1 } });
  });
}

/** An attempt refused while its pair or client waits: counted, and reported in aggregate. */
export async function recordRefusedSignIn(db: DB, { address, client, now = new Date() }: { address: string; client: string; now?: Date }) {
  await inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto("sign_in_throttle")
      .values({ address, client, started_at: now, refused: 1, unreported: 1 })
      .onConflict((oc) =>
        oc.columns(["address", "client"]).doUpdateSet({
          refused: sql`sign_in_throttle.refused + 1`,
          unreported: sql`sign_in_throttle.unreported + 1`,
        }),
      )
      .returning(["unreported", "reported_at"])
      .executeTakeFirstOrThrow();
    const due = !row.reported_at || new Date(row.reported_at).getTime() <= now.getTime() - REPORT_EVERY_SECONDS * 1000;
    if (due) await reportRow(trx, { address, client, count: row.unreported, now });
  });
}

async function reportRow(trx: Tx, { address, client, count, now }: { address: string; client: string; count: number; now: Date }) {
  await writeAudit(trx, { actor: { label: address }, action: "auth.sign_in_throttled", ip: client, details: { count } });
  await trx
    .updateTable("sign_in_throttle")
    .set({ unreported: sql`unreported - ${count}`, reported_at: now })
    .where("address", "=", address)
    .where("client", "=", client)
    .execute();
}

/**
 * Writes the refused attempts not yet in the audit log (all of them with `all`, else those whose last report is a
 * minute old) and forgets pairs that have neither waits nor anything to report. Called by the worker's pass and
 * at shutdown.
 */
export async function flushSignInThrottle(db: DB, { now = new Date(), all = false }: { now?: Date; all?: boolean } = {}) {
  const cutoff = new Date(now.getTime() - REPORT_EVERY_SECONDS * 1000);
  let query = db.selectFrom("sign_in_throttle").select(["address", "client", "unreported"]).where("unreported", ">", 0);
  if (!all) query = query.where((eb) => eb.or([eb("reported_at", "is", null), eb("reported_at", "<=", cutoff)]));
  for (const row of await query.limit(500).execute()) {
    await inTransaction(db, (trx) => reportRow(trx, { address: row.address, client: row.client, count: row.unreported, now }));
  }
  const stale = new Date(now.getTime() - (SIGN_IN_WINDOW_SECONDS + MAX_DELAY_SECONDS) * 1000);
  await db
    .deleteFrom("sign_in_throttle")
    .where("unreported", "=", 0)
    .where("started_at", "<", stale)
    .where((eb) => eb.or([eb("blocked_until", "is", null), eb("blocked_until", "<", now)]))
    .execute();
}

/** A correct password: the pair starts afresh (the client's ceiling keeps counting its other failures). */
export async function clearSignInFailures(db: DB, { address, client }: { address: string; client: string }) {
  await db.deleteFrom("sign_in_throttle").where("address", "=", address).where("client", "=", client).where("unreported", "=", 0).execute();
  await db.updateTable("sign_in_throttle").set({ failures: 0, blocked_until: null }).where("address", "=", address).where("client", "=", client).execute();
}
