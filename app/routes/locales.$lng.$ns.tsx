import type { LoaderFunctionArgs } from "@remix-run/node";

import { isSupportedLng } from "~/i18n";
import { resources } from "~/i18next.server";

/** One namespace of one language as JSON, for the browser's i18next. */
export async function loader({ params }: LoaderFunctionArgs) {
  const { lng, ns } = params;
  const data = isSupportedLng(lng) && ns ? resources[lng]?.[ns] : undefined;
  if (!data) throw new Response("Not Found", { status: 404 });
  return Response.json(data, {
    headers: { "Cache-Control": process.env.NODE_ENV === "production" ? "public, max-age=300" : "no-cache" },
  });
}
