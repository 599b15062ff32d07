import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { hasRole, requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction, Field, FormErrors, formErrorsOf, SelectField, useZodForm } from "~/components/forms";
import { PasskeyRegister, RecoveryCodes, TotpSecret } from "~/components/second-factor";
import { getDb } from "~/db.server";
import { actionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import type { PageTitle } from "~/lib/page-title";
import { totpQrDataUrl } from "~/lib/second-factor.server";
import { checkRateLimit, hitRateLimit, resetRateLimit } from "~/models/rate-limit.server";
import { getSecondFactorPolicy, getSecondFactors, hasSecondFactor, policyRequiresSecondFactor } from "~/models/second-factor.server";
import { getStaffTimeZone } from "~/models/secretariat.server";
import { changeSecondFactorPolicy, confirmTotp, regenerateRecoveryCodes, removeSecondFactor, totpEnrolment } from "~/services/second-factor.server";
import { SECOND_FACTOR_POLICIES } from "../../db/schema";

// zod must be configured jitless before this module builds its schema (the CSP forbids eval)
import "~/lib/validation";

const ConfirmTotpSchema = z.object({
  code: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(16, "validation.tooLong#16"),
});
const PolicySchema = z.object({ policy: z.enum(SECOND_FACTOR_POLICIES, { error: "validation.required" }) });
const PasskeyIdSchema = z.object({ id: z.uuid() });

/** Wrong codes while setting up an authenticator app: 5 per account in 15 minutes. */
const CONFIRM_RULE = { limit: 5, windowSeconds: 15 * 60 };

/** Two-factor sign-in of the signed-in user (every role), and for administrators who must have one. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const db = getDb();
  const [factors, policy, zone] = await Promise.all([getSecondFactors(db, { userId: user.id }), getSecondFactorPolicy(db), getStaffTimeZone(db)]);
  const when = (at: Date | string | null) => (at ? formatDateTimeZoned(new Date(at), args.context.locale, zone) : null);
  const setup = factors.totp && !factors.totp.confirmed ? await totpEnrolment(db, user, { create: false }) : null;
  return {
    isAdmin: hasRole(user, "admin"),
    policy,
    required: policyRequiresSecondFactor(policy, user.role),
    enabled: hasSecondFactor(factors),
    totp: factors.totp?.confirmed ? { since: when(factors.totp.createdAt) } : null,
    totpSetup: setup ? { secret: setup.secret, qr: await totpQrDataUrl(setup.uri) } : null,
    recoveryCodesLeft: factors.recoveryCodesLeft,
    passkeys: factors.passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: when(p.createdAt), lastUsedAt: when(p.lastUsedAt) })),
  };
}

type ActionData = { form?: "totp" | "policy"; result?: SubmissionResult<string[]>; recoveryCodes?: string[] | null };

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args);
  const db = getDb();
  const ip = args.context.clientIp;
  const formData = await readForm(args.request);
  const intent = formData.get("intent");

  switch (intent) {
    case "totp-start":
      await totpEnrolment(db, user);
      return redirect("/settings/security");
    case "totp-confirm": {
      const submission = parseWithZod(formData, { schema: ConfirmTotpSchema });
      const fail = (status: number, formErrors?: string[]) =>
        Response.json({ form: "totp", result: submission.reply({ formErrors, hideFields: ["code"] }) } satisfies ActionData, { status });
      if (submission.status !== "success") return fail(400);
      const key = `totp-confirm:${user.id}`;
      const limit = await checkRateLimit(db, key, CONFIRM_RULE);
      if (limit.limited) return fail(429, [`auth:login.tooManyAttempts#${Math.max(1, Math.ceil(limit.retryAfterSeconds / 60))}`]);
      const confirmed = await confirmTotp(db, { user, code: submission.value.code, ip });
      if (!confirmed) {
        await hitRateLimit(db, key, CONFIRM_RULE);
        return fail(400, ["security:verify.wrongCode"]);
      }
      await resetRateLimit(db, key);
      return Response.json({ form: "totp", recoveryCodes: confirmed.recoveryCodes } satisfies ActionData);
    }
    case "totp-remove":
    case "passkey-remove": {
      const passkey = intent === "passkey-remove" ? PasskeyIdSchema.safeParse({ id: formData.get("id") }) : null;
      if (passkey && !passkey.success) return actionError("security:errors.notFound", 404);
      const factor = passkey?.success ? { kind: "passkey" as const, id: passkey.data.id } : { kind: "totp" as const };
      const outcome = await removeSecondFactor(db, { user, factor, ip });
      if (outcome === "required") return actionError("security:errors.lastFactorRequired", 409);
      if (outcome === "missing") return actionError("security:errors.notFound", 404);
      return redirect("/settings/security");
    }
    case "recovery-codes": {
      if (!hasSecondFactor(await getSecondFactors(db, { userId: user.id }))) return actionError("security:errors.noFactor", 409);
      return Response.json({ recoveryCodes: await regenerateRecoveryCodes(db, { user, ip }) } satisfies ActionData);
    }
    case "policy": {
      if (!hasRole(user, "admin")) throw new Response("Forbidden", { status: 403 });
      const submission = parseWithZod(formData, { schema: PolicySchema });
      if (submission.status !== "success") return Response.json({ form: "policy", result: submission.reply() } satisfies ActionData, { status: 400 });
      await changeSecondFactorPolicy(db, { admin: user, policy: submission.value.policy, ip });
      return redirect("/settings/security");
    }
    default:
      throw new Response("Bad Request", { status: 400 });
  }
}

export const handle = { i18n: ["common", "settings", "security"], title: "security:page.title" satisfies PageTitle };

export default function SettingsSecurityRoute() {
  const { t } = useTranslation("security");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const revalidator = useRevalidator();
  const [addedCodes, setAddedCodes] = useState<string[] | null>(null);
  const [totpForm, totpFields] = useZodForm(ConfirmTotpSchema, { id: "totp-confirm", lastResult: actionData?.form === "totp" ? actionData.result : undefined });
  const [policyForm, policyFields] = useZodForm(PolicySchema, {
    id: "policy",
    defaultValue: { policy: data.policy },
    lastResult: actionData?.form === "policy" ? actionData.result : undefined,
  });
  const shownCodes = actionData?.recoveryCodes ?? addedCodes;

  return (
    <>
      <h2>{t("page.title")}</h2>
      <p className="lead">{data.enabled ? t("page.on") : data.required ? t("page.requiredOff") : t("page.off")}</p>
      <ActionErrorAlert data={actionData} />
      {shownCodes ? <RecoveryCodes codes={shownCodes} /> : null}

      <section className="panel" aria-labelledby="totp-heading">
        <h3 id="totp-heading">{t("totp.title")}</h3>
        {data.totp ? (
          <>
            <p>{t("totp.active", { date: data.totp.since })}</p>
            <ConfirmAction label={t("totp.remove")} question={t("totp.removeConfirm")} intent="intent" value="totp-remove" danger />
          </>
        ) : data.totpSetup ? (
          <>
            <p>{t("totp.steps")}</p>
            <TotpSecret qr={data.totpSetup.qr} secret={data.totpSetup.secret} />
            <Form method="post" {...getFormProps(totpForm)} className="stacked-form">
              <input type="hidden" name="intent" value="totp-confirm" />
              <FormErrors errors={formErrorsOf(actionData?.form === "totp" ? actionData.result : undefined)} />
              <Field meta={totpFields.code} label={t("totp.confirmLabel")} autoComplete="one-time-code" />
              <div className="form-actions">
                <button type="submit" className="button primary">
                  {t("totp.confirm")}
                </button>
              </div>
            </Form>
            <Form method="post">
              <button type="submit" name="intent" value="totp-remove" className="button">
                {t("totp.cancel")}
              </button>
            </Form>
          </>
        ) : (
          <>
            <p className="muted">{t("totp.lead")}</p>
            <Form method="post">
              <button type="submit" name="intent" value="totp-start" className="button primary">
                {t("totp.start")}
              </button>
            </Form>
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="passkeys-heading">
        <h3 id="passkeys-heading">{t("passkey.title")}</h3>
        <p className="muted">{t("passkey.lead")}</p>
        {data.passkeys.length ? (
          <ul className="passkeys">
            {data.passkeys.map((passkey) => (
              <li key={passkey.id}>
                <strong>{passkey.name}</strong>{" "}
                <span className="muted small">
                  {t("passkey.added", { date: passkey.createdAt })}
                  {passkey.lastUsedAt ? ` · ${t("passkey.lastUsed", { date: passkey.lastUsedAt })}` : null}
                </span>
                <ConfirmAction
                  label={t("passkey.remove")}
                  question={t("passkey.removeConfirm", { name: passkey.name })}
                  intent="intent"
                  value="passkey-remove"
                  hidden={{ id: passkey.id }}
                  danger
                />
              </li>
            ))}
          </ul>
        ) : null}
        <PasskeyRegister
          endpoint="/settings/security/passkey"
          onAdded={(added) => {
            setAddedCodes(added.recoveryCodes ?? null);
            revalidator.revalidate();
          }}
        />
      </section>

      <section className="panel" aria-labelledby="recovery-heading">
        <h3 id="recovery-heading">{t("recovery.title")}</h3>
        {data.enabled ? (
          <>
            <p>{t("recovery.left", { count: data.recoveryCodesLeft })}</p>
            <ConfirmAction label={t("recovery.regenerate")} question={t("recovery.regenerateConfirm")} intent="intent" value="recovery-codes" />
          </>
        ) : (
          <p className="muted">{t("recovery.needFactor")}</p>
        )}
      </section>

      {data.isAdmin ? (
        <section className="panel" aria-labelledby="policy-heading">
          <h3 id="policy-heading">{t("policy.title")}</h3>
          <p className="muted">{t("policy.lead")}</p>
          <Form method="post" {...getFormProps(policyForm)} className="stacked-form">
            <input type="hidden" name="intent" value="policy" />
            <SelectField meta={policyFields.policy} label={t("policy.label")}>
              {SECOND_FACTOR_POLICIES.map((policy) => (
                <option key={policy} value={policy}>
                  {t(`policy.options.${policy}`)}
                </option>
              ))}
            </SelectField>
            <div className="form-actions">
              <button type="submit" className="button primary">
                {t("policy.save")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
