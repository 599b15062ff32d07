import { type ActionFunctionArgs, redirect } from "@remix-run/node";

import { getDb } from "~/db.server";
import { actionError } from "~/lib/action-error";
import { PUBLIC_FORM_LIMITS, readForm } from "~/lib/bounded-form.server";
import { singleLine } from "~/lib/validation";
import {
  addVerifiedPasskey,
  checkPasskeyAssertion,
  checkSecondStep,
  failSecondStep,
  finishSignIn,
  passkeyAuthenticationOptions,
  passkeyRegistrationForPending,
  redirectAfterSignIn,
  requirePendingSignIn,
} from "~/services/second-factor.server";

const PasskeyNameSchema = singleLine(60);

/** Only the browser's script posts here (the second step and enrolment pages); a visit goes back to them. */
export async function loader() {
  return redirect("/sign-in/verify");
}

/**
 * Passkeys during a pending sign-in: `options` hands out a challenge (an assertion for a user who has passkeys, a
 * registration while enrolling), `authenticate` and `register` check the browser's answer to it. Answers are JSON.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const pending = await requirePendingSignIn(db, request);
  const form = await readForm(request, PUBLIC_FORM_LIMITS);
  const intent = form.get("intent");
  const verdict = await checkSecondStep(db, pending, context.clientIp);
  if (!verdict.allowed) {
    const seconds = verdict.retryAfterSeconds;
    return seconds < 120
      ? actionError("auth:login.throttledSeconds", 429, { count: seconds })
      : actionError("auth:login.throttledMinutes", 429, { count: Math.ceil(seconds / 60) });
  }
  const response = parseJson(form.get("response"));

  if (intent === "options") {
    const options = pending.purpose === "verify" ? await passkeyAuthenticationOptions(db, pending) : await passkeyRegistrationForPending(db, pending);
    return Response.json({ options });
  }

  if (intent === "authenticate" && pending.purpose === "verify") {
    if (!(await checkPasskeyAssertion(db, { pending, response }))) {
      const ended = await failSecondStep(db, pending, context.clientIp);
      return actionError(ended ? "security:verify.ended" : "security:passkey.notAccepted", 400);
    }
    const headers = await finishSignIn(db, { pending, method: "passkey", request, context });
    if (!headers) return actionError("security:verify.ended", 409);
    return Response.json({ redirectTo: redirectAfterSignIn(pending) }, { headers });
  }

  if (intent === "register" && pending.purpose === "enrol") {
    const name = PasskeyNameSchema.safeParse(form.get("name"));
    if (!name.success) return actionError("security:passkey.nameRequired", 400);
    const added = await addVerifiedPasskey(db, { user: pending.user, response, name: name.data, challenge: pending.challenge, ip: context.clientIp });
    if (!added) {
      const ended = await failSecondStep(db, pending, context.clientIp);
      return actionError(ended ? "security:verify.ended" : "security:passkey.notAccepted", 400);
    }
    const headers = await finishSignIn(db, { pending, method: "enrolled", request, context });
    if (!headers) return actionError("security:verify.ended", 409);
    return Response.json({ recoveryCodes: added.recoveryCodes, redirectTo: redirectAfterSignIn(pending) }, { headers });
  }

  return actionError("security:passkey.failed", 400);
}

function parseJson(value: FormDataEntryValue | null): unknown {
  if (typeof value !== "string") return null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
