import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { getApiEvent } from "~/models/api.server";
import { listProgramme } from "~/models/event.server";
import { apiJson, methodNotAllowed, notFound, requireApiToken, requireUuid } from "~/services/api.server";
import { eventOut } from "~/services/api-views.server";

/** GET /api/v1/events/{id}: the event with its programme. */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "events:read");
  const db = getDb();
  const event = await getApiEvent(db, { id: requireUuid(args.params.eventId) });
  if (!event) throw notFound("event");
  return apiJson(eventOut(event, await listProgramme(db, { eventId: event.id })));
}

/** Read-only: any other method is told so, once the token is checked. */
export async function action(args: ActionFunctionArgs) {
  await requireApiToken(args, "events:read");
  throw methodNotAllowed("GET");
}
