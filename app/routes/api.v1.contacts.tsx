import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { encodeCursor } from "~/lib/api";
import { ContactQuery } from "~/lib/api-schemas";
import { listContactsPage } from "~/models/api.server";
import { apiJson, cursorKey, methodNotAllowed, parseQuery, requireApiToken } from "~/services/api.server";
import { contactOut } from "~/services/api-views.server";

/** GET /api/v1/contacts: contacts of current members, a page at a time; ?member= and ?country= narrow it. */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "directory:read");
  const query = parseQuery(args.request, ContactQuery);
  const { rows, more } = await listContactsPage(getDb(), {
    filter: { memberId: query.member, country: query.country, updatedSince: query.updated_since ? new Date(query.updated_since) : undefined },
    after: cursorKey(query.cursor, 1),
    limit: query.limit,
  });
  const last = rows.at(-1);
  return apiJson({ data: rows.map(contactOut), next: more && last ? encodeCursor([last.id]) : null });
}

/** Read-only: any other method is told so, once the token is checked. */
export async function action(args: ActionFunctionArgs) {
  await requireApiToken(args, "directory:read");
  throw methodNotAllowed("GET");
}
