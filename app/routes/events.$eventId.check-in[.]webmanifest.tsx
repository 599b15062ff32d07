import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getFixedT } from "~/i18next.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The web app manifest of an event's check-in page, so a phone or tablet at the door can install it and open it
 * offline (issue 19 §5). It names no person, but like every staff address it wants the session: the page's link
 * asks the browser to send its cookies (crossorigin="use-credentials").
 */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  const { params, context } = args;
  if (!UUID.test(params.eventId ?? "")) throw new Response("Not Found", { status: 404 });
  const t = await getFixedT(context.locale, "checkin");
  const page = `/events/${params.eventId!.toLowerCase()}/check-in`;
  return Response.json(
    {
      name: t("manifest.name"),
      short_name: t("manifest.shortName"),
      lang: context.locale,
      start_url: page,
      scope: page,
      display: "standalone",
      background_color: "#ffffff",
      theme_color: "#0f2d4f",
      icons: [
        { src: "/check-in-icon-192.png", sizes: "192x192", type: "image/png" },
        { src: "/check-in-icon-512.png", sizes: "512x512", type: "image/png" },
        { src: "/favicon.svg", sizes: "any", type: "image/svg+xml" },
      ],
    },
    { headers: { "Content-Type": "application/manifest+json; charset=utf-8", "Cache-Control": "no-cache" } },
  );
}
