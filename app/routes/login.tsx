import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { getSessionCookie, safeRedirect } from "~/auth.server";
import { AuthShell } from "~/components/auth-shell";
import { Field, FormErrors, formErrorsOf, useZodForm } from "~/components/forms";
import { SsoSignInLink } from "~/components/sso";
import { getDb } from "~/db.server";
import { PUBLIC_FORM_LIMITS, readForm } from "~/lib/bounded-form.server";
import type { PageTitle } from "~/lib/page-title";
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from "~/lib/password.server";
import { EmailSchema } from "~/lib/validation";
import { audited } from "~/models/audit.server";
import { checkSignIn, clearSignInFailures, recordRefusedSignIn, recordSignInFailure } from "~/models/sign-in-throttle.server";
import { createStaffSession, deleteStaffSession } from "~/models/staff-session.server";
import { getStaffUserForSignIn, recordSignIn } from "~/models/staff-user.server";
import { beginSecondStep } from "~/services/second-factor.server";
import { getSignInOptions } from "~/services/sso.server";

const SignInSchema = z.object({
  email: EmailSchema,
  password: z.string({ error: "validation.required" }).max(256, "validation.tooLong#256"),
  redirectTo: z.string().optional(),
});

/** A refused attempt says when to try again (the action's Retry-After reaches the page response). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers();
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (context.user) throw redirect(safeRedirect(url.searchParams.get("redirectTo")));
  return {
    locale: context.locale,
    ended: url.searchParams.get("ended") === "1" || context.sessionEnded,
    created: url.searchParams.get("created") === "1",
    signedOut: url.searchParams.get("signedOut") === "1",
    redirectTo: safeRedirect(url.searchParams.get("redirectTo"), ""),
    signIn: await getSignInOptions(getDb()),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const submission = parseWithZod(await readForm(request, PUBLIC_FORM_LIMITS), { schema: SignInSchema });
  if (submission.status !== "success") {
    return Response.json({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const { email, password, redirectTo } = submission.value;
  // an administrator switched password sign-in off (Settings → Sign-in): single sign-on only
  if (!(await getSignInOptions(db)).password) {
    return Response.json({ result: submission.reply({ formErrors: ["sso:login.passwordOff"], hideFields: ["password"] }) }, { status: 403 });
  }
  // Issue 13 §5: waits grow per (address, client) pair, with a ceiling per client; see sign-in-throttle.server.ts
  const who = { address: email, client: context.clientIp };
  const verdict = await checkSignIn(db, who);
  if (!verdict.allowed) {
    await recordRefusedSignIn(db, who);
    const seconds = verdict.retryAfterSeconds;
    const message = seconds < 120 ? `auth:login.throttledSeconds#${seconds}` : `auth:login.throttledMinutes#${Math.ceil(seconds / 60)}`;
    return Response.json(
      { result: submission.reply({ formErrors: [message], hideFields: ["password"] }) },
      { status: 429, headers: { "Retry-After": String(seconds) } },
    );
  }

  const account = await getStaffUserForSignIn(db, { email });
  // Invited colleagues who have not set a password yet cannot sign in (same timing as an unknown address).
  const ok =
    account && !account.disabledAt && account.passwordHash ? await verifyPassword(account.passwordHash, password) : await verifyDummyPassword(password);
  if (!account || account.disabledAt || !account.passwordHash || !ok) {
    await recordSignInFailure(db, who);
    return Response.json({ result: submission.reply({ formErrors: ["auth:login.invalid"], hideFields: ["password"] }) }, { status: 400 });
  }

  // Two-factor sign-in: a user with a second factor, or one the policy asks to enrol, gets a pending sign-in, not a session
  const secondStep = await beginSecondStep(db, { account, redirectTo, client: context.clientIp });
  if (secondStep) return secondStep;

  // A new session id at every sign-in; the one sent before (if any) is destroyed (no fixation).
  // The session, the sign-in's bookkeeping and its audit row commit together.
  const rehashed = needsRehash(account.passwordHash) ? await hashPassword(password) : undefined;
  const token = await audited(
    db,
    async (trx) => {
      if (context.sessionToken) await deleteStaffSession(trx, { token: context.sessionToken });
      const token = await createStaffSession(trx, { userId: account.id, ip: context.clientIp, userAgent: request.headers.get("User-Agent") });
      await recordSignIn(trx, { id: account.id, passwordHash: rehashed });
      await clearSignInFailures(trx, who);
      return token;
    },
    { actor: { id: account.id, email: account.email }, action: "auth.sign_in", ip: context.clientIp },
  );
  return redirect(safeRedirect(redirectTo), {
    headers: { "Set-Cookie": await getSessionCookie().serialize(token) },
  });
}

export const handle = { i18n: ["common", "auth", "sso"], title: "auth:login.title" satisfies PageTitle };

export default function LoginRoute() {
  const { t } = useTranslation("auth");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useZodForm(SignInSchema, { id: "sign-in", lastResult: actionData?.result });
  return (
    <AuthShell locale={data.locale}>
      <h1>{t("login.title")}</h1>
      <p className="lead">{t("login.lead")}</p>
      {data.ended ? (
        <p className="notice" role="status">
          {t("login.sessionEnded")}
        </p>
      ) : null}
      {data.created ? (
        <p className="notice success" role="status">
          {t("login.adminCreated")}
        </p>
      ) : null}
      {data.signedOut ? (
        <p className="notice" role="status">
          {t("login.signedOut")}
        </p>
      ) : null}
      {data.signIn.sso ? (
        <p className="sso-sign-in">
          <SsoSignInLink providerName={data.signIn.sso.providerName} redirectTo={data.redirectTo} primary={!data.signIn.password} />
        </p>
      ) : null}
      {data.signIn.password ? (
        <>
          {data.signIn.sso ? <p className="muted small">{t("sso:login.or")}</p> : null}
          <Form method="post" {...getFormProps(form)} reloadDocument>
            <FormErrors errors={formErrorsOf(actionData?.result)} />
            <RedirectInput value={data.redirectTo} />
            <Field meta={fields.email} label={t("login.email")} type="email" autoComplete="username" autoFocus />
            <Field meta={fields.password} label={t("login.password")} type="password" autoComplete="current-password" />
            <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
              {navigation.state === "submitting" ? t("login.submitting") : t("login.submit")}
            </button>
          </Form>
          <p className="muted small">{t("login.help")}</p>
        </>
      ) : (
        <p className="muted small">{t("sso:login.passwordOffHelp")}</p>
      )}
    </AuthShell>
  );
}

function RedirectInput({ value }: { value?: string | null }) {
  return value ? <input type="hidden" name="redirectTo" value={value} /> : null;
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
