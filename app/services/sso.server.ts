import type { DB } from "~/db.server";
import { getEnv } from "~/env.server";
import { isSsoConfigured, type SsoIdentity, type SsoProblem } from "~/lib/oidc.server";
import { audited, recordAccess, writeAudit } from "~/models/audit.server";
import { getSecondFactorPolicy, policyRequiresSecondFactor } from "~/models/second-factor.server";
import { createSsoStaffUser, getSignInSettings, getStaffUserForSso, recordSsoSignIn } from "~/models/sso.server";
import { createStaffSession, deleteStaffSession } from "~/models/staff-session.server";
import { normalizeEmail } from "~/models/staff-user.server";
import { secondStepFor } from "~/services/second-factor.server";
import type { StaffRole } from "../../db/schema";

/**
 * How staff may sign in here: single sign-on when OIDC_* is configured; the password form unless an
 * administrator switched it off while single sign-on is configured. PASSWORD_SIGN_IN=always brings the form
 * back whatever the setting (break-glass), and without single sign-on the form is always there.
 */
export async function getSignInOptions(db: DB): Promise<{ sso: { providerName: string | null } | null; password: boolean }> {
  const env = getEnv();
  if (!isSsoConfigured(env)) return { sso: null, password: true };
  const sso = { providerName: env.OIDC_PROVIDER_NAME ?? null };
  if (env.PASSWORD_SIGN_IN === "always") return { sso, password: true };
  return { sso, password: (await getSignInSettings(db)).passwordSignIn };
}

export function domainOf(email: string) {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

type Outcome =
  | { ok: true; token: string; userId: string }
  /** the account must still pass its second factor (or enrol one): no session yet */
  | { ok: "second-step"; account: { id: string; email: string; role: StaffRole } }
  | { ok: false; reason: Extract<SsoProblem, "unverified" | "unknown" | "disabled"> };

/**
 * Signs in the staff account with the provider's verified address (case-insensitive). An unknown address gets an
 * account only when the administrator allows it for its domain, with the role they chose. Disabled accounts stay
 * out. The new session, the account's bookkeeping (and a new account) commit with their audit rows; the session
 * sent before, if any, ends (no fixation). Refusals are audited too.
 */
export async function signInWithSso(
  db: DB,
  { identity, ip, userAgent, previousSession }: { identity: SsoIdentity; ip: string; userAgent: string | null; previousSession: string | null },
): Promise<Outcome> {
  const provider = { issuer: identity.issuer, subject: identity.subject };
  const refuse = async (reason: "unverified" | "unknown" | "disabled") => {
    await recordAccess(db, {
      actor: { label: identity.email ? normalizeEmail(identity.email) : identity.subject },
      action: "auth.sso_refused",
      ip,
      details: { reason, ...provider },
    });
    return { ok: false, reason } as const;
  };
  if (!identity.email || !identity.emailVerified) return refuse("unverified");
  const email = normalizeEmail(identity.email);

  const account = await getStaffUserForSso(db, { email });
  if (account?.disabledAt) return refuse("disabled");
  let create: { role: Awaited<ReturnType<typeof getSignInSettings>>["ssoRole"] } | undefined;
  if (!account) {
    const settings = await getSignInSettings(db);
    if (!settings.ssoProvisioning || !settings.ssoDomains.includes(domainOf(email))) return refuse("unknown");
    create = { role: settings.ssoRole };
  }

  // the administrator's two-factor policy holds for single sign-on too: an account with a factor, or one the
  // policy covers, goes on to the second step instead of getting a session here
  if (account && (await secondStepFor(db, account))) return { ok: "second-step", account: { id: account.id, email: account.email, role: account.role } };

  return audited(
    db,
    async (trx) => {
      let userId = account?.id;
      if (!userId) {
        // the provider's name, on one line without control or direction-override characters (RELIABILITY I1)
        const name = identity.name?.replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, " ").trim();
        const displayName = (name || email.slice(0, email.indexOf("@"))).normalize("NFC").slice(0, 100);
        const created = await createSsoStaffUser(trx, { email, displayName, role: create!.role });
        userId = created.id;
        if (created.created) {
          await writeAudit(trx, {
            actor: { id: userId, email },
            action: "staff.created_by_sso",
            objectType: "staff_user",
            objectId: userId,
            ip,
            details: { email, role: create!.role, ...provider },
          });
        }
        if (policyRequiresSecondFactor(await getSecondFactorPolicy(trx), create!.role)) {
          // a new account the policy covers enrols a factor before its first session (the account is kept)
          return { ok: "second-step" as const, userId, account: { id: userId, email, role: create!.role as StaffRole } };
        }
      }
      if (previousSession) await deleteStaffSession(trx, { token: previousSession });
      const token = await createStaffSession(trx, { userId, ip, userAgent });
      await recordSsoSignIn(trx, { id: userId });
      return { ok: true as const, token, userId };
    },
    (result) => (result.ok === true ? { actor: { id: result.userId, email }, action: "auth.sign_in_sso", ip, details: provider } : null),
  );
}
