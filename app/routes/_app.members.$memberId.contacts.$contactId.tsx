import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { ContactForm } from "~/components/contact-form";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction } from "~/components/forms";
import { getDb } from "~/db.server";
import { readForm } from "~/lib/bounded-form.server";
import { contactLabels, contactNameFields } from "~/lib/contact-display";
import { localized } from "~/lib/directory";
import { ContactSchema, VersionSchema } from "~/lib/directory-schemas";
import { foundOr404 } from "~/lib/found.server";
import { titleFrom } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { deleteContact, getContact, updateContact } from "~/models/contact.server";
import { ConflictError, DuplicateError } from "~/models/errors";
import { getMember } from "~/models/member.server";

async function requireContact(params: { memberId?: string; contactId?: string }) {
  const db = getDb();
  const member = await foundOr404(params.memberId, (id) => getMember(db, { id }));
  const contact = await foundOr404(params.contactId, (id) => getContact(db, { id, memberId: member.id }));
  return { member, contact };
}

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const { member, contact } = await requireContact(args.params);
  const locale = args.context.locale;
  return {
    member: { id: member.id, title: localized(member.names, locale) },
    contact: {
      id: contact.id,
      version: contact.version,
      label: contactLabels(contact, locale).roster,
      defaults: {
        ...contactNameFields(contact),
        position: contact.position,
        isHead: contact.isHead ? "on" : "",
        isFocalPoint: contact.isFocalPoint ? "on" : "",
        emails: contact.emails.join(", "),
        phone: contact.phone ?? "",
        preferredLocale: contact.preferredLocale ?? "",
      },
    },
    conflict: new URL(args.request.url).searchParams.get("conflict") === "1",
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const { member, contact } = await requireContact(args.params);
  const formData = await readForm(args.request);
  const version = VersionSchema.safeParse(formData.get("version"));
  if (!version.success) throw new Response("Bad Request", { status: 400 });
  const db = getDb();
  const here = `/members/${member.id}/contacts/${contact.id}`;
  if (formData.get("intent") === "delete") {
    try {
      await audited(db, (trx) => deleteContact(trx, { id: contact.id, memberId: member.id, version: version.data }), {
        actor: user,
        action: "directory.contact_deleted",
        objectType: "contact",
        objectId: contact.id,
        ip: args.context.clientIp,
      });
    } catch (error) {
      if (error instanceof ConflictError) return redirect(`${here}?conflict=1`);
      throw error;
    }
    return redirect(`/members/${member.id}`);
  }
  const submission = parseWithZod(formData, { schema: ContactSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  try {
    await audited(db, (trx) => updateContact(trx, { id: contact.id, memberId: member.id, version: version.data, input: submission.value }), {
      actor: user,
      action: "directory.contact_updated",
      objectType: "contact",
      objectId: contact.id,
      ip: args.context.clientIp,
    });
  } catch (error) {
    if (error instanceof ConflictError) return redirect(`${here}?conflict=1`);
    if (error instanceof DuplicateError) {
      return Response.json({ result: submission.reply({ fieldErrors: { emails: ["directory:validation.duplicateContact"] } }) }, { status: 409 });
    }
    throw error;
  }
  return redirect(`/members/${member.id}?saved=1`);
}

export const handle = {
  title: titleFrom<typeof loader>((data) =>
    data?.contact ? { key: "directory:contacts.editTitle", values: { name: data.contact.label, member: data.member.title } } : null,
  ),
};

export default function EditContactRoute() {
  const { t } = useTranslation("directory");
  const { member, contact, conflict } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{t("contacts.editTitle", { name: contact.label, member: member.title })}</h1>
      {conflict ? (
        <p className="notice" role="alert">
          {t("form.conflict")}
        </p>
      ) : null}
      <ContactForm
        key={contact.version}
        lastResult={actionData?.result}
        defaultValue={contact.defaults}
        version={contact.version}
        cancelTo={`/members/${member.id}`}
        submitLabel={t("form.save")}
      />
      <ConfirmAction
        className="danger-zone"
        label={t("contacts.delete")}
        question={t("contacts.deleteConfirm", { name: contact.label })}
        intent="intent"
        value="delete"
        version={contact.version}
        danger
      />
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
