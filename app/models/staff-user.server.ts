import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import { hashToken } from "~/lib/tokens.server";
import { writeAudit } from "~/models/audit.server";
import { DuplicateError, isUniqueViolation } from "~/models/errors";
import type { Locale, StaffRole } from "../../db/schema";

export type StaffUser = {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  locale: Locale | null;
};

const PUBLIC_COLUMNS = ["id", "email", "display_name as displayName", "role", "locale"] as const;

export function normalizeEmail(email: string) {
  return email.trim().normalize("NFC").toLowerCase();
}

/** For sign-in only: the one query that reads password_hash. */
export function getStaffUserForSignIn(db: DB, { email }: { email: string }) {
  return db
    .selectFrom("staff_user")
    .select([...PUBLIC_COLUMNS, "password_hash as passwordHash", "disabled_at as disabledAt"])
    .where("email", "=", normalizeEmail(email))
    .executeTakeFirst();
}

export async function createStaffUser(
  db: DB,
  input: { email: string; displayName: string; passwordHash: string; role: StaffRole; locale?: Locale | null },
): Promise<StaffUser> {
  return (await db
    .insertInto("staff_user")
    .values({
      email: normalizeEmail(input.email),
      display_name: input.displayName,
      password_hash: input.passwordHash,
      role: input.role,
      locale: input.locale ?? null,
    })
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow()) as StaffUser;
}

export async function staffEmailExists(db: DB, { email }: { email: string }) {
  const row = await db.selectFrom("staff_user").select("id").where("email", "=", normalizeEmail(email)).executeTakeFirst();
  return Boolean(row);
}

export async function hasActiveAdmin(db: DB) {
  const row = await db.selectFrom("staff_user").select("id").where("role", "=", "admin").where("disabled_at", "is", null).limit(1).executeTakeFirst();
  return Boolean(row);
}

export async function recordSignIn(db: DB, { id, passwordHash }: { id: string; passwordHash?: string }) {
  await db
    .updateTable("staff_user")
    .set((eb) => ({
      last_sign_in_at: eb.fn("now"),
      ...(passwordHash ? { password_hash: passwordHash, updated_at: eb.fn("now") } : {}),
    }))
    .where("id", "=", id)
    .execute();
}

export async function setStaffUserLocale(db: DB, { id, locale }: { id: string; locale: Locale }) {
  await db
    .updateTable("staff_user")
    .set((eb) => ({ locale, updated_at: eb.fn("now") }))
    .where("id", "=", id)
    .execute();
}

export type StaffStatus = "active" | "invited" | "disabled";

/** One account as administrators see it: never the password hash, only whether one is set. */
export type StaffAccount = StaffUser & {
  status: StaffStatus;
  lastSignInAt: Date | null;
  invitedAt: Date | null;
  invitedByName: string | null;
  disabledAt: Date | null;
  createdAt: Date;
};

function accountQuery(db: DB) {
  return db
    .selectFrom("staff_user as u")
    .leftJoin("staff_user as i", "i.id", "u.invited_by")
    .select([
      "u.id",
      "u.email",
      "u.display_name as displayName",
      "u.role",
      "u.locale",
      sql<StaffStatus>`case when u.disabled_at is not null then 'disabled' when u.password_hash is null and u.last_sso_sign_in_at is null then 'invited' else 'active' end`.as(
        "status",
      ),
      "u.last_sign_in_at as lastSignInAt",
      "u.invited_at as invitedAt",
      "i.display_name as invitedByName",
      "u.disabled_at as disabledAt",
      "u.created_at as createdAt",
    ]);
}

export function listStaffAccounts(db: DB): Promise<StaffAccount[]> {
  return accountQuery(db)
    .orderBy(sql`u.disabled_at is not null`)
    .orderBy(sql`lower(u.display_name)`)
    .orderBy("u.email")
    .execute() as Promise<StaffAccount[]>;
}

/** Any account, disabled ones included (administration). */
export function getStaffAccount(db: DB, { id }: { id: string }): Promise<StaffAccount | undefined> {
  return accountQuery(db).where("u.id", "=", id).executeTakeFirst() as Promise<StaffAccount | undefined>;
}

/** An invited colleague: no password until they follow the link in their invitation. */
export async function createInvitedStaffUser(
  db: DB,
  input: { email: string; displayName: string; role: StaffRole; locale: Locale | null; invitedBy: string },
): Promise<StaffUser> {
  try {
    return (await db
      .insertInto("staff_user")
      .values({
        email: normalizeEmail(input.email),
        display_name: input.displayName,
        password_hash: null,
        role: input.role,
        locale: input.locale,
        invited_at: sql`now()`,
        invited_by: input.invitedBy,
      })
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirstOrThrow()) as StaffUser;
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateError("staff_user", "email");
    throw error;
  }
}

export async function updateStaffProfile(db: DB, { id, displayName, locale }: { id: string; displayName: string; locale: Locale | null }) {
  await db
    .updateTable("staff_user")
    .set((eb) => ({ display_name: displayName, locale, updated_at: eb.fn("now") }))
    .where("id", "=", id)
    .execute();
}

/** For a password change only: the stored hash of the signed-in user (null for an invited account). */
export async function getPasswordHash(db: DB, { id }: { id: string }): Promise<string | null> {
  const row = await db.selectFrom("staff_user").select("password_hash").where("id", "=", id).executeTakeFirst();
  return row?.password_hash ?? null;
}

type Actor = { id: string; email: string };

/**
 * A signed-in user's new password: every OTHER session of theirs ends (a stolen one among them), the one in
 * use stays; unused reset links stop working. One transaction, audited.
 */
export async function changeOwnPassword(
  db: DB,
  { user, passwordHash, keepSession, ip }: { user: Actor; passwordHash: string; keepSession: string; ip?: string | null },
) {
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable("staff_user")
      .set((eb) => ({ password_hash: passwordHash, updated_at: eb.fn("now") }))
      .where("id", "=", user.id)
      .execute();
    const ended = await trx.deleteFrom("staff_session").where("user_id", "=", user.id).where("id_hash", "<>", hashToken(keepSession)).executeTakeFirst();
    await trx
      .updateTable("staff_token")
      .set({ used_at: sql`now()` })
      .where("user_id", "=", user.id)
      .where("used_at", "is", null)
      .execute();
    await writeAudit(trx, {
      actor: user,
      action: "auth.password_changed",
      objectType: "staff_user",
      objectId: user.id,
      ip,
      details: { otherSessionsEnded: Number(ended.numDeletedRows) },
    });
  });
}

/** "Sign out of all sessions": every session of the user ends, the current one too. */
export async function signOutEverywhere(db: DB, { user, ip }: { user: Actor; ip?: string | null }) {
  await inTransaction(db, async (trx) => {
    const ended = await trx.deleteFrom("staff_session").where("user_id", "=", user.id).executeTakeFirst();
    await writeAudit(trx, {
      actor: user,
      action: "auth.signed_out_everywhere",
      objectType: "staff_user",
      objectId: user.id,
      ip,
      details: { sessionsEnded: Number(ended.numDeletedRows) },
    });
  });
}

/** The secretariat must keep one active administrator: refused demotions and disablings throw this. */
export class LastAdminError extends Error {
  constructor() {
    super("the last active administrator cannot be disabled or demoted");
    this.name = "LastAdminError";
  }
}

/**
 * Locks the target account and every active administrator (in id order, so two of these never deadlock).
 * Two admins demoting each other at the same moment: the second waits for the first, then re-reads the rows
 * and sees one administrator left.
 */
async function lockForAdminChange(trx: DB, id: string) {
  const rows = await trx
    .selectFrom("staff_user")
    .select(["id", "email", "role", "disabled_at as disabledAt"])
    .where((eb) => eb.or([eb("id", "=", id), eb.and([eb("role", "=", "admin"), eb("disabled_at", "is", null)])]))
    .orderBy("id")
    .forUpdate()
    .execute();
  const target = rows.find((row) => row.id === id);
  const activeAdmins = rows.filter((row) => row.role === "admin" && row.disabledAt === null).length;
  const isLastAdmin = Boolean(target && target.role === "admin" && target.disabledAt === null && activeAdmins <= 1);
  return { target, isLastAdmin };
}

/** Changes an account's role; undefined when there is no such account. */
export async function changeStaffRole(
  db: DB,
  { id, role, actor, ip }: { id: string; role: StaffRole; actor: Actor; ip?: string | null },
): Promise<{ from: StaffRole; to: StaffRole } | undefined> {
  return inTransaction(db, async (trx) => {
    const { target, isLastAdmin } = await lockForAdminChange(trx, id);
    if (!target) return undefined;
    if (target.role === role) return { from: role, to: role };
    if (isLastAdmin) throw new LastAdminError();
    await trx
      .updateTable("staff_user")
      .set((eb) => ({ role, updated_at: eb.fn("now") }))
      .where("id", "=", id)
      .execute();
    await writeAudit(trx, {
      actor,
      action: "staff.role_changed",
      objectType: "staff_user",
      objectId: id,
      ip,
      details: { email: target.email, from: target.role, to: role },
    });
    return { from: target.role, to: role };
  });
}

/**
 * Disables an account: all its sessions end at once and its unused links stop working. False when it was
 * disabled already, undefined when there is no such account.
 */
export async function disableStaffUser(db: DB, { id, actor, ip }: { id: string; actor: Actor; ip?: string | null }) {
  return inTransaction(db, async (trx) => {
    const { target, isLastAdmin } = await lockForAdminChange(trx, id);
    if (!target) return undefined;
    if (target.disabledAt) return false;
    if (isLastAdmin) throw new LastAdminError();
    await trx
      .updateTable("staff_user")
      .set((eb) => ({ disabled_at: eb.fn("now"), updated_at: eb.fn("now") }))
      .where("id", "=", id)
      .execute();
    const ended = await trx.deleteFrom("staff_session").where("user_id", "=", id).executeTakeFirst();
    await trx
      .updateTable("staff_token")
      .set({ used_at: sql`now()` })
      .where("user_id", "=", id)
      .where("used_at", "is", null)
      .execute();
    await writeAudit(trx, {
      actor,
      action: "staff.disabled",
      objectType: "staff_user",
      objectId: id,
      ip,
      details: { email: target.email, sessionsEnded: Number(ended.numDeletedRows) },
    });
    return true;
  });
}

/** Re-enables a disabled account (an invited one goes back to waiting for its link: re-send it). */
export async function enableStaffUser(db: DB, { id, actor, ip }: { id: string; actor: Actor; ip?: string | null }) {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable("staff_user")
      .set((eb) => ({ disabled_at: null, updated_at: eb.fn("now") }))
      .where("id", "=", id)
      .where("disabled_at", "is not", null)
      .returning("email")
      .executeTakeFirst();
    if (!row) return false;
    await writeAudit(trx, { actor, action: "staff.enabled", objectType: "staff_user", objectId: id, ip, details: { email: row.email } });
    return true;
  });
}

/**
 * The account a link is about to be sent to, locked until the caller's transaction ends (two admins clicking
 * "resend" at once queue one link after the other, never two live ones), with whether it waits for a password.
 */
export async function lockStaffUserForLink(db: DB, { id }: { id: string }) {
  const row = await db
    .selectFrom("staff_user")
    .select(["id", "email", "display_name as displayName", "role", "locale", "disabled_at as disabledAt", "password_hash as passwordHash"])
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  const account: StaffUser = { id: row.id, email: row.email, displayName: row.displayName, role: row.role, locale: row.locale };
  return { account, disabled: Boolean(row.disabledAt), waitingForPassword: row.passwordHash === null };
}
