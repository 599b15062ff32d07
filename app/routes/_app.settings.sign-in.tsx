import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CheckboxField, Field, FormErrors, formErrorsOf, SelectField, useZodForm } from "~/components/forms";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { actionError, actionErrorOf, describeActionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { VersionSchema } from "~/lib/directory-schemas";
import { isSsoConfigured, ssoRedirectUri } from "~/lib/oidc.server";
import type { PageTitle } from "~/lib/page-title";
import { SSO_ROLES } from "~/lib/sso";
import { CheckboxSchema } from "~/lib/validation";
import { ConflictError } from "~/models/errors";
import { getSignInSettings, hasSignedInWithSso, updateSignInSettings } from "~/models/sso.server";

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const SignInSettingsSchema = z
  .object({
    version: VersionSchema,
    passwordSignIn: CheckboxSchema,
    ssoProvisioning: CheckboxSchema,
    ssoRole: z.enum(SSO_ROLES, { error: "validation.required" }),
    // "near.example.org, example.org": one or more domains, separated by commas or spaces
    ssoDomains: z
      .string()
      .max(1000, "validation.tooLong#1000")
      .default("")
      .transform((value) => [...new Set(value.split(/[\s,;]+/).map((domain) => domain.trim().replace(/^@/, "").toLowerCase()))].filter(Boolean))
      .refine((domains) => domains.every((domain) => DOMAIN.test(domain)), "sso:settings.validation.domain"),
  })
  .refine((value) => !value.ssoProvisioning || value.ssoDomains.length > 0, { path: ["ssoDomains"], message: "sso:settings.validation.domainsRequired" });

/** Settings → Sign-in (administrators): how staff sign in, and what single sign-on may do with unknown addresses. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "admin");
  const env = getEnv();
  const db = getDb();
  const configured = isSsoConfigured(env);
  return {
    sso: configured
      ? { issuer: env.OIDC_ISSUER!, clientId: env.OIDC_CLIENT_ID!, providerName: env.OIDC_PROVIDER_NAME ?? null, redirectUri: ssoRedirectUri(env) }
      : null,
    passwordForced: env.PASSWORD_SIGN_IN === "always",
    settings: await getSignInSettings(db),
    signedInWithSso: configured ? await hasSignedInWithSso(db, { id: user.id }) : false,
    saved: new URL(args.request.url).searchParams.get("saved") === "1",
  };
}

type ActionData = { result: SubmissionResult<string[]> };

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "admin");
  const db = getDb();
  const submission = parseWithZod(await readForm(args.request), { schema: SignInSettingsSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() } satisfies ActionData, { status: 400 });
  const { version, ...input } = submission.value;
  // Nobody may be locked out: password sign-in goes off only when single sign-on works for this administrator.
  if (!input.passwordSignIn) {
    if (!isSsoConfigured()) return actionError("sso:settings.errors.notConfigured", 409);
    if (!(await hasSignedInWithSso(db, { id: user.id }))) return actionError("sso:settings.errors.signInWithSsoFirst", 409);
  }
  try {
    await updateSignInSettings(db, { version, input, actor: user, ip: args.context.clientIp });
  } catch (error) {
    if (error instanceof ConflictError) return actionError("sso:settings.errors.conflict", 409);
    throw error;
  }
  return redirect("/settings/sign-in?saved=1");
}

export const handle = { i18n: ["common", "settings", "staff", "sso"], title: "sso:settings.title" satisfies PageTitle };

export default function SignInSettingsRoute() {
  const { t } = useTranslation("sso");
  const { sso, passwordForced, settings, signedInWithSso, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData | { error: { key: string } }>();
  const navigation = useNavigation();
  const refused = actionErrorOf(actionData);
  const [form, fields] = useZodForm(SignInSettingsSchema, {
    id: `sign-in-${settings.version}`,
    defaultValue: {
      version: String(settings.version),
      passwordSignIn: settings.passwordSignIn ? "on" : undefined,
      ssoProvisioning: settings.ssoProvisioning ? "on" : undefined,
      ssoRole: settings.ssoRole,
      ssoDomains: settings.ssoDomains.join(", "),
    },
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
  });
  return (
    <>
      <h2>{t("settings.title")}</h2>
      <p className="muted">{t("settings.intro")}</p>
      {saved && !actionData ? (
        <p className="notice success" role="status">
          {t("settings.saved")}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="sso-provider-heading">
        <h3 id="sso-provider-heading">{t("settings.provider")}</h3>
        {sso ? (
          <dl className="facts">
            <dt>{t("settings.issuer")}</dt>
            <dd>{sso.issuer}</dd>
            <dt>{t("settings.clientId")}</dt>
            <dd>{sso.clientId}</dd>
            <dt>{t("settings.redirectUri")}</dt>
            <dd>
              <code>{sso.redirectUri}</code>
            </dd>
          </dl>
        ) : (
          <p>{t("settings.notConfigured")}</p>
        )}
        {passwordForced ? (
          <p className="notice warning" role="status">
            {t("settings.passwordForced")}
          </p>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="sign-in-heading">
        <h3 id="sign-in-heading">{t("settings.choices")}</h3>
        <Form method="post" {...getFormProps(form)} className="stacked-form">
          <input type="hidden" name="version" value={settings.version} />
          <FormErrors errors={formErrorsOf(actionData && "result" in actionData ? actionData.result : undefined)} />
          {refused ? (
            <div className="form-errors" role="alert">
              <p>{describeActionError(t, refused)}</p>
            </div>
          ) : null}
          <CheckboxField meta={fields.passwordSignIn} label={t("settings.passwordSignIn")} />
          <p className="field-hint">{sso && !signedInWithSso ? t("settings.passwordSignInHintFirst") : t("settings.passwordSignInHint")}</p>
          <CheckboxField meta={fields.ssoProvisioning} label={t("settings.provisioning")} />
          <p className="field-hint">{t("settings.provisioningHint")}</p>
          <div className="form-grid">
            <SelectField meta={fields.ssoRole} label={t("settings.role")} hint={t("settings.roleHint")}>
              {SSO_ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`common:roles.${role}`)}
                </option>
              ))}
            </SelectField>
            <Field meta={fields.ssoDomains} label={t("settings.domains")} hint={t("settings.domainsHint")} />
          </div>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
              {t("settings.save")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
