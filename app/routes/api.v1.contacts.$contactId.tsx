import { getDb } from "~/db.server";
import { ContactSchema } from "~/lib/directory-schemas";
import { getContactById } from "~/models/api.server";
import { updateContact } from "~/models/contact.server";
import { versionedApiResource } from "~/services/api-resource.server";
import { contactFormValue, contactOut } from "~/services/api-views.server";

/** GET /api/v1/contacts/{id} with its ETag; PATCH: the fields given, laid over the current ones and checked by the staff form's schema. */
const contact = versionedApiResource({
  kind: "contact",
  read: "directory:read",
  write: "directory:write",
  find: (id) => getContactById(getDb(), { id }),
  out: contactOut,
  formValue: contactFormValue,
  schema: ContactSchema,
  // the form sends addresses as one text; an API client may send them as an array
  fromApi: (body) =>
    "emails" in body && Array.isArray(body.emails) && body.emails.every((e) => typeof e === "string") ? { emails: body.emails.join(", ") } : {},
  update: (trx, { record, version, input }) => updateContact(trx, { id: record.id, memberId: record.memberId, version, input }),
  audit: "directory.contact_updated",
  duplicate: "Another contact of this member has one of these addresses.",
});

export const loader = contact.loader;
export const action = contact.action;
