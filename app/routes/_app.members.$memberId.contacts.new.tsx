import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { ContactForm } from "~/components/contact-form";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import type { Lng } from "~/i18n";
import { readForm } from "~/lib/bounded-form.server";
import { localized } from "~/lib/directory";
import { ContactSchema } from "~/lib/directory-schemas";
import { foundOr404 } from "~/lib/found.server";
import { titleFrom } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { createContact } from "~/models/contact.server";
import { DuplicateError } from "~/models/errors";
import { getMember } from "~/models/member.server";

const NAME_LANGUAGE: Record<string, Lng> = { CN: "zh", JP: "ja", KR: "ko", KP: "ko", MN: "mn", RU: "ru" };

async function requireMember(id: string | undefined) {
  const member = await foundOr404(id, (id) => getMember(getDb(), { id }));
  return member;
}

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const member = await requireMember(args.params.memberId);
  return { member: { id: member.id, title: localized(member.names, args.context.locale) }, nameLocale: NAME_LANGUAGE[member.country] ?? "en" };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const member = await requireMember(args.params.memberId);
  const submission = parseWithZod(await readForm(args.request), { schema: ContactSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  const db = getDb();
  try {
    await audited(
      db,
      (trx) => createContact(trx, { memberId: member.id, input: submission.value }),
      ({ id }) => ({ actor: user, action: "directory.contact_created", objectType: "contact", objectId: id, ip: args.context.clientIp }),
    );
  } catch (error) {
    if (!(error instanceof DuplicateError)) throw error;
    return Response.json({ result: submission.reply({ fieldErrors: { emails: ["directory:validation.duplicateContact"] } }) }, { status: 409 });
  }
  return redirect(`/members/${member.id}`);
}

export const handle = {
  title: titleFrom<typeof loader>((data) => (data?.member ? { key: "directory:contacts.new", values: { member: data.member.title } } : null)),
};

export default function NewContactRoute() {
  const { t } = useTranslation("directory");
  const { member, nameLocale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{t("contacts.new", { member: member.title })}</h1>
      <ContactForm lastResult={actionData?.result} defaultValue={{ nameLocale }} cancelTo={`/members/${member.id}`} submitLabel={t("contacts.create")} />
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
