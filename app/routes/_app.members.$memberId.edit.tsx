import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { MemberForm } from "~/components/member-form";
import { getDb } from "~/db.server";
import { readForm } from "~/lib/bounded-form.server";
import { countryOptions, localized } from "~/lib/directory";
import { MemberSchema, VersionSchema } from "~/lib/directory-schemas";
import { foundOr404 } from "~/lib/found.server";
import { titleFrom } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { ConflictError, DuplicateError } from "~/models/errors";
import { getMember, updateMember } from "~/models/member.server";

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const member = await foundOr404(args.params.memberId, (id) => getMember(getDb(), { id }));
  const url = new URL(args.request.url);
  return {
    member: {
      id: member.id,
      version: member.version,
      title: localized(member.names, args.context.locale),
      defaults: {
        country: member.country,
        kind: member.kind,
        status: member.status,
        names: member.names,
        nameKana: member.nameKana ?? "",
        headTitle: member.headTitle,
        defaultLocale: member.defaultLocale,
        timeZone: member.timeZone,
        officeEmail: member.officeEmail ?? "",
        postalAddress: member.postalAddress ?? "",
        notes: member.notes ?? "",
      },
    },
    conflict: url.searchParams.get("conflict") === "1",
    countries: countryOptions(args.context.locale),
    timeZones: Intl.supportedValuesOf("timeZone"),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const id = args.params.memberId ?? "";
  const formData = await readForm(args.request);
  const submission = parseWithZod(formData, { schema: MemberSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  const version = VersionSchema.safeParse(formData.get("version"));
  if (!version.success) throw new Response("Bad Request", { status: 400 });
  const db = getDb();
  try {
    await audited(db, (trx) => updateMember(trx, { id, version: version.data, input: submission.value }), {
      actor: user,
      action: "directory.member_updated",
      objectType: "member",
      objectId: id,
      ip: args.context.clientIp,
    });
  } catch (error) {
    // Someone saved meanwhile: show them the current data instead of overwriting it.
    if (error instanceof ConflictError) return redirect(`/members/${id}/edit?conflict=1`);
    if (error instanceof DuplicateError) {
      return Response.json({ result: submission.reply({ fieldErrors: { "names.en": ["directory:validation.duplicateMember"] } }) }, { status: 409 });
    }
    throw error;
  }
  return redirect(`/members/${id}?saved=1`);
}

export const handle = {
  title: titleFrom<typeof loader>((data) => (data?.member ? { key: "directory:members.edit", values: { name: data.member.title } } : null)),
};

export default function EditMemberRoute() {
  const { t } = useTranslation("directory");
  const { member, conflict, countries, timeZones } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{t("members.edit", { name: member.title })}</h1>
      {conflict ? (
        <p className="notice" role="alert">
          {t("form.conflict")}
        </p>
      ) : null}
      <MemberForm
        key={member.version}
        lastResult={actionData?.result}
        defaultValue={member.defaults}
        version={member.version}
        countries={countries}
        timeZones={timeZones}
        cancelTo={`/members/${member.id}`}
        submitLabel={t("form.save")}
      />
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
