import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { getSessionCookie, requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction, FormErrors, formErrorsOf, SelectField, useZodForm } from "~/components/forms";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { languageNames } from "~/i18n";
import { actionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import { foundOr404 } from "~/lib/found.server";
import { titleFrom } from "~/lib/page-title";
import { sendStaffLink } from "~/mail/staff.server";
import { getSecondFactors } from "~/models/second-factor.server";
import { getStaffTimeZone } from "~/models/secretariat.server";
import { changeStaffRole, disableStaffUser, enableStaffUser, getStaffAccount, LastAdminError } from "~/models/staff-user.server";
import { resetUserSecondFactors } from "~/services/second-factor.server";
import { STAFF_ROLES } from "../../db/schema";

// zod must be configured jitless before this module builds its schema (the CSP forbids eval)
import "~/lib/validation";

const RoleSchema = z.object({ role: z.enum(STAFF_ROLES, { error: "validation.required" }) });

const DONE = ["invited", "role", "disabled", "enabled", "resent", "reset", "secondFactorsReset"] as const;

function requireAccount(id: string | undefined) {
  return foundOr404(id, (id) => getStaffAccount(getDb(), { id }));
}

/** One staff account (administrators only): role, access, links. */
export async function loader(args: LoaderFunctionArgs) {
  const admin = requireUser(args, "admin");
  const account = await requireAccount(args.params.userId);
  const done = new URL(args.request.url).searchParams.get("done");
  const zone = await getStaffTimeZone(getDb());
  const factors = await getSecondFactors(getDb(), { userId: account.id });
  const when = (at: Date | string | null) => (at ? formatDateTimeZoned(new Date(at), args.context.locale, zone) : null);
  return {
    isSelf: account.id === admin.id,
    localMailbox: !getEnv().SMTP_URL,
    done: DONE.find((d) => d === done) ?? null,
    account: {
      id: account.id,
      displayName: account.displayName,
      email: account.email,
      role: account.role,
      status: account.status,
      locale: account.locale,
      invitedByName: account.invitedByName,
      invitedAt: when(account.invitedAt),
      lastSignInAt: when(account.lastSignInAt),
      disabledAt: when(account.disabledAt),
    },
    secondFactors: { totp: Boolean(factors.totp?.confirmed), passkeys: factors.passkeys.length },
  };
}

type ActionData = { result?: SubmissionResult<string[]> };

export async function action(args: ActionFunctionArgs) {
  const admin = requireUser(args, "admin");
  const account = await requireAccount(args.params.userId);
  const db = getDb();
  const ip = args.context.clientIp;
  const here = `/settings/staff/${account.id}`;
  const formData = await readForm(args.request);
  const intent = formData.get("intent");
  try {
    switch (intent) {
      case "role": {
        const submission = parseWithZod(formData, { schema: RoleSchema });
        if (submission.status !== "success") return Response.json({ result: submission.reply() } satisfies ActionData, { status: 400 });
        await changeStaffRole(db, { id: account.id, role: submission.value.role, actor: admin, ip });
        // an administrator who gave up their own role can no longer open this page
        if (account.id === admin.id && submission.value.role !== "admin") return redirect("/settings");
        return redirect(`${here}?done=role`);
      }
      case "disable": {
        await disableStaffUser(db, { id: account.id, actor: admin, ip });
        if (account.id === admin.id) {
          return redirect("/login?ended=1", { headers: { "Set-Cookie": await getSessionCookie().serialize("", { maxAge: 0 }) } });
        }
        return redirect(`${here}?done=disabled`);
      }
      case "reset-second-factors":
        await resetUserSecondFactors(db, { admin, account, ip });
        return redirect(`${here}?done=secondFactorsReset`);
      case "enable":
        await enableStaffUser(db, { id: account.id, actor: admin, ip });
        return redirect(`${here}?done=enabled`);
      case "resend":
      case "reset": {
        const outcome = await sendStaffLink(db, {
          env: getEnv(),
          admin,
          adminLocale: args.context.locale,
          userId: account.id,
          purpose: intent === "resend" ? "invite" : "reset",
          ip,
        });
        if (outcome !== "sent") return actionError("staff:detail.linkNotApplicable", 409);
        return redirect(`${here}?done=${intent === "resend" ? "resent" : "reset"}`);
      }
      default:
        throw new Response("Bad Request", { status: 400 });
    }
  } catch (error) {
    if (error instanceof LastAdminError) return actionError("staff:detail.lastAdmin", 409);
    throw error;
  }
}

export const handle = {
  i18n: ["common", "staff", "security"],
  title: titleFrom<typeof loader>((data) => (data?.account?.displayName ? { text: data.account.displayName } : null)),
};

const STATUS_BADGE = { active: "status-open", invited: "status-closed", disabled: "status-cancelled" } as const;

export default function StaffAccountRoute() {
  const { t } = useTranslation("staff");
  const { account, isSelf, localMailbox, done, secondFactors } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  const [form, fields] = useZodForm(RoleSchema, { id: "role", defaultValue: { role: account.role }, lastResult: actionData?.result });
  const disabled = account.status === "disabled";
  return (
    <>
      <p className="breadcrumb">
        <Link to="/settings/staff">{t("list.title")}</Link>
      </p>
      <h2>
        {account.displayName} <span className={`badge ${STATUS_BADGE[account.status]}`}>{t(`status.${account.status}`)}</span>
      </h2>
      {done ? (
        <div className="notice success" role="status">
          <p>{done === "secondFactorsReset" ? t("security:staff.resetDone", { email: account.email }) : t(`detail.done.${done}`, { email: account.email })}</p>
          {localMailbox && ["invited", "resent", "reset"].includes(done) ? (
            <p>
              {t("detail.localMailbox")} <Link to="/mail">{t("detail.openMailLog")}</Link>
            </p>
          ) : null}
        </div>
      ) : null}
      <ActionErrorAlert data={actionData} />

      <section className="panel" aria-labelledby="facts-heading">
        <h3 id="facts-heading">{t("detail.facts")}</h3>
        <dl className="facts">
          <dt>{t("fields.email")}</dt>
          <dd>{account.email}</dd>
          <dt>{t("fields.role")}</dt>
          <dd>{t(`common:roles.${account.role}`)}</dd>
          <dt>{t("fields.language")}</dt>
          <dd>{account.locale ? languageNames[account.locale] : t("account.languageAuto")}</dd>
          {account.invitedAt ? (
            <>
              <dt>{t("fields.invited")}</dt>
              <dd>
                {account.invitedAt}
                {account.invitedByName ? ` · ${t("detail.invitedBy", { name: account.invitedByName })}` : null}
              </dd>
            </>
          ) : null}
          <dt>{t("security:staff.label")}</dt>
          <dd>
            {[
              secondFactors.totp ? t("security:staff.totp") : null,
              secondFactors.passkeys ? t("security:staff.passkeys", { count: secondFactors.passkeys }) : null,
            ]
              .filter(Boolean)
              .join(" · ") || t("security:staff.none")}
          </dd>
          <dt>{t("fields.lastSignIn")}</dt>
          <dd>{account.lastSignInAt ?? t("list.never")}</dd>
          {account.disabledAt ? (
            <>
              <dt>{t("fields.disabled")}</dt>
              <dd>{account.disabledAt}</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section className="panel" aria-labelledby="role-heading">
        <h3 id="role-heading">{t("detail.roleTitle")}</h3>
        <p className="muted">{t("detail.roleLead")}</p>
        <Form method="post" {...getFormProps(form)} className="stacked-form">
          <input type="hidden" name="intent" value="role" />
          <FormErrors errors={formErrorsOf(actionData?.result)} />
          <SelectField meta={fields.role} label={t("fields.role")}>
            {STAFF_ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`common:roles.${role}`)}
              </option>
            ))}
          </SelectField>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
              {t("detail.changeRole")}
            </button>
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="access-heading">
        <h3 id="access-heading">{t("detail.accessTitle")}</h3>
        {account.status === "invited" ? (
          <>
            <p className="muted">{t("detail.invitedLead")}</p>
            <Form method="post">
              <button type="submit" name="intent" value="resend" className="button">
                {t("detail.resend")}
              </button>
            </Form>
          </>
        ) : null}
        {account.status === "active" ? (
          <ConfirmAction label={t("detail.reset")} question={t("detail.resetConfirm", { email: account.email })} intent="intent" value="reset" />
        ) : null}
        {secondFactors.totp || secondFactors.passkeys ? (
          <ConfirmAction
            label={t("security:staff.reset")}
            question={t("security:staff.resetConfirm", { name: account.displayName })}
            intent="intent"
            value="reset-second-factors"
          />
        ) : null}
        {disabled ? (
          <>
            <p className="muted">{t("detail.disabledLead")}</p>
            <Form method="post">
              <button type="submit" name="intent" value="enable" className="button">
                {t("detail.enable")}
              </button>
            </Form>
          </>
        ) : (
          <ConfirmAction
            className="danger-zone"
            label={t("detail.disable")}
            question={isSelf ? t("detail.disableSelfConfirm") : t("detail.disableConfirm", { name: account.displayName })}
            intent="intent"
            value="disable"
            danger
          />
        )}
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
