import { sql } from "kysely";

import type { DB, Tx } from "~/db.server";
import { createToken, hashToken } from "~/lib/tokens.server";
import type { SecondFactorPolicy, SignInPendingPurpose, StaffRole } from "../../db/schema";

/** A password sign-in waits this long for its second step (or enrolment) before starting again. */
export const PENDING_SECONDS = 10 * 60;
/** Wrong codes one pending sign-in may take before it ends (the password must be typed again). */
export const PENDING_MAX_FAILURES = 5;

// ---------------------------------------------------------------- policy

export async function getSecondFactorPolicy(db: DB): Promise<SecondFactorPolicy> {
  const row = await db.selectFrom("security_policy").select("second_factor").where("id", "=", 1).executeTakeFirst();
  return row?.second_factor ?? "none";
}

export async function setSecondFactorPolicy(trx: Tx, { policy, by }: { policy: SecondFactorPolicy; by: string }) {
  await trx
    .updateTable("security_policy")
    .set({ second_factor: policy, updated_by: by, updated_at: sql`now()` })
    .where("id", "=", 1)
    .execute();
}

/** Roles that see passport data in clear (the same rule as canHandlePassports). */
const PASSPORT_ROLES: readonly StaffRole[] = ["admin", "visa_officer"];

export function policyRequiresSecondFactor(policy: SecondFactorPolicy, role: StaffRole) {
  return policy === "all" || (policy === "passport_roles" && PASSPORT_ROLES.includes(role));
}

// ---------------------------------------------------------------- what a user has

export type SecondFactors = {
  totp: { confirmed: boolean; createdAt: Date } | null;
  recoveryCodesLeft: number;
  passkeys: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }[];
};

export async function getSecondFactors(db: DB, { userId }: { userId: string }): Promise<SecondFactors> {
  const [totp, codes, passkeys] = await Promise.all([
    db.selectFrom("staff_totp").select(["confirmed_at", "created_at"]).where("user_id", "=", userId).executeTakeFirst(),
    db
      .selectFrom("staff_recovery_code")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("user_id", "=", userId)
      .where("used_at", "is", null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("staff_passkey")
      .select(["id", "name", "created_at as createdAt", "last_used_at as lastUsedAt"])
      .where("user_id", "=", userId)
      .orderBy("created_at")
      .execute(),
  ]);
  return {
    totp: totp ? { confirmed: totp.confirmed_at !== null, createdAt: totp.created_at } : null,
    recoveryCodesLeft: Number(codes.n),
    passkeys,
  };
}

export function hasSecondFactor(factors: SecondFactors) {
  return Boolean(factors.totp?.confirmed) || factors.passkeys.length > 0;
}

// ---------------------------------------------------------------- TOTP

/** A new, unconfirmed secret (sealed by the caller); refused (false) while a confirmed one exists. */
export async function startTotpEnrolment(db: DB, { userId, sealedSecret }: { userId: string; sealedSecret: string }): Promise<boolean> {
  const row = await db
    .insertInto("staff_totp")
    .values({ user_id: userId, secret: sealedSecret })
    .onConflict((oc) =>
      oc
        .column("user_id")
        .doUpdateSet({ secret: sealedSecret, created_at: sql`now()`, last_step: null })
        .where("staff_totp.confirmed_at", "is", null),
    )
    .returning("user_id")
    .executeTakeFirst();
  return Boolean(row);
}

export function getTotp(db: DB, { userId }: { userId: string }) {
  return db
    .selectFrom("staff_totp")
    .select(["secret", "confirmed_at as confirmedAt", "last_step as lastStep"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/**
 * Accepts a matched step once: only when it is later than the last accepted step (a code seen by a shoulder-surfer
 * or sent twice is refused). With `confirm`, the unconfirmed secret becomes active. True when accepted.
 */
export async function acceptTotpStep(db: DB, { userId, step, confirm = false }: { userId: string; step: number; confirm?: boolean }): Promise<boolean> {
  const row = await db
    .updateTable("staff_totp")
    .set(confirm ? { last_step: step, confirmed_at: sql`now()` } : { last_step: step })
    .where("user_id", "=", userId)
    .where("confirmed_at", confirm ? "is" : "is not", null)
    .where((eb) => eb.or([eb("last_step", "is", null), eb("last_step", "<", step)]))
    .returning("user_id")
    .executeTakeFirst();
  return Boolean(row);
}

export async function removeTotp(trx: Tx, { userId }: { userId: string }) {
  const result = await trx.deleteFrom("staff_totp").where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// ---------------------------------------------------------------- recovery codes

/** The user's codes are replaced by these (hashes only); the old ones stop working. */
export async function replaceRecoveryCodes(trx: Tx, { userId, hashes }: { userId: string; hashes: string[] }) {
  await trx.deleteFrom("staff_recovery_code").where("user_id", "=", userId).execute();
  await trx
    .insertInto("staff_recovery_code")
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash })))
    .execute();
}

/** Uses a recovery code once; true when it was unused. */
export async function consumeRecoveryCode(db: DB, { userId, hash }: { userId: string; hash: string }): Promise<boolean> {
  const row = await db
    .updateTable("staff_recovery_code")
    .set({ used_at: sql`now()` })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hash)
    .where("used_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  return Boolean(row);
}

// ---------------------------------------------------------------- passkeys

export type StoredPasskey = { id: string; userId: string; credentialId: string; publicKey: string; counter: number; transports: string[] };

export async function listPasskeyCredentials(db: DB, { userId }: { userId: string }) {
  const rows = await db.selectFrom("staff_passkey").select(["credential_id", "transports"]).where("user_id", "=", userId).execute();
  return rows.map((row) => ({ id: row.credential_id, transports: parseTransports(row.transports) }));
}

function parseTransports(value: string | null): string[] {
  try {
    const parsed: unknown = value ? JSON.parse(value) : [];
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

export async function getPasskeyByCredential(db: DB, { credentialId }: { credentialId: string }): Promise<StoredPasskey | undefined> {
  const row = await db
    .selectFrom("staff_passkey")
    .select(["id", "user_id", "credential_id", "public_key", "counter", "transports"])
    .where("credential_id", "=", credentialId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: parseTransports(row.transports),
  };
}

export async function addPasskey(
  trx: Tx,
  input: { userId: string; credentialId: string; publicKey: string; counter: number; transports: string[]; name: string },
) {
  return trx
    .insertInto("staff_passkey")
    .values({
      user_id: input.userId,
      credential_id: input.credentialId,
      public_key: input.publicKey,
      counter: input.counter,
      transports: JSON.stringify(input.transports),
      name: input.name,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export async function recordPasskeyUse(db: DB, { id, counter }: { id: string; counter: number }) {
  await db
    .updateTable("staff_passkey")
    .set({ counter, last_used_at: sql`now()` })
    .where("id", "=", id)
    .execute();
}

/** Removes one of the user's passkeys; its name, or undefined when it is not theirs. */
export async function removePasskey(trx: Tx, { userId, id }: { userId: string; id: string }) {
  const row = await trx.deleteFrom("staff_passkey").where("user_id", "=", userId).where("id", "=", id).returning("name").executeTakeFirst();
  return row?.name;
}

/** Loss of a device: every second factor of the user goes, and any sign-in waiting for one. */
export async function resetSecondFactors(trx: Tx, { userId }: { userId: string }) {
  const totp = await trx.deleteFrom("staff_totp").where("user_id", "=", userId).executeTakeFirst();
  const passkeys = await trx.deleteFrom("staff_passkey").where("user_id", "=", userId).executeTakeFirst();
  await trx.deleteFrom("staff_recovery_code").where("user_id", "=", userId).execute();
  await trx.deleteFrom("sign_in_pending").where("user_id", "=", userId).execute();
  return { totp: Number(totp.numDeletedRows) > 0, passkeys: Number(passkeys.numDeletedRows) };
}

// ---------------------------------------------------------------- a sign-in waiting for its second step

export async function createPendingSignIn(
  db: DB,
  { userId, purpose, redirectTo }: { userId: string; purpose: SignInPendingPurpose; redirectTo: string | null },
): Promise<string> {
  const token = createToken();
  // one pending sign-in per user: a new password sign-in replaces the one before; expired ones of everyone go
  await db
    .deleteFrom("sign_in_pending")
    .where((eb) => eb.or([eb("user_id", "=", userId), eb("expires_at", "<=", sql<Date>`now()`)]))
    .execute();
  await db
    .insertInto("sign_in_pending")
    .values({
      id_hash: hashToken(token),
      user_id: userId,
      purpose,
      redirect_to: redirectTo,
      expires_at: sql<Date>`now() + make_interval(secs => ${PENDING_SECONDS})`,
    })
    .execute();
  return token;
}

export type PendingSignIn = {
  idHash: string;
  purpose: SignInPendingPurpose;
  redirectTo: string | null;
  challenge: string | null;
  user: { id: string; email: string; displayName: string; role: StaffRole };
};

/** The pending sign-in for a raw id: unexpired, for an enabled account. */
export async function getPendingSignIn(db: DB, { token }: { token: string }): Promise<PendingSignIn | undefined> {
  const row = await db
    .selectFrom("sign_in_pending as p")
    .innerJoin("staff_user as u", "u.id", "p.user_id")
    .select(["p.id_hash", "p.purpose", "p.redirect_to", "p.challenge", "u.id", "u.email", "u.display_name", "u.role"])
    .where("p.id_hash", "=", hashToken(token))
    .where("p.expires_at", ">", sql<Date>`now()`)
    .where("u.disabled_at", "is", null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    idHash: row.id_hash,
    purpose: row.purpose,
    redirectTo: row.redirect_to,
    challenge: row.challenge,
    user: { id: row.id, email: row.email, displayName: row.display_name, role: row.role },
  };
}

export async function setPendingChallenge(db: DB, { idHash, challenge }: { idHash: string; challenge: string | null }) {
  await db.updateTable("sign_in_pending").set({ challenge }).where("id_hash", "=", idHash).execute();
}

/** A wrong code: counted; after PENDING_MAX_FAILURES the pending sign-in ends. True when it ended. */
export async function recordPendingFailure(db: DB, { idHash }: { idHash: string }): Promise<boolean> {
  const row = await db
    .updateTable("sign_in_pending")
    .set({ failures: sql`failures + 1`, challenge: null })
    .where("id_hash", "=", idHash)
    .returning("failures")
    .executeTakeFirst();
  if (!row || row.failures >= PENDING_MAX_FAILURES) {
    await db.deleteFrom("sign_in_pending").where("id_hash", "=", idHash).execute();
    return true;
  }
  return false;
}

/** Consumes the pending sign-in (false when another request did it first). */
export async function consumePendingSignIn(db: DB, { idHash }: { idHash: string }): Promise<boolean> {
  const result = await db.deleteFrom("sign_in_pending").where("id_hash", "=", idHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
