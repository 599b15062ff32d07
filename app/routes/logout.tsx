import { type ActionFunctionArgs, redirect } from "@remix-run/node";

import { getSessionCookie } from "~/auth.server";
import { getDb } from "~/db.server";
import { audited } from "~/models/audit.server";
import { deleteStaffSession } from "~/models/staff-session.server";

export async function loader() {
  return redirect("/");
}

/** Sign out ends the session on the server, not only in the browser. */
export async function action({ context }: ActionFunctionArgs) {
  const db = getDb();
  if (context.sessionToken) {
    const { sessionToken, user } = context;
    await audited(
      db,
      (trx) => deleteStaffSession(trx, { token: sessionToken }),
      () => (user ? { actor: { id: user.id, email: user.email }, action: "auth.sign_out", ip: context.clientIp } : null),
    );
  }
  return redirect("/login?signedOut=1", {
    headers: { "Set-Cookie": await getSessionCookie().serialize("", { maxAge: 0 }) },
  });
}
