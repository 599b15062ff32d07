import { sql } from "kysely";

import { type DB, inTransaction, type Tx } from "~/db.server";
import type { SsoRole } from "~/lib/sso";
import { type AuditEntry, writeAudit } from "~/models/audit.server";
import { ConflictError } from "~/models/errors";
import { normalizeEmail, type StaffUser } from "~/models/staff-user.server";

/** The administrator's sign-in choices (Settings → Sign-in). */
export type SignInSettings = {
  passwordSignIn: boolean;
  ssoProvisioning: boolean;
  ssoRole: SsoRole;
  /** email domains whose unknown addresses single sign-on may create accounts for */
  ssoDomains: string[];
  version: number;
};

const DEFAULTS: SignInSettings = { passwordSignIn: true, ssoProvisioning: false, ssoRole: "viewer", ssoDomains: [], version: 1 };

export async function getSignInSettings(db: DB): Promise<SignInSettings> {
  const row = await db
    .selectFrom("sign_in_settings")
    .select(["password_sign_in as passwordSignIn", "sso_provisioning as ssoProvisioning", "sso_role as ssoRole", "sso_domains as ssoDomains", "version"])
    .where("id", "=", 1)
    .executeTakeFirst();
  return row ?? DEFAULTS;
}

/** Saves the choices when nobody saved meanwhile (ConflictError otherwise), with their audit row. */
export async function updateSignInSettings(
  db: DB,
  { version, input, actor, ip }: { version: number; input: Omit<SignInSettings, "version">; actor: AuditEntry["actor"] & { id: string }; ip?: string | null },
) {
  await inTransaction(db, async (trx) => {
    const before = await getSignInSettings(trx);
    const updated = await trx
      .updateTable("sign_in_settings")
      .set((eb) => ({
        password_sign_in: input.passwordSignIn,
        sso_provisioning: input.ssoProvisioning,
        sso_role: input.ssoRole,
        sso_domains: input.ssoDomains,
        version: eb("version", "+", 1),
        updated_by: actor.id,
        updated_at: sql`now()`,
      }))
      .where("id", "=", 1)
      .where("version", "=", version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new ConflictError("sign_in_settings");
    const changed = Object.fromEntries(
      (Object.keys(input) as (keyof typeof input)[])
        .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(input[key]))
        .map((key) => [key, input[key]]),
    );
    await writeAudit(trx, { actor, action: "settings.sign_in_updated", ip, details: changed });
  });
}

export type SsoAccount = StaffUser & { disabledAt: Date | null };

/** The staff account single sign-on maps an address to (addresses are stored lower-case). */
export function getStaffUserForSso(db: DB, { email }: { email: string }): Promise<SsoAccount | undefined> {
  return db
    .selectFrom("staff_user")
    .select(["id", "email", "display_name as displayName", "role", "locale", "disabled_at as disabledAt"])
    .where("email", "=", normalizeEmail(email))
    .executeTakeFirst();
}

/** A new account for an address the provider vouched for: no password; it signs in through single sign-on. */
export async function createSsoStaffUser(trx: Tx, { email, displayName, role }: { email: string; displayName: string; role: SsoRole }) {
  const inserted = await trx
    .insertInto("staff_user")
    .values({ email: normalizeEmail(email), display_name: displayName, password_hash: null, role, locale: null })
    .onConflict((oc) => oc.column("email").doNothing())
    .returning("id")
    .executeTakeFirst();
  // a second sign-in of the same new person at the same moment: theirs created it
  return inserted ? { id: inserted.id, created: true } : { id: (await getStaffUserForSso(trx, { email }))!.id, created: false };
}

export async function recordSsoSignIn(trx: Tx, { id }: { id: string }) {
  await trx
    .updateTable("staff_user")
    .set({ last_sign_in_at: sql`now()`, last_sso_sign_in_at: sql`now()` })
    .where("id", "=", id)
    .execute();
}

/** Whether this account has ever signed in through single sign-on (so its owner knows the way in works). */
export async function hasSignedInWithSso(db: DB, { id }: { id: string }) {
  const row = await db.selectFrom("staff_user").select("last_sso_sign_in_at").where("id", "=", id).executeTakeFirst();
  return Boolean(row?.last_sso_sign_in_at);
}
