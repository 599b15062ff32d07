import { getDb } from "~/db.server";
import { pingDatabase } from "~/models/system.server";

const TIMEOUT_MS = 2_000;

/** For load balancers and monitors: 200 when the database answers within 2 s, else 503. */
export async function loader() {
  const ping = pingDatabase(getDb());
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), TIMEOUT_MS).unref());
  const ok = await Promise.race([ping, timeout]).catch(() => false);
  return Response.json(ok ? { status: "ok", db: "ok" } : { status: "error", db: "unavailable" }, {
    status: ok ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
