import type { LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { getLogo } from "~/models/secretariat.server";

/**
 * The secretariat's logo, public: page headers and the letters in members' mailboxes load it. The URL carries
 * the logo's version (/logo?v=…), so that URL may be cached for a year; any other URL is revalidated. An SVG
 * gets a policy that lets nothing run or load, even when it is opened on its own. (X-Content-Type-Options:
 * nosniff comes with every response from the HTTP layer.)
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const logo = await getLogo(getDb());
  if (!logo) return new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache" } });
  const headers: Record<string, string> = {
    "Content-Type": logo.type,
    "Content-Length": String(logo.data.length),
    "Cache-Control": new URL(request.url).searchParams.get("v") === logo.version ? "public, max-age=31536000, immutable" : "no-cache",
  };
  if (logo.type === "image/svg+xml") {
    headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'";
    headers["Content-Disposition"] = 'inline; filename="logo.svg"';
  }
  return new Response(new Uint8Array(logo.data), { headers });
}
