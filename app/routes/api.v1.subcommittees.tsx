import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { SubcommitteeListQuery } from "~/lib/api-schemas";
import { listSubcommitteeMemberships } from "~/models/api.server";
import { listSubcommittees } from "~/models/subcommittee.server";
import { apiJson, methodNotAllowed, parseQuery, requireApiToken } from "~/services/api.server";

/** GET /api/v1/subcommittees: every subcommittee with its members, coordinators first (a handful: one page). */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "directory:read");
  parseQuery(args.request, SubcommitteeListQuery);
  const db = getDb();
  const subcommittees = await listSubcommittees(db);
  const members = await listSubcommitteeMemberships(db, { subcommitteeIds: subcommittees.map((s) => s.id) });
  return apiJson({
    data: subcommittees.map((s) => ({ id: s.id, number: s.number, names: s.names, members: members.get(s.id) ?? [] })),
    next: null,
  });
}

/** Read-only: any other method is told so, once the token is checked. */
export async function action(args: ActionFunctionArgs) {
  await requireApiToken(args, "directory:read");
  throw methodNotAllowed("GET");
}
