import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { RosterQuery } from "~/lib/api-schemas";
import { protocolOrder } from "~/lib/protocol";
import { getEvent } from "~/models/event.server";
import { listRosterPeople } from "~/models/roster.server";
import { apiJson, methodNotAllowed, notFound, parseQuery, requireApiToken, requireUuid } from "~/services/api.server";
import { rosterEntryOut } from "~/services/api-views.server";

/** GET /api/v1/events/{id}/roster: the list of participants in the event's protocol order (one page). */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "rosters:read");
  const query = parseQuery(args.request, RosterQuery);
  const db = getDb();
  const event = await getEvent(db, { id: requireUuid(args.params.eventId) });
  if (!event) throw notFound("event");
  const people = protocolOrder(
    await listRosterPeople(db, { eventId: event.id, filter: { attendance: query.attendance } }),
    event.protocol ?? {},
    event.hostMemberId,
  );
  return apiJson({ data: people.map(rosterEntryOut), next: null });
}

/** Read-only: any other method is told so, once the token is checked. */
export async function action(args: ActionFunctionArgs) {
  await requireApiToken(args, "rosters:read");
  throw methodNotAllowed("GET");
}
