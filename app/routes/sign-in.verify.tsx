import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { AuthShell } from "~/components/auth-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors, formErrorsOf, useZodForm } from "~/components/forms";
import { PasskeySignIn } from "~/components/second-factor";
import { getDb } from "~/db.server";
import { PUBLIC_FORM_LIMITS, readForm } from "~/lib/bounded-form.server";
import type { PageTitle } from "~/lib/page-title";
import { getSecondFactors } from "~/models/second-factor.server";
import {
  checkRecoveryCode,
  checkSecondStep,
  checkTotpCode,
  failSecondStep,
  finishSignIn,
  redirectAfterSignIn,
  requirePendingSignIn,
} from "~/services/second-factor.server";

const SecondStepSchema = z.object({
  method: z.enum(["totp", "recovery_code"]),
  code: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(64, "validation.tooLong#64"),
});

export const headers: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers();
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

/** The second step of a sign-in: a code from the authenticator app, a passkey, or a recovery code. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const db = getDb();
  const pending = await requirePendingSignIn(db, request, "verify");
  const factors = await getSecondFactors(db, { userId: pending.user.id });
  return {
    locale: context.locale,
    email: pending.user.email,
    hasTotp: Boolean(factors.totp?.confirmed),
    hasPasskeys: factors.passkeys.length > 0,
    recovery: new URL(request.url).searchParams.get("with") === "recovery",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const pending = await requirePendingSignIn(db, request, "verify");
  const submission = parseWithZod(await readForm(request, PUBLIC_FORM_LIMITS), { schema: SecondStepSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply({ hideFields: ["code"] }) }, { status: 400 });
  const verdict = await checkSecondStep(db, pending, context.clientIp);
  if (!verdict.allowed) {
    const seconds = verdict.retryAfterSeconds;
    const message = seconds < 120 ? `auth:login.throttledSeconds#${seconds}` : `auth:login.throttledMinutes#${Math.ceil(seconds / 60)}`;
    return Response.json(
      { result: submission.reply({ formErrors: [message], hideFields: ["code"] }) },
      { status: 429, headers: { "Retry-After": String(seconds) } },
    );
  }
  const { method, code } = submission.value;
  const userId = pending.user.id;
  const ok = method === "totp" ? await checkTotpCode(db, { userId, code }) : await checkRecoveryCode(db, { userId, code });
  if (!ok) {
    if (await failSecondStep(db, pending, context.clientIp)) throw redirect("/login?ended=1");
    const message = method === "totp" ? "security:verify.wrongCode" : "security:verify.wrongRecoveryCode";
    return Response.json({ result: submission.reply({ formErrors: [message], hideFields: ["code"] }) }, { status: 400 });
  }
  const headers = await finishSignIn(db, { pending, method, request, context });
  if (!headers) throw redirect("/login?ended=1");
  return redirect(redirectAfterSignIn(pending), { headers });
}

export const handle = { i18n: ["common", "auth", "security"], title: "security:verify.title" satisfies PageTitle };

export default function SignInVerifyRoute() {
  const { t } = useTranslation("security");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const recovery = data.recovery || !data.hasTotp;
  const method = recovery ? "recovery_code" : "totp";
  const [form, fields] = useZodForm(SecondStepSchema, { id: `second-step-${method}`, lastResult: actionData?.result });
  return (
    <AuthShell locale={data.locale}>
      <h1>{t("verify.title")}</h1>
      <p className="lead">{t("verify.lead", { email: data.email })}</p>
      {data.hasPasskeys ? (
        <section aria-labelledby="passkey-heading">
          <h2 id="passkey-heading">{t("verify.passkeyTitle")}</h2>
          <PasskeySignIn endpoint="/sign-in/passkey" />
        </section>
      ) : null}
      {data.hasTotp || recovery ? (
        <section aria-labelledby="code-heading">
          <h2 id="code-heading">{recovery ? t("verify.recoveryTitle") : t("verify.totpTitle")}</h2>
          <Form method="post" {...getFormProps(form)} reloadDocument>
            <FormErrors errors={formErrorsOf(actionData?.result)} />
            <input type="hidden" name="method" value={method} />
            <Field
              meta={fields.code}
              label={recovery ? t("verify.recoveryLabel") : t("verify.codeLabel")}
              hint={recovery ? t("verify.recoveryHint") : t("verify.codeHint")}
              autoComplete={recovery ? "off" : "one-time-code"}
              autoFocus={!data.hasPasskeys}
            />
            <button type="submit" className="button primary">
              {t("verify.submit")}
            </button>
          </Form>
        </section>
      ) : null}
      {data.hasTotp ? (
        <p className="muted small">
          {recovery ? <a href="/sign-in/verify">{t("verify.useApp")}</a> : <a href="/sign-in/verify?with=recovery">{t("verify.useRecovery")}</a>}
        </p>
      ) : null}
      <p className="muted small">{t("verify.lostDevice")}</p>
      <p className="small">
        <a href="/login">{t("verify.startOver")}</a>
      </p>
    </AuthShell>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
