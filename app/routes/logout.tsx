import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { getSessionCookie } from "~/auth.server";
import { getDb } from "~/db.server";
import { writeAudit } from "~/models/audit.server";
import { deleteStaffSession } from "~/models/staff-session.server";

export async function loader() {
  return redirect("/");
}

/** Sign out ends the session on the server, not only in the browser. */
export async function action({ context }: ActionFunctionArgs) {
  const db = getDb();
  if (context.sessionToken) {
    await deleteStaffSession(db, { token: context.sessionToken });
    if (context.user) {
      await writeAudit(db, { actor: { id: context.user.id, email: context.user.email }, action: "auth.sign_out", ip: context.clientIp });
    }
  }
  return redirect("/login?signedOut=1", {
    headers: { "Set-Cookie": await getSessionCookie().serialize("", { maxAge: 0 }) },
  });
}
