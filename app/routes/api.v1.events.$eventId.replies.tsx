import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { encodeCursor } from "~/lib/api";
import { InvitationQuery } from "~/lib/api-schemas";
import { listInvitationsPage } from "~/models/api.server";
import { getEvent } from "~/models/event.server";
import { listDelegatesOfInvitations } from "~/models/reply.server";
import { apiJson, cursorKey, methodNotAllowed, notFound, parseQuery, requireApiToken, requireUuid } from "~/services/api.server";
import { delegateOut } from "~/services/api-views.server";

/**
 * GET /api/v1/events/{id}/replies: each invitation's answer with its delegation. Passport data only for a token
 * that also holds visa:read, and then only masked (RELIABILITY D4).
 */
export async function loader(args: LoaderFunctionArgs) {
  const caller = await requireApiToken(args, "replies:read");
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
  const visa = caller.scopes.includes("visa:read");
  const key = getEnv().DATA_ENCRYPTION_KEY;
  const delegations = await listDelegatesOfInvitations(db, { invitationIds: rows.map((row) => row.id), key });
  const data = rows.map((row) => ({
    invitationId: row.id,
    memberId: row.memberId,
    country: row.country,
    response: row.response,
    revision: row.revision,
    declineReason: row.declineReason,
    answeredAt: row.answeredAt ? new Date(row.answeredAt).toISOString() : null,
    changedAt: row.changedAt ? new Date(row.changedAt).toISOString() : null,
    delegates: (delegations.get(row.id) ?? []).map((d) => delegateOut(d, visa)),
  }));
  const last = rows.at(-1);
  return apiJson({ data, next: more && last ? encodeCursor([last.country, last.sortName, last.id]) : null });
}

/** Read-only: any other method is told so, once the token is checked. */
export async function action(args: ActionFunctionArgs) {
  await requireApiToken(args, "replies:read");
  throw methodNotAllowed("GET");
}
