import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { entityTag, versionFromIfMatch } from "~/lib/api";
import { MemberSchema } from "~/lib/directory-schemas";
import { getApiMember } from "~/models/api.server";
import { audited } from "~/models/audit.server";
import { ConflictError, DuplicateError } from "~/models/errors";
import { updateMember } from "~/models/member.server";
import {
  apiAuditEntry,
  apiJson,
  apiProblem,
  methodNotAllowed,
  notFound,
  readJsonObject,
  requireApiToken,
  requireIfMatch,
  requireUuid,
  stale,
  validationProblem,
} from "~/services/api.server";
import { memberFormValue, memberOut } from "~/services/api-views.server";

async function load(id: string) {
  const member = await getApiMember(getDb(), { id });
  if (!member) throw notFound("member");
  return member;
}

const answer = (member: Awaited<ReturnType<typeof load>>) => apiJson(memberOut(member), { headers: { ETag: entityTag("member", member.id, member.version) } });

/** GET /api/v1/members/{id}, with its ETag. */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "directory:read");
  const member = await load(requireUuid(args.params.memberId));
  if (args.request.headers.get("If-None-Match") === entityTag("member", member.id, member.version)) {
    return new Response(null, { status: 304, headers: { ETag: entityTag("member", member.id, member.version) } });
  }
  return answer(member);
}

/** PATCH /api/v1/members/{id}: the fields given, laid over the current ones and checked by the staff form's schema. */
export async function action(args: ActionFunctionArgs) {
  const caller = await requireApiToken(args, "directory:write");
  if (args.request.method !== "PATCH") throw methodNotAllowed("GET, PATCH");
  const id = requireUuid(args.params.memberId);
  const member = await load(id);
  const version = requireIfMatch(args.request, (header) => versionFromIfMatch(header, "member", id), member.version);
  const body = await readJsonObject(args.request);
  const unknown = Object.keys(body).filter((key) => !(key in MemberSchema.shape));
  if (unknown.length) return apiProblem(422, "invalid", "Invalid data", `Unknown fields: ${unknown.join(", ")}.`);
  const parsed = MemberSchema.safeParse({ ...memberFormValue(member), ...body });
  if (!parsed.success) return validationProblem(parsed.error);
  const db = getDb();
  try {
    await audited(
      db,
      (trx) => updateMember(trx, { id, version, input: parsed.data }),
      apiAuditEntry(caller, args.context, { action: "directory.member_updated", objectType: "member", objectId: id, details: { fields: Object.keys(body) } }),
    );
  } catch (error) {
    if (error instanceof ConflictError) return stale();
    if (error instanceof DuplicateError) return apiProblem(409, "duplicate", "Conflict", "Another member of this country has the same English name.");
    throw error;
  }
  return answer(await load(id));
}
