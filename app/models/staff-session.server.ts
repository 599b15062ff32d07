import { sql } from "kysely";

import type { DB } from "~/db.server";
import { createToken, hashToken } from "~/lib/tokens.server";
import type { StaffUser } from "~/models/staff-user.server";

/** RELIABILITY A2: 8 h idle, 12 h absolute. */
export const SESSION_IDLE_SECONDS = 8 * 60 * 60;
export const SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60;
// last_seen_at is written at most once a minute per session, not on every request
const TOUCH_AFTER_SECONDS = 60;

/** Creates a session and returns the raw id for the cookie; only its SHA-256 is stored. */
export async function createStaffSession(
  db: DB,
  { userId, ip, userAgent }: { userId: string; ip?: string | null; userAgent?: string | null },
): Promise<string> {
  const token = createToken();
  await db
    .insertInto("staff_session")
    .values({
      id_hash: hashToken(token),
      user_id: userId,
      expires_at: sql<Date>`now() + make_interval(secs => ${SESSION_ABSOLUTE_SECONDS})`,
      ip: ip ?? null,
      user_agent: userAgent ? userAgent.slice(0, 300) : null,
    })
    .execute();
  // housekeeping: expired sessions of everyone go when anyone signs in
  await db
    .deleteFrom("staff_session")
    .where((eb) =>
      eb.or([eb("expires_at", "<=", sql<Date>`now()`), eb("last_seen_at", "<=", sql<Date>`now() - make_interval(secs => ${SESSION_IDLE_SECONDS})`)]),
    )
    .execute();
  return token;
}

/** The signed-in user for a raw session id, or undefined when unknown, expired, idle too long or disabled. */
export async function getSessionUser(db: DB, { token }: { token: string }): Promise<StaffUser | undefined> {
  const idHash = hashToken(token);
  const row = await db
    .selectFrom("staff_session as s")
    .innerJoin("staff_user as u", "u.id", "s.user_id")
    .select([
      "u.id",
      "u.email",
      "u.display_name as displayName",
      "u.role",
      "u.locale",
      sql<boolean>`s.last_seen_at < now() - make_interval(secs => ${TOUCH_AFTER_SECONDS})`.as("stale"),
    ])
    .where("s.id_hash", "=", idHash)
    .where("s.expires_at", ">", sql<Date>`now()`)
    .where("s.last_seen_at", ">", sql<Date>`now() - make_interval(secs => ${SESSION_IDLE_SECONDS})`)
    .where("u.disabled_at", "is", null)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.stale) {
    await db
      .updateTable("staff_session")
      .set({ last_seen_at: sql`now()` })
      .where("id_hash", "=", idHash)
      .execute();
  }
  const { stale: _stale, ...user } = row;
  return user;
}

export async function deleteStaffSession(db: DB, { token }: { token: string }) {
  await db.deleteFrom("staff_session").where("id_hash", "=", hashToken(token)).execute();
}

export async function deleteUserSessions(db: DB, { userId }: { userId: string }) {
  await db.deleteFrom("staff_session").where("user_id", "=", userId).execute();
}
