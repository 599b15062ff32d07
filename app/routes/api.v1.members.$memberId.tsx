import { getDb } from "~/db.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { getApiMember } from "~/models/api.server";
import { updateMember } from "~/models/member.server";
import { versionedApiResource } from "~/services/api-resource.server";
import { memberFormValue, memberOut } from "~/services/api-views.server";

/** GET /api/v1/members/{id} with its ETag; PATCH: the fields given, laid over the current ones and checked by the staff form's schema. */
const member = versionedApiResource({
  kind: "member",
  read: "directory:read",
  write: "directory:write",
  find: (id) => getApiMember(getDb(), { id }),
  out: memberOut,
  formValue: memberFormValue,
  schema: MemberSchema,
  update: (trx, { record, version, input }) => updateMember(trx, { id: record.id, version, input }),
  audit: "directory.member_updated",
  duplicate: "Another member of this country has the same English name.",
});

export const loader = member.loader;
export const action = member.action;
