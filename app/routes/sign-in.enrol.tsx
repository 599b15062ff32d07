import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { AuthShell } from "~/components/auth-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors, formErrorsOf, useZodForm } from "~/components/forms";
import { PasskeyRegister, RecoveryCodes, TotpSecret } from "~/components/second-factor";
import { getDb } from "~/db.server";
import { PUBLIC_FORM_LIMITS, readForm } from "~/lib/bounded-form.server";
import type { PageTitle } from "~/lib/page-title";
import { totpQrDataUrl } from "~/lib/second-factor.server";
import {
  checkSecondStep,
  confirmTotp,
  failSecondStep,
  findPendingSignIn,
  finishSignIn,
  redirectAfterSignIn,
  requirePendingSignIn,
  totpEnrolment,
} from "~/services/second-factor.server";

const ConfirmTotpSchema = z.object({
  code: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(16, "validation.tooLong#16"),
});

/**
 * Enrolment at sign-in: the administrator requires a second factor and this user has none yet (or had theirs
 * reset). The password was right; the session starts once an authenticator app or a passkey is set up.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const db = getDb();
  // after a successful enrolment the pending sign-in is gone while the page still shows the recovery codes
  const pending = await findPendingSignIn(db, request);
  if (!pending) return { locale: context.locale, ended: true as const };
  if (pending.purpose !== "enrol") throw redirect("/sign-in/verify");
  const enrolment = await totpEnrolment(db, pending.user);
  return {
    locale: context.locale,
    ended: false as const,
    email: pending.user.email,
    totp: enrolment ? { secret: enrolment.secret, qr: await totpQrDataUrl(enrolment.uri) } : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const pending = await requirePendingSignIn(db, request, "enrol");
  const submission = parseWithZod(await readForm(request, PUBLIC_FORM_LIMITS), { schema: ConfirmTotpSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply({ hideFields: ["code"] }) }, { status: 400 });
  const verdict = await checkSecondStep(db, pending, context.clientIp);
  if (!verdict.allowed) {
    const seconds = verdict.retryAfterSeconds;
    const message = seconds < 120 ? `auth:login.throttledSeconds#${seconds}` : `auth:login.throttledMinutes#${Math.ceil(seconds / 60)}`;
    return Response.json({ result: submission.reply({ formErrors: [message], hideFields: ["code"] }) }, { status: 429 });
  }
  const confirmed = await confirmTotp(db, { user: pending.user, code: submission.value.code, ip: context.clientIp });
  if (!confirmed) {
    if (await failSecondStep(db, pending, context.clientIp)) throw redirect("/login?ended=1");
    return Response.json({ result: submission.reply({ formErrors: ["security:verify.wrongCode"], hideFields: ["code"] }) }, { status: 400 });
  }
  const headers = await finishSignIn(db, { pending, method: "enrolled", request, context });
  if (!headers) throw redirect("/login?ended=1");
  return Response.json({ recoveryCodes: confirmed.recoveryCodes, redirectTo: redirectAfterSignIn(pending) }, { headers });
}

export const handle = { i18n: ["common", "auth", "security"], title: "security:enrol.title" satisfies PageTitle };

type Enrolled = { recoveryCodes?: string[] | null; redirectTo?: string };

export default function SignInEnrolRoute() {
  const { t } = useTranslation("security");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [byPasskey, setByPasskey] = useState<Enrolled | null>(null);
  const [form, fields] = useZodForm(ConfirmTotpSchema, { id: "enrol-totp", lastResult: actionData && "result" in actionData ? actionData.result : undefined });
  const enrolled: Enrolled | null = byPasskey ?? (actionData && "redirectTo" in actionData ? actionData : null);

  if (enrolled) {
    return (
      <AuthShell locale={data.locale}>
        <h1>{t("enrol.doneTitle")}</h1>
        <p className="lead">{t("enrol.doneLead")}</p>
        {enrolled.recoveryCodes ? <RecoveryCodes codes={enrolled.recoveryCodes} /> : null}
        <p>
          <a className="button primary" href={enrolled.redirectTo ?? "/"}>
            {t("enrol.continue")}
          </a>
        </p>
      </AuthShell>
    );
  }
  if (data.ended) {
    return (
      <AuthShell locale={data.locale}>
        <h1>{t("enrol.title")}</h1>
        <p className="notice">{t("verify.ended")}</p>
        <p>
          <a className="button primary" href="/login">
            {t("verify.startOver")}
          </a>
        </p>
      </AuthShell>
    );
  }
  return (
    <AuthShell locale={data.locale}>
      <h1>{t("enrol.title")}</h1>
      <p className="lead">{t("enrol.lead", { email: data.email })}</p>
      {data.totp ? (
        <section aria-labelledby="enrol-totp-heading">
          <h2 id="enrol-totp-heading">{t("totp.title")}</h2>
          <p>{t("totp.steps")}</p>
          <TotpSecret qr={data.totp.qr} secret={data.totp.secret} />
          <Form method="post" {...getFormProps(form)} reloadDocument>
            <FormErrors errors={formErrorsOf(actionData && "result" in actionData ? actionData.result : undefined)} />
            <Field meta={fields.code} label={t("totp.confirmLabel")} autoComplete="one-time-code" />
            <button type="submit" className="button primary">
              {t("totp.confirm")}
            </button>
          </Form>
        </section>
      ) : null}
      <section aria-labelledby="enrol-passkey-heading">
        <h2 id="enrol-passkey-heading">{t("passkey.title")}</h2>
        <p>{t("passkey.lead")}</p>
        <PasskeyRegister endpoint="/sign-in/passkey" onAdded={setByPasskey} />
      </section>
      <p className="small">
        <a href="/login">{t("verify.startOver")}</a>
      </p>
    </AuthShell>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
