import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { encodeCursor } from "~/lib/api";
import { EventQuery } from "~/lib/api-schemas";
import { listEventsPage, listProgrammeOfEvents } from "~/models/api.server";
import { apiJson, cursorKey, methodNotAllowed, parseQuery, requireApiToken } from "~/services/api.server";
import { eventOut } from "~/services/api-views.server";

/** GET /api/v1/events: events by start, each with its programme, a page at a time. */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "events:read");
  const query = parseQuery(args.request, EventQuery);
  const db = getDb();
  const { rows, more } = await listEventsPage(db, {
    filter: { status: query.status, updatedSince: query.updated_since ? new Date(query.updated_since) : undefined },
    after: cursorKey(query.cursor, 2),
    limit: query.limit,
  });
  const programme = await listProgrammeOfEvents(db, { eventIds: rows.map((e) => e.id) });
  const last = rows.at(-1);
  return apiJson({
    data: rows.map((e) => eventOut(e, programme.get(e.id) ?? [])),
    next: more && last ? encodeCursor([new Date(last.startsAt).toISOString(), last.id]) : null,
  });
}

/** Read-only: any other method is told so, once the token is checked. */
export async function action(args: ActionFunctionArgs) {
  await requireApiToken(args, "events:read");
  throw methodNotAllowed("GET");
}
