import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { encodeCursor } from "~/lib/api";
import { MemberQuery } from "~/lib/api-schemas";
import { listMembersPage } from "~/models/api.server";
import { apiJson, cursorKey, methodNotAllowed, parseQuery, requireApiToken } from "~/services/api.server";
import { memberOut } from "~/services/api-views.server";

/** GET /api/v1/members: member governments by country and English name, a page at a time. */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "directory:read");
  const query = parseQuery(args.request, MemberQuery);
  const { rows, more } = await listMembersPage(getDb(), {
    filter: {
      country: query.country,
      status: query.status,
      kind: query.kind,
      archived: query.archived === "true",
      updatedSince: query.updated_since ? new Date(query.updated_since) : undefined,
    },
    after: cursorKey(query.cursor, 3),
    limit: query.limit,
  });
  const last = rows.at(-1);
  return apiJson({ data: rows.map(memberOut), next: more && last ? encodeCursor([last.country, last.sortName, last.id]) : null });
}

/** Read-only: any other method is told so, once the token is checked. */
export async function action(args: ActionFunctionArgs) {
  await requireApiToken(args, "directory:read");
  throw methodNotAllowed("GET");
}
