import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { entityTag, versionFromIfMatch } from "~/lib/api";
import { ContactSchema } from "~/lib/directory-schemas";
import { getContactById } from "~/models/api.server";
import { audited } from "~/models/audit.server";
import { updateContact } from "~/models/contact.server";
import { ConflictError, DuplicateError } from "~/models/errors";
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
import { contactFormValue, contactOut } from "~/services/api-views.server";

async function load(id: string) {
  const contact = await getContactById(getDb(), { id });
  if (!contact) throw notFound("contact");
  return contact;
}

const answer = (contact: Awaited<ReturnType<typeof load>>) =>
  apiJson(contactOut(contact), { headers: { ETag: entityTag("contact", contact.id, contact.version) } });

/** GET /api/v1/contacts/{id}, with its ETag. */
export async function loader(args: LoaderFunctionArgs) {
  await requireApiToken(args, "directory:read");
  const contact = await load(requireUuid(args.params.contactId));
  if (args.request.headers.get("If-None-Match") === entityTag("contact", contact.id, contact.version)) {
    return new Response(null, { status: 304, headers: { ETag: entityTag("contact", contact.id, contact.version) } });
  }
  return answer(contact);
}

/** PATCH /api/v1/contacts/{id}: the fields given, laid over the current ones and checked by the staff form's schema. */
export async function action(args: ActionFunctionArgs) {
  const caller = await requireApiToken(args, "directory:write");
  if (args.request.method !== "PATCH") throw methodNotAllowed("GET, PATCH");
  const id = requireUuid(args.params.contactId);
  const contact = await load(id);
  const version = requireIfMatch(args.request, (header) => versionFromIfMatch(header, "contact", id), contact.version);
  const body = await readJsonObject(args.request);
  const unknown = Object.keys(body).filter((key) => !(key in ContactSchema.shape));
  if (unknown.length) return apiProblem(422, "invalid", "Invalid data", `Unknown fields: ${unknown.join(", ")}.`);
  // the form sends addresses as one text; an API client may send them as an array
  const emails = Array.isArray(body.emails) && body.emails.every((e) => typeof e === "string") ? body.emails.join(", ") : body.emails;
  const parsed = ContactSchema.safeParse({ ...contactFormValue(contact), ...body, ...("emails" in body ? { emails } : {}) });
  if (!parsed.success) return validationProblem(parsed.error);
  const db = getDb();
  try {
    await audited(
      db,
      (trx) => updateContact(trx, { id, memberId: contact.memberId, version, input: parsed.data }),
      apiAuditEntry(caller, args.context, { action: "directory.contact_updated", objectType: "contact", objectId: id, details: { fields: Object.keys(body) } }),
    );
  } catch (error) {
    if (error instanceof ConflictError) return stale();
    if (error instanceof DuplicateError) return apiProblem(409, "duplicate", "Conflict", "Another contact of this member has one of these addresses.");
    throw error;
  }
  return answer(await load(id));
}
