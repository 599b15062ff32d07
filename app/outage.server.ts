import type { ServerBuild } from "@remix-run/node";

import { isDatabaseUnavailable, OUTAGE_RETRY_AFTER_SECONDS } from "~/lib/db-errors";
import { logger } from "~/logger.server";

/** Headers of every answer given because the database is unreachable. */
export const OUTAGE_HEADERS = { "Retry-After": String(OUTAGE_RETRY_AFTER_SECONDS), "Cache-Control": "no-store" };

type Handler = (args: { request: Request }) => unknown;

function guard(handler: Handler, route: string): Handler {
  return async (args) => {
    try {
      return await handler(args);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      logger.warn({ err: (error as Error).message, method: args.request.method, route }, "database unavailable");
      // a thrown response: the nearest ErrorBoundary renders the localized 503 page (GeneralErrorBoundary);
      // a client-side navigation's data request gets this response itself
      throw new Response(null, { status: 503, headers: OUTAGE_HEADERS });
    }
  };
}

/**
 * The build with every loader and action guarded: an error that means "the database is unreachable"
 * (app/lib/db-errors.ts) becomes a 503 with Retry-After instead of a 500, for documents and data requests
 * alike. Everything else passes through unchanged.
 */
export function withOutageResponses(build: ServerBuild): ServerBuild {
  const routes = Object.fromEntries(
    Object.entries(build.routes).map(([id, route]) => {
      const { loader, action } = route.module;
      if (!loader && !action) return [id, route];
      const module = { ...route.module };
      if (loader) module.loader = guard(loader as Handler, id) as typeof loader;
      if (action) module.action = guard(action as Handler, id) as typeof action;
      return [id, { ...route, module }];
    }),
  );
  return { ...build, routes };
}
