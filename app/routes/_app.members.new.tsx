import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { MemberForm } from "~/components/member-form";
import { getDb } from "~/db.server";
import { readForm } from "~/lib/bounded-form.server";
import { countryOptions } from "~/lib/directory";
import { MemberSchema } from "~/lib/directory-schemas";
import type { PageTitle } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { DuplicateError } from "~/models/errors";
import { createMember } from "~/models/member.server";

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  return { countries: countryOptions(args.context.locale), timeZones: Intl.supportedValuesOf("timeZone") };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const submission = parseWithZod(await readForm(args.request), { schema: MemberSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  const db = getDb();
  try {
    const { id } = await audited(
      db,
      (trx) => createMember(trx, submission.value),
      ({ id }) => ({ actor: user, action: "directory.member_created", objectType: "member", objectId: id, ip: args.context.clientIp }),
    );
    return redirect(`/members/${id}`);
  } catch (error) {
    if (!(error instanceof DuplicateError)) throw error;
    return Response.json({ result: submission.reply({ fieldErrors: { "names.en": ["directory:validation.duplicateMember"] } }) }, { status: 409 });
  }
}

export const handle = { title: "directory:members.new" satisfies PageTitle };

export default function NewMemberRoute() {
  const { t } = useTranslation("directory");
  const { countries, timeZones } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{t("members.new")}</h1>
      <MemberForm
        lastResult={actionData?.result}
        countries={countries}
        timeZones={timeZones}
        defaultValue={{ status: "member", defaultLocale: "en" }}
        cancelTo="/members"
        submitLabel={t("members.create")}
      />
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
