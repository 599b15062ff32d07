import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { encodeCursor } from "~/lib/api";
import { InvitationQuery } from "~/lib/api-schemas";
import { listInvitationsPage } from "~/models/api.server";
import { getEvent } from "~/models/event.server";
import { apiJson, cursorKey, methodNotAllowed, notFound, parseQuery, requireApiToken, requireUuid } from "~/services/api.server";
import { invitationOut } from "~/services/api-views.server";

/** GET /api/v1/events/{id}/invitations: each invited member's answer and the delivery of its latest message. */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "invitations:read");
  const query = parseQuery(args.request, InvitationQuery);
  const db = getDb();
  const event = await getEvent(db, { id: requireUuid(args.params.eventId) });
  if (!event) throw notFound("event");
  const { rows, more } = await listInvitationsPage(db, {
    eventId: event.id,
    filter: { response: query.status, country: query.country, updatedSince: query.updated_since ? new Date(query.updated_since) : undefined },
    after: cursorKey(query.cursor, 3),
    limit: query.limit,
  });
  const last = rows.at(-1);
  return apiJson({ data: rows.map((row) => invitationOut(event.id, row)), next: more && last ? encodeCursor([last.country, last.sortName, last.id]) : null });
}

/** Read-only: any other method is told so, once the token is checked. */
export async function action(args: ActionFunctionArgs) {
  await requireApiToken(args, "invitations:read");
  throw methodNotAllowed("GET");
}
