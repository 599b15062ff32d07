import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import { createToken, hashToken, isWellFormedToken } from "~/lib/tokens.server";
import { writeAudit } from "~/models/audit.server";
import { createStaffSession, deleteStaffSession } from "~/models/staff-session.server";
import type { StaffTokenTable } from "../../db/schema";

export type StaffTokenPurpose = StaffTokenTable["purpose"];

/** An invitation link works for 7 days, a password reset link for 24 hours; each works once. */
export const STAFF_TOKEN_SECONDS: Record<StaffTokenPurpose, number> = { invite: 7 * 24 * 60 * 60, reset: 24 * 60 * 60 };

/** Every unused link of one account stops working (a newer link, a disabled account, a new password). */
export async function invalidateStaffTokens(db: DB, { userId }: { userId: string }) {
  await db
    .updateTable("staff_token")
    .set({ used_at: sql`now()` })
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .execute();
}

/**
 * A new one-time link for an account; its older links stop working. Returns the raw token for the email:
 * only its SHA-256 is stored.
 */
export async function issueStaffToken(
  db: DB,
  { userId, purpose, createdBy }: { userId: string; purpose: StaffTokenPurpose; createdBy: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  await invalidateStaffTokens(db, { userId });
  const token = createToken();
  const row = await db
    .insertInto("staff_token")
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      purpose,
      created_by: createdBy,
      expires_at: sql<Date>`now() + make_interval(secs => ${STAFF_TOKEN_SECONDS[purpose]})`,
    })
    .returning("expires_at")
    .executeTakeFirstOrThrow();
  return { token, expiresAt: new Date(row.expires_at) };
}

/** The account behind a link that can still be used (known, unused, unexpired, account not disabled). */
export async function findUsableStaffToken(db: DB, { token }: { token: string }) {
  if (!isWellFormedToken(token)) return undefined;
  return db
    .selectFrom("staff_token as t")
    .innerJoin("staff_user as u", "u.id", "t.user_id")
    .select(["t.user_id as userId", "t.purpose", "u.email", "u.display_name as displayName", "u.locale"])
    .where("t.token_hash", "=", hashToken(token))
    .where("t.used_at", "is", null)
    .where("t.expires_at", ">", sql<Date>`now()`)
    .where("u.disabled_at", "is", null)
    .executeTakeFirst();
}

export class StaffTokenUnusableError extends Error {
  constructor() {
    super("this link is unknown, used or expired");
    this.name = "StaffTokenUnusableError";
  }
}

/**
 * Sets a password with a link and signs its owner in, in one transaction. The link is marked used by a single
 * conditional UPDATE, so of two concurrent posts exactly one succeeds. Every other session of the account
 * ends (and the browser's previous session, whoever's it was); the new session id is returned for the cookie.
 */
export async function setPasswordWithToken(
  db: DB,
  input: { token: string; passwordHash: string; ip?: string | null; userAgent?: string | null; previousSession?: string | null },
): Promise<{ sessionToken: string; userId: string }> {
  if (!isWellFormedToken(input.token)) throw new StaffTokenUnusableError();
  return inTransaction(db, async (trx) => {
    const used = await trx
      .updateTable("staff_token")
      .set({ used_at: sql`now()` })
      .where("token_hash", "=", hashToken(input.token))
      .where("used_at", "is", null)
      .where("expires_at", ">", sql<Date>`now()`)
      .where("user_id", "in", (eb) => eb.selectFrom("staff_user").select("id").where("disabled_at", "is", null))
      .returning(["user_id as userId", "purpose"])
      .executeTakeFirst();
    if (!used) throw new StaffTokenUnusableError();
    const user = await trx
      .updateTable("staff_user")
      .set((eb) => ({ password_hash: input.passwordHash, last_sign_in_at: eb.fn("now"), updated_at: eb.fn("now") }))
      .where("id", "=", used.userId)
      .returning(["id", "email"])
      .executeTakeFirstOrThrow();
    await invalidateStaffTokens(trx, { userId: user.id });
    await trx.deleteFrom("staff_session").where("user_id", "=", user.id).execute();
    if (input.previousSession) await deleteStaffSession(trx, { token: input.previousSession });
    const sessionToken = await createStaffSession(trx, { userId: user.id, ip: input.ip, userAgent: input.userAgent });
    await writeAudit(trx, {
      actor: user,
      action: "staff.password_set",
      objectType: "staff_user",
      objectId: user.id,
      ip: input.ip,
      details: { link: used.purpose },
    });
    return { sessionToken, userId: user.id };
  });
}
