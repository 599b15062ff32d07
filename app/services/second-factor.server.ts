import { type AppLoadContext, createCookie, redirect } from "@remix-run/node";
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";

import { getSessionCookie, safeRedirect } from "~/auth.server";
import { type DB, inTransaction, type Tx } from "~/db.server";
import { getEnv } from "~/env.server";
import { seal, SealedValueError, unseal } from "~/lib/sealed.server";
import { createRecoveryCodes, createTotpSecret, hashRecoveryCode, matchTotpStep, totpUri } from "~/lib/second-factor.server";
import { audited, writeAudit } from "~/models/audit.server";
import {
  acceptTotpStep,
  addPasskey,
  consumePendingSignIn,
  consumeRecoveryCode,
  createPendingSignIn,
  getPasskeyByCredential,
  getPendingSignIn,
  getSecondFactorPolicy,
  getSecondFactors,
  getTotp,
  hasSecondFactor,
  listPasskeyCredentials,
  PENDING_SECONDS,
  type PendingSignIn,
  policyRequiresSecondFactor,
  recordPasskeyUse,
  recordPendingFailure,
  removePasskey,
  removeTotp,
  replaceRecoveryCodes,
  resetSecondFactors,
  setPendingChallenge,
  setSecondFactorPolicy,
  startTotpEnrolment,
} from "~/models/second-factor.server";
import { checkSignIn, clearSignInFailures, recordRefusedSignIn, recordSignInFailure, type ThrottleVerdict } from "~/models/sign-in-throttle.server";
import { createStaffSession, deleteStaffSession } from "~/models/staff-session.server";
import { recordSignIn, type StaffUser } from "~/models/staff-user.server";
import type { SecondFactorPolicy, StaffRole } from "../../db/schema";

/**
 * Two-factor sign-in (issue 19 item 3). After a correct password, a user with a second factor (or one the
 * administrator's policy asks to have one) gets no session but a pending sign-in: a signed cookie holding a
 * random id whose hash is a row that lives 10 minutes, serves only the second step (or enrolment), takes at most
 * five wrong codes and is consumed by the step that succeeds.
 */

type Actor = { id: string; email: string };

let pendingCookie: ReturnType<typeof createCookie> | undefined;

function getPendingCookie() {
  if (pendingCookie) return pendingCookie;
  const env = getEnv();
  pendingCookie = createCookie(env.isHttps ? "__Host-plenary_pending" : "plenary_pending", {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: env.isHttps,
    secrets: [env.SESSION_SECRET],
    maxAge: PENDING_SECONDS,
  });
  return pendingCookie;
}

let registrationCookie: ReturnType<typeof createCookie> | undefined;

/** The WebAuthn challenge of a passkey being added from the security page (signed; five minutes). */
function getRegistrationCookie() {
  if (registrationCookie) return registrationCookie;
  const env = getEnv();
  registrationCookie = createCookie(env.isHttps ? "__Host-plenary_passkey" : "plenary_passkey", {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure: env.isHttps,
    secrets: [env.SESSION_SECRET],
    maxAge: 5 * 60,
  });
  return registrationCookie;
}

// ---------------------------------------------------------------- after the password

export type SecondStep = "verify" | "enrol" | null;

/** What a user must do after a correct password: nothing more, prove a second factor, or enrol one. */
export async function secondStepFor(db: DB, user: { id: string; role: StaffRole }): Promise<SecondStep> {
  const factors = await getSecondFactors(db, { userId: user.id });
  if (hasSecondFactor(factors)) return "verify";
  return policyRequiresSecondFactor(await getSecondFactorPolicy(db), user.role) ? "enrol" : null;
}

/**
 * Called by the sign-in action after a correct password: a redirect to the second step (with the pending
 * cookie), or null when this user signs in with the password alone.
 */
export async function beginSecondStep(
  db: DB,
  { account, redirectTo, client }: { account: { id: string; email: string; role: StaffRole }; redirectTo?: string; client: string },
): Promise<Response | null> {
  const step = await secondStepFor(db, account);
  if (!step) return null;
  await clearSignInFailures(db, { address: account.email, client });
  const token = await createPendingSignIn(db, { userId: account.id, purpose: step, redirectTo: redirectTo ? safeRedirect(redirectTo) : null });
  return redirect(step === "verify" ? "/sign-in/verify" : "/sign-in/enrol", {
    headers: { "Set-Cookie": await getPendingCookie().serialize(token) },
  });
}

/** The pending sign-in of this request, if any (unexpired, for an enabled account). */
export async function findPendingSignIn(db: DB, request: Request): Promise<PendingSignIn | undefined> {
  const token: unknown = await getPendingCookie().parse(request.headers.get("Cookie"));
  return typeof token === "string" ? getPendingSignIn(db, { token }) : undefined;
}

/** The pending sign-in of this request, or a redirect to the password form (expired, used, another purpose). */
export async function requirePendingSignIn(db: DB, request: Request, purpose?: PendingSignIn["purpose"]): Promise<PendingSignIn> {
  const pending = await findPendingSignIn(db, request);
  if (!pending) throw redirect("/login?ended=1", { headers: { "Set-Cookie": await getPendingCookie().serialize("", { maxAge: 0 }) } });
  if (purpose && pending.purpose !== purpose) throw redirect(pending.purpose === "verify" ? "/sign-in/verify" : "/sign-in/enrol");
  return pending;
}

export type SecondFactorMethod = "totp" | "recovery_code" | "passkey" | "enrolled";

/**
 * Ends a pending sign-in with a session (one transaction with its audit row); the Set-Cookie headers that swap
 * the pending cookie for the session cookie, or null when another request consumed the pending sign-in first.
 */
export async function finishSignIn(
  db: DB,
  { pending, method, request, context }: { pending: PendingSignIn; method: SecondFactorMethod; request: Request; context: AppLoadContext },
): Promise<Headers | null> {
  const token = await audited(
    db,
    async (trx) => {
      if (!(await consumePendingSignIn(trx, { idHash: pending.idHash }))) return null;
      if (context.sessionToken) await deleteStaffSession(trx, { token: context.sessionToken });
      const token = await createStaffSession(trx, { userId: pending.user.id, ip: context.clientIp, userAgent: request.headers.get("User-Agent") });
      await recordSignIn(trx, { id: pending.user.id });
      await clearSignInFailures(trx, { address: secondStepAddress(pending), client: context.clientIp });
      return token;
    },
    (token) =>
      token
        ? { actor: { id: pending.user.id, email: pending.user.email }, action: "auth.sign_in", ip: context.clientIp, details: { secondFactor: method } }
        : null,
  );
  if (!token) return null;
  const headers = new Headers();
  headers.append("Set-Cookie", await getSessionCookie().serialize(token));
  headers.append("Set-Cookie", await getPendingCookie().serialize("", { maxAge: 0 }));
  return headers;
}

export function redirectAfterSignIn(pending: PendingSignIn) {
  return safeRedirect(pending.redirectTo);
}

// ---------------------------------------------------------------- throttling the second step

/** Second-step failures are counted like wrong passwords, under their own key (the password's count is apart). */
function secondStepAddress(pending: PendingSignIn) {
  return `second-factor:${pending.user.email}`;
}

export async function checkSecondStep(db: DB, pending: PendingSignIn, client: string): Promise<ThrottleVerdict> {
  const who = { address: secondStepAddress(pending), client };
  const verdict = await checkSignIn(db, who);
  if (!verdict.allowed) await recordRefusedSignIn(db, who);
  return verdict;
}

/** A wrong code or passkey: counted for the throttle and the pending sign-in (ended after five). True when it ended. */
export async function failSecondStep(db: DB, pending: PendingSignIn, client: string) {
  await recordSignInFailure(db, { address: secondStepAddress(pending), client, action: "auth.second_factor_failed" });
  return recordPendingFailure(db, { idHash: pending.idHash });
}

// ---------------------------------------------------------------- TOTP and recovery codes

/**
 * The app's secret in clear, or null when it was sealed under another DATA_ENCRYPTION_KEY (a lost key): the app's
 * codes then fail like wrong ones, and recovery codes, passkeys or an administrator's reset let the user in.
 */
function openSecret(sealed: string): string | null {
  try {
    return unseal(getEnv().DATA_ENCRYPTION_KEY, sealed);
  } catch (error) {
    if (error instanceof SealedValueError) return null;
    throw error;
  }
}

/** A code from the authenticator app for an active secret; true when accepted (and not seen before). */
export async function checkTotpCode(db: DB, { userId, code }: { userId: string; code: string }): Promise<boolean> {
  const totp = await getTotp(db, { userId });
  if (!totp?.confirmedAt) return false;
  const secret = openSecret(totp.secret);
  const step = secret ? matchTotpStep(secret, code) : null;
  return step !== null && (await acceptTotpStep(db, { userId, step }));
}

export async function checkRecoveryCode(db: DB, { userId, code }: { userId: string; code: string }): Promise<boolean> {
  return consumeRecoveryCode(db, { userId, hash: hashRecoveryCode(code) });
}

/** The secret being enrolled (a new one when there is none yet): what the page shows as QR code and text. */
export async function totpEnrolment(db: DB, user: { id: string; email: string }, { create = true }: { create?: boolean } = {}) {
  const key = getEnv().DATA_ENCRYPTION_KEY;
  let totp = await getTotp(db, { userId: user.id });
  if (totp?.confirmedAt || (!totp && !create)) return null;
  // a set-up begun under another key starts again with a new secret
  if (!totp || !openSecret(totp.secret)) {
    await startTotpEnrolment(db, { userId: user.id, sealedSecret: seal(key, createTotpSecret()) });
    totp = await getTotp(db, { userId: user.id });
  }
  const secret = openSecret(totp!.secret);
  if (!secret) return null;
  const issuer = `Plenary (${new URL(getEnv().APP_URL).host})`;
  return { secret, uri: totpUri(secret, { account: user.email, issuer }) };
}

/**
 * The first code from the app activates the secret (audited). New recovery codes come with the first factor a
 * user has; they are returned once, never stored in clear. null: the code was wrong.
 */
export async function confirmTotp(db: DB, { user, code, ip }: { user: Actor; code: string; ip: string }): Promise<{ recoveryCodes: string[] | null } | null> {
  const totp = await getTotp(db, { userId: user.id });
  if (!totp || totp.confirmedAt) return null;
  const secret = openSecret(totp.secret);
  const step = secret ? matchTotpStep(secret, code) : null;
  if (step === null) return null;
  return audited(
    db,
    async (trx) => {
      if (!(await acceptTotpStep(trx, { userId: user.id, step, confirm: true }))) return null;
      return { recoveryCodes: await issueFirstRecoveryCodes(trx, user.id) };
    },
    (done) => (done ? { actor: user, action: "auth.totp_enabled", objectType: "staff_user", objectId: user.id, ip } : null),
  );
}

async function issueFirstRecoveryCodes(trx: Tx, userId: string): Promise<string[] | null> {
  const factors = await getSecondFactors(trx, { userId });
  if (factors.recoveryCodesLeft > 0) return null;
  const codes = createRecoveryCodes();
  await replaceRecoveryCodes(trx, { userId, hashes: codes.map(hashRecoveryCode) });
  return codes;
}

export async function regenerateRecoveryCodes(db: DB, { user, ip }: { user: Actor; ip: string }): Promise<string[]> {
  const codes = createRecoveryCodes();
  await audited(db, (trx) => replaceRecoveryCodes(trx, { userId: user.id, hashes: codes.map(hashRecoveryCode) }), {
    actor: user,
    action: "auth.recovery_codes_created",
    objectType: "staff_user",
    objectId: user.id,
    ip,
  });
  return codes;
}

// ---------------------------------------------------------------- passkeys (WebAuthn)

/** The relying party is the host of APP_URL (never the request's Host header), its origin APP_URL's origin. */
function relyingParty() {
  const url = new URL(getEnv().APP_URL);
  return { rpID: url.hostname, origin: url.origin, rpName: "Plenary" };
}

async function registrationOptions(db: DB, user: { id: string; email: string; displayName: string }) {
  const { rpID, rpName } = relyingParty();
  const existing = await listPasskeyCredentials(db, { userId: user.id });
  return generateRegistrationOptions({
    rpName,
    rpID,
    userName: user.email,
    userDisplayName: user.displayName,
    userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
}

/** Options for adding a passkey from the security page; the challenge goes into a signed, short-lived cookie. */
export async function passkeyRegistrationForSession(db: DB, user: StaffUser) {
  const options = await registrationOptions(db, user);
  const cookie = await getRegistrationCookie().serialize({ userId: user.id, challenge: options.challenge });
  return { options, cookie };
}

/** Options for adding a passkey while enrolling at sign-in; the challenge stays with the pending sign-in. */
export async function passkeyRegistrationForPending(db: DB, pending: PendingSignIn) {
  const options = await registrationOptions(db, pending.user);
  await setPendingChallenge(db, { idHash: pending.idHash, challenge: options.challenge });
  return options;
}

async function registrationChallengeOf(request: Request, userId: string): Promise<string | null> {
  const value: unknown = await getRegistrationCookie().parse(request.headers.get("Cookie"));
  if (!value || typeof value !== "object") return null;
  const { userId: owner, challenge } = value as { userId?: unknown; challenge?: unknown };
  return owner === userId && typeof challenge === "string" ? challenge : null;
}

export async function clearRegistrationCookie() {
  return getRegistrationCookie().serialize("", { maxAge: 0 });
}

/**
 * Verifies a new passkey against the challenge handed out and stores it (audited). The recovery codes issued with
 * a first factor, or null; undefined when the response does not verify.
 */
export async function addVerifiedPasskey(
  db: DB,
  { user, response, name, challenge, ip }: { user: Actor; response: unknown; name: string; challenge: string | null; ip: string },
): Promise<{ recoveryCodes: string[] | null } | undefined> {
  if (!challenge) return undefined;
  const { rpID, origin } = relyingParty();
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
  } catch {
    return undefined;
  }
  if (!verification.verified) return undefined;
  const { credential } = verification.registrationInfo;
  if (await getPasskeyByCredential(db, { credentialId: credential.id })) return undefined;
  return audited(
    db,
    async (trx) => {
      const row = await addPasskey(trx, {
        userId: user.id,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString("base64url"),
        counter: credential.counter,
        transports: credential.transports ?? [],
        name,
      });
      await writeAudit(trx, { actor: user, action: "auth.passkey_added", objectType: "staff_passkey", objectId: row.id, ip, details: { name } });
      return { recoveryCodes: await issueFirstRecoveryCodes(trx, user.id) };
    },
    () => null,
  );
}

export async function passkeyChallengeForSession(request: Request, user: StaffUser) {
  return registrationChallengeOf(request, user.id);
}

/** Options for signing in with one of the pending user's passkeys; the challenge stays with the pending sign-in. */
export async function passkeyAuthenticationOptions(db: DB, pending: PendingSignIn) {
  const { rpID } = relyingParty();
  const allow = await listPasskeyCredentials(db, { userId: pending.user.id });
  const options = await generateAuthenticationOptions({
    rpID,
    allowCredentials: allow.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
    userVerification: "preferred",
  });
  await setPendingChallenge(db, { idHash: pending.idHash, challenge: options.challenge });
  return options;
}

/** True when the response is a valid signature by one of the pending user's passkeys over the challenge handed out. */
export async function checkPasskeyAssertion(db: DB, { pending, response }: { pending: PendingSignIn; response: unknown }): Promise<boolean> {
  if (!pending.challenge || !response || typeof response !== "object") return false;
  const credentialId = (response as { id?: unknown }).id;
  if (typeof credentialId !== "string") return false;
  const passkey = await getPasskeyByCredential(db, { credentialId });
  if (!passkey || passkey.userId !== pending.user.id) return false;
  // the challenge is used once, whatever the outcome
  await setPendingChallenge(db, { idHash: pending.idHash, challenge: null });
  const { rpID, origin } = relyingParty();
  try {
    const verification = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: pending.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, "base64url")),
        counter: passkey.counter,
        transports: passkey.transports as AuthenticatorTransportFuture[],
      },
      requireUserVerification: false,
    });
    if (!verification.verified) return false;
    await recordPasskeyUse(db, { id: passkey.id, counter: verification.authenticationInfo.newCounter });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- removing factors, policy, reset

export type RemoveOutcome = "removed" | "missing" | "required";

/**
 * Removes one factor of the signed-in user (audited). Refused ("required") when it is the last one and the policy
 * asks this user to have one; with the last factor the recovery codes go too (they would open nothing).
 */
export async function removeSecondFactor(
  db: DB,
  { user, factor, ip }: { user: Actor & { role: StaffRole }; factor: { kind: "totp" } | { kind: "passkey"; id: string }; ip: string },
): Promise<RemoveOutcome> {
  const policy = await getSecondFactorPolicy(db);
  return inTransaction(db, async (trx) => {
    const before = await getSecondFactors(trx, { userId: user.id });
    const count = (before.totp?.confirmed ? 1 : 0) + before.passkeys.length;
    const isFactor = factor.kind === "totp" ? Boolean(before.totp) : before.passkeys.some((p) => p.id === factor.id);
    if (!isFactor) return "missing";
    const isActive = factor.kind === "passkey" || Boolean(before.totp?.confirmed);
    if (isActive && count <= 1 && policyRequiresSecondFactor(policy, user.role)) return "required";
    if (factor.kind === "totp") {
      await removeTotp(trx, { userId: user.id });
      await writeAudit(trx, { actor: user, action: "auth.totp_removed", objectType: "staff_user", objectId: user.id, ip });
    } else {
      const name = await removePasskey(trx, { userId: user.id, id: factor.id });
      await writeAudit(trx, { actor: user, action: "auth.passkey_removed", objectType: "staff_passkey", objectId: factor.id, ip, details: { name } });
    }
    if (isActive && count <= 1) await replaceRecoveryCodes(trx, { userId: user.id, hashes: [] });
    return "removed";
  });
}

export async function changeSecondFactorPolicy(db: DB, { admin, policy, ip }: { admin: Actor; policy: SecondFactorPolicy; ip: string }) {
  const before = await getSecondFactorPolicy(db);
  if (before === policy) return;
  await audited(db, (trx) => setSecondFactorPolicy(trx, { policy, by: admin.id }), {
    actor: admin,
    action: "settings.second_factor_policy",
    ip,
    details: { from: before, to: policy },
  });
}

/** Loss of a device: an administrator removes every second factor of an account (audited); it enrols again at its next sign-in. */
export async function resetUserSecondFactors(db: DB, { admin, account, ip }: { admin: Actor; account: { id: string; email: string }; ip: string }) {
  return audited(
    db,
    (trx) => resetSecondFactors(trx, { userId: account.id }),
    (removed) => ({
      actor: admin,
      action: "staff.second_factors_reset",
      objectType: "staff_user",
      objectId: account.id,
      ip,
      details: { email: account.email, totp: removed.totp, passkeys: removed.passkeys },
    }),
  );
}
