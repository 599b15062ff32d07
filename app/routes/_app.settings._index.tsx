import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { getSessionCookie, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction, Field, FormErrors, formErrorsOf, SelectField, useZodForm } from "~/components/forms";
import { getDb } from "~/db.server";
import { htmlLang, languageNames, supportedLngs } from "~/i18n";
import { readForm } from "~/lib/bounded-form.server";
import type { PageTitle } from "~/lib/page-title";
import { hashPassword, verifyPassword } from "~/lib/password.server";
import { LngSchema, NewPasswordSchema, PASSWORD_MAX, PASSWORD_MIN, singleLine } from "~/lib/validation";
import { audited } from "~/models/audit.server";
import { checkRateLimit, hitRateLimit, resetRateLimit } from "~/models/rate-limit.server";
import { changeOwnPassword, getPasswordHash, signOutEverywhere, updateStaffProfile } from "~/models/staff-user.server";

const ProfileSchema = z.object({
  displayName: singleLine(100),
  // empty = not chosen: the language comes from the browser
  locale: z.preprocess((value) => (value === "" ? undefined : value), LngSchema.optional()),
});

const PasswordSchema = z
  .object({
    currentPassword: z.string({ error: "validation.required" }).max(PASSWORD_MAX, `validation.tooLong#${PASSWORD_MAX}`),
    newPassword: NewPasswordSchema,
    confirmPassword: z.string({ error: "validation.required" }),
  })
  .refine((value) => value.newPassword === value.confirmPassword, { path: ["confirmPassword"], message: "validation.passwordsDiffer" });

/** Wrong current passwords count like failed sign-ins (RELIABILITY A5): 5 per account in 15 minutes. */
const CURRENT_PASSWORD_RULE = { limit: 5, windowSeconds: 15 * 60 };
const PASSWORD_FIELDS = ["currentPassword", "newPassword", "confirmPassword"];

/** My account: every signed-in user's own name, language, password and sessions. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  return {
    user: { displayName: user.displayName, email: user.email, role: user.role, locale: user.locale },
    saved: new URL(args.request.url).searchParams.get("saved"),
  };
}

type ActionData = { form: "profile" | "password"; result: SubmissionResult<string[]> };

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args);
  const { context } = args;
  const db = getDb();
  const formData = await readForm(args.request);
  const intent = formData.get("intent");

  if (intent === "profile") {
    const submission = parseWithZod(formData, { schema: ProfileSchema });
    if (submission.status !== "success") return Response.json({ form: "profile", result: submission.reply() } satisfies ActionData, { status: 400 });
    const { displayName, locale } = submission.value;
    await audited(db, (trx) => updateStaffProfile(trx, { id: user.id, displayName, locale: locale ?? null }), {
      actor: user,
      action: "staff.profile_updated",
      objectType: "staff_user",
      objectId: user.id,
      ip: context.clientIp,
      details: { displayName: displayName !== user.displayName ? displayName : undefined, locale: locale ?? null },
    });
    return redirect("/settings?saved=profile");
  }

  if (intent === "password") {
    const submission = parseWithZod(formData, { schema: PasswordSchema });
    const fail = (status: number, options: Parameters<typeof submission.reply>[0] = {}) =>
      Response.json({ form: "password", result: submission.reply({ ...options, hideFields: PASSWORD_FIELDS }) } satisfies ActionData, { status });
    if (submission.status !== "success") return fail(400);
    const key = `password-change:${user.id}`;
    const limit = await checkRateLimit(db, key, CURRENT_PASSWORD_RULE);
    if (limit.limited) {
      return fail(429, { formErrors: [`auth:login.tooManyAttempts#${Math.max(1, Math.ceil(limit.retryAfterSeconds / 60))}`] });
    }
    const stored = await getPasswordHash(db, { id: user.id });
    if (!stored || !(await verifyPassword(stored, submission.value.currentPassword))) {
      await hitRateLimit(db, key, CURRENT_PASSWORD_RULE);
      return fail(400, { fieldErrors: { currentPassword: ["staff:account.currentPasswordWrong"] } });
    }
    await resetRateLimit(db, key);
    await changeOwnPassword(db, {
      user,
      passwordHash: await hashPassword(submission.value.newPassword),
      keepSession: context.sessionToken ?? "",
      ip: context.clientIp,
    });
    return redirect("/settings?saved=password");
  }

  if (intent === "signOutEverywhere") {
    await signOutEverywhere(db, { user, ip: context.clientIp });
    return redirect("/login?signedOut=1", { headers: { "Set-Cookie": await getSessionCookie().serialize("", { maxAge: 0 }) } });
  }
  throw new Response("Bad Request", { status: 400 });
}

export const handle = { i18n: ["common", "auth", "staff"], title: "staff:account.title" satisfies PageTitle };

export default function MyAccountRoute() {
  const { t } = useTranslation("staff");
  const { user, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [profileForm, profileFields] = useZodForm(ProfileSchema, {
    id: "profile",
    defaultValue: { displayName: user.displayName, locale: user.locale ?? "" },
    lastResult: actionData?.form === "profile" ? actionData.result : undefined,
  });
  const [passwordForm, passwordFields] = useZodForm(PasswordSchema, {
    id: "password",
    lastResult: actionData?.form === "password" ? actionData.result : undefined,
  });
  return (
    <>
      <h2>{t("account.title")}</h2>
      {saved === "profile" || saved === "password" ? (
        <p className="notice success" role="status">
          {t(saved === "profile" ? "account.profileSaved" : "account.passwordChanged")}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="account-heading">
        <h3 id="account-heading">{t("account.facts")}</h3>
        <dl className="facts">
          <dt>{t("fields.email")}</dt>
          <dd>{user.email}</dd>
          <dt>{t("fields.role")}</dt>
          <dd>{t(`common:roles.${user.role}`)}</dd>
        </dl>
      </section>

      <section className="panel" aria-labelledby="profile-heading">
        <h3 id="profile-heading">{t("account.profile")}</h3>
        <Form method="post" {...getFormProps(profileForm)} className="stacked-form">
          <input type="hidden" name="intent" value="profile" />
          <FormErrors errors={formErrorsOf(actionData?.form === "profile" ? actionData.result : undefined)} />
          <div className="form-grid">
            <Field meta={profileFields.displayName} label={t("fields.displayName")} autoComplete="name" />
            <SelectField meta={profileFields.locale} label={t("fields.language")} hint={t("account.languageHint")}>
              <option value="">{t("account.languageAuto")}</option>
              {supportedLngs.map((lng) => (
                <option key={lng} value={lng} lang={htmlLang[lng]}>
                  {languageNames[lng]}
                </option>
              ))}
            </SelectField>
          </div>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy}>
              {t("account.saveProfile")}
            </button>
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="password-heading">
        <h3 id="password-heading">{t("account.password")}</h3>
        <p className="muted">{t("account.passwordLead")}</p>
        <Form method="post" {...getFormProps(passwordForm)} className="stacked-form">
          <input type="hidden" name="intent" value="password" />
          <FormErrors errors={formErrorsOf(actionData?.form === "password" ? actionData.result : undefined)} />
          {/* lets password managers file the change under the right account */}
          <input type="email" name="username" value={user.email} autoComplete="username" readOnly hidden />
          <Field meta={passwordFields.currentPassword} label={t("account.currentPassword")} type="password" autoComplete="current-password" />
          <div className="form-grid">
            <Field
              meta={passwordFields.newPassword}
              label={t("account.newPassword")}
              type="password"
              autoComplete="new-password"
              hint={t("auth:setup.passwordHint", { count: PASSWORD_MIN })}
            />
            <Field meta={passwordFields.confirmPassword} label={t("account.confirmPassword")} type="password" autoComplete="new-password" />
          </div>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy}>
              {t("account.changePassword")}
            </button>
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="sessions-heading">
        <h3 id="sessions-heading">{t("account.sessions")}</h3>
        <p className="muted">{t("account.sessionsLead")}</p>
        <ConfirmAction
          label={t("account.signOutEverywhere")}
          question={t("account.signOutEverywhereConfirm")}
          intent="intent"
          value="signOutEverywhere"
          danger
        />
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
