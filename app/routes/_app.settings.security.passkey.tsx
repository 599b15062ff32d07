import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { actionError } from "~/lib/action-error";
import { PUBLIC_FORM_LIMITS, readForm } from "~/lib/bounded-form.server";
import { singleLine } from "~/lib/validation";
import { addVerifiedPasskey, clearRegistrationCookie, passkeyChallengeForSession, passkeyRegistrationForSession } from "~/services/second-factor.server";

const PasskeyNameSchema = singleLine(60);

/** Only the security page's script posts here; a visit goes to that page. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  return redirect("/settings/security");
}

/** Adding a passkey from the security page: `options` hands out a challenge, `register` checks the browser's answer (JSON). */
export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args);
  const db = getDb();
  const form = await readForm(args.request, PUBLIC_FORM_LIMITS);
  const intent = form.get("intent");
  if (intent === "options") {
    const { options, cookie } = await passkeyRegistrationForSession(db, user);
    return Response.json({ options }, { headers: { "Set-Cookie": cookie } });
  }
  if (intent === "register") {
    const name = PasskeyNameSchema.safeParse(form.get("name"));
    if (!name.success) return actionError("security:passkey.nameRequired", 400);
    let response: unknown = null;
    try {
      response = JSON.parse(String(form.get("response")));
    } catch {
      // refused below
    }
    const challenge = await passkeyChallengeForSession(args.request, user);
    const added = await addVerifiedPasskey(db, { user, response, name: name.data, challenge, ip: args.context.clientIp });
    const headers = { "Set-Cookie": await clearRegistrationCookie() };
    if (!added) return actionError("security:passkey.notAccepted", 400);
    return Response.json({ recoveryCodes: added.recoveryCodes }, { headers });
  }
  return actionError("security:passkey.failed", 400);
}
