import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors, formErrorsOf, SelectField, useZodForm } from "~/components/forms";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { htmlLang, languageNames, supportedLngs } from "~/i18n";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import type { PageTitle } from "~/lib/page-title";
import { EmailSchema, LngSchema, singleLine } from "~/lib/validation";
import { inviteStaff } from "~/mail/staff.server";
import { DuplicateError } from "~/models/errors";
import { getStaffTimeZone } from "~/models/secretariat.server";
import { listStaffAccounts } from "~/models/staff-user.server";
import { STAFF_ROLES } from "../../db/schema";

const InviteSchema = z.object({
  email: EmailSchema,
  displayName: singleLine(100),
  role: z.enum(STAFF_ROLES, { error: "validation.required" }),
  // empty = the invitee has not chosen: the email goes in the inviting administrator's language
  locale: z.preprocess((value) => (value === "" ? undefined : value), LngSchema.optional()),
});

/** Staff accounts (administrators only): who can sign in, with which role, and inviting a colleague. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "admin");
  const [accounts, zone] = await Promise.all([listStaffAccounts(getDb()), getStaffTimeZone(getDb())]);
  const when = (at: Date | string | null) => (at ? formatDateTimeZoned(new Date(at), args.context.locale, zone) : null);
  return {
    accounts: accounts.map((a) => ({
      id: a.id,
      displayName: a.displayName,
      email: a.email,
      role: a.role,
      status: a.status,
      lastSignInAt: when(a.lastSignInAt),
    })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const admin = requireUser(args, "admin");
  const formData = await readForm(args.request);
  if (formData.get("intent") !== "invite") throw new Response("Bad Request", { status: 400 });
  const submission = parseWithZod(formData, { schema: InviteSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  try {
    const account = await inviteStaff(getDb(), {
      env: getEnv(),
      admin,
      adminLocale: args.context.locale,
      input: { ...submission.value, locale: submission.value.locale ?? null },
      ip: args.context.clientIp,
    });
    return redirect(`/settings/staff/${account.id}?done=invited`);
  } catch (error) {
    if (!(error instanceof DuplicateError)) throw error;
    return Response.json({ result: submission.reply({ fieldErrors: { email: ["staff:invite.exists"] } }) }, { status: 409 });
  }
}

export const handle = { i18n: ["common", "staff"], title: "staff:list.title" satisfies PageTitle };

const STATUS_BADGE = { active: "status-open", invited: "status-closed", disabled: "status-cancelled" } as const;

export default function StaffAccountsRoute() {
  const { t } = useTranslation("staff");
  const { accounts } = useLoaderData<typeof loader>();
  const actionData = useActionData<{ result?: SubmissionResult<string[]> }>();
  const navigation = useNavigation();
  const [form, fields] = useZodForm(InviteSchema, { id: "invite", defaultValue: { role: "staff", locale: "" }, lastResult: actionData?.result });
  return (
    <>
      <h2>{t("list.title")}</h2>
      <p className="muted">{t("list.lead")}</p>
      <div className="table-wrap">
        <table className="data-table">
          <caption className="visually-hidden">{t("list.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("fields.displayName")}</th>
              <th scope="col">{t("fields.email")}</th>
              <th scope="col">{t("fields.role")}</th>
              <th scope="col">{t("fields.status")}</th>
              <th scope="col" className="hide-narrow">
                {t("fields.lastSignIn")}
              </th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link to={`/settings/staff/${a.id}`}>{a.displayName}</Link>
                </td>
                <td className="small">{a.email}</td>
                <td>{t(`common:roles.${a.role}`)}</td>
                <td>
                  <span className={`badge ${STATUS_BADGE[a.status]}`}>{t(`status.${a.status}`)}</span>
                </td>
                <td className="small hide-narrow">{a.lastSignInAt ?? t("list.never")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="panel" aria-labelledby="invite-heading">
        <h3 id="invite-heading">{t("invite.title")}</h3>
        <p className="muted">{t("invite.lead")}</p>
        <Form method="post" {...getFormProps(form)} className="stacked-form">
          <input type="hidden" name="intent" value="invite" />
          <FormErrors errors={formErrorsOf(actionData?.result)} />
          <div className="form-grid">
            <Field meta={fields.displayName} label={t("fields.displayName")} autoComplete="off" />
            <Field meta={fields.email} label={t("fields.email")} type="email" autoComplete="off" />
            <SelectField meta={fields.role} label={t("fields.role")} hint={t("invite.roleHint")}>
              {STAFF_ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`common:roles.${role}`)}
                </option>
              ))}
            </SelectField>
            <SelectField meta={fields.locale} label={t("fields.language")} hint={t("invite.languageHint")}>
              <option value="">{t("invite.languageMine")}</option>
              {supportedLngs.map((lng) => (
                <option key={lng} value={lng} lang={htmlLang[lng]}>
                  {languageNames[lng]}
                </option>
              ))}
            </SelectField>
          </div>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
              {t("invite.submit")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
