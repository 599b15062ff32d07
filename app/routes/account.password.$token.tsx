import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { getSessionCookie } from "~/auth.server";
import { AuthShell } from "~/components/auth-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors, formErrorsOf, useZodForm } from "~/components/forms";
import { getDb } from "~/db.server";
import { PUBLIC_FORM_LIMITS, readForm } from "~/lib/bounded-form.server";
import { titleFrom } from "~/lib/page-title";
import { hashPassword } from "~/lib/password.server";
import { NewPasswordSchema, PASSWORD_MIN } from "~/lib/validation";
import { checkRateLimit, hitRateLimit } from "~/models/rate-limit.server";
import { findUsableStaffToken, setPasswordWithToken, StaffTokenUnusableError } from "~/models/staff-token.server";
import type { RootData } from "~/root";

const SetPasswordSchema = z
  .object({
    password: NewPasswordSchema,
    confirmPassword: z.string({ error: "validation.required" }),
  })
  .refine((value) => value.password === value.confirmPassword, { path: ["confirmPassword"], message: "validation.passwordsDiffer" });

/** Like the reply links (RELIABILITY T7): more than 30 unusable links from one client in 10 minutes → 429. */
const MISS_RULE = { limit: 30, windowSeconds: 10 * 60 };
const HEADERS = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "same-origin" };

/**
 * Unknown, malformed, used and expired links, and links of disabled accounts: one status, one page, one set
 * of headers, so the page tells nothing about which accounts exist.
 */
async function usableOrNotFound(token: string | undefined, clientIp: string) {
  const db = getDb();
  const key = `staff-link-miss:${clientIp}`;
  if ((await checkRateLimit(db, key, MISS_RULE)).limited) throw new Response("Too Many Requests", { status: 429, headers: HEADERS });
  const link = await findUsableStaffToken(db, { token: token ?? "" });
  if (!link) {
    await hitRateLimit(db, key, MISS_RULE);
    throw new Response("Not Found", { status: 404, headers: HEADERS });
  }
  return link;
}

/** The link from an invitation or a password reset email: a GET only shows the form (mail scanners open links). */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const link = await usableOrNotFound(params.token, context.clientIp);
  return Response.json({ locale: context.locale, purpose: link.purpose, email: link.email, displayName: link.displayName }, { headers: HEADERS });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await usableOrNotFound(params.token, context.clientIp);
  const submission = parseWithZod(await readForm(request, PUBLIC_FORM_LIMITS), { schema: SetPasswordSchema });
  if (submission.status !== "success") {
    return Response.json({ result: submission.reply({ hideFields: ["password", "confirmPassword"] }) }, { status: 400, headers: HEADERS });
  }
  try {
    const { sessionToken } = await setPasswordWithToken(getDb(), {
      token: params.token ?? "",
      passwordHash: await hashPassword(submission.value.password),
      ip: context.clientIp,
      userAgent: request.headers.get("User-Agent"),
      previousSession: context.sessionToken,
    });
    return redirect("/", { headers: { "Set-Cookie": await getSessionCookie().serialize(sessionToken), ...HEADERS } });
  } catch (error) {
    // the same link posted twice at once: the first sets the password, the second finds it used
    if (error instanceof StaffTokenUnusableError) throw new Response("Not Found", { status: 404, headers: HEADERS });
    throw error;
  }
}

export const headers = () => HEADERS;

export const handle = {
  i18n: ["common", "auth", "staff"],
  title: titleFrom<typeof loader>((data) =>
    data && "purpose" in data ? { key: data.purpose === "invite" ? "staff:setPassword.inviteTitle" : "staff:setPassword.resetTitle" } : null,
  ),
};

export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

export default function SetPasswordRoute() {
  const { t } = useTranslation("staff");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useZodForm(SetPasswordSchema, { id: "set-password", lastResult: actionData?.result });
  return (
    <AuthShell locale={data.locale}>
      <h1>{data.purpose === "invite" ? t("setPassword.inviteTitle") : t("setPassword.resetTitle")}</h1>
      <p className="lead">{t(data.purpose === "invite" ? "setPassword.inviteLead" : "setPassword.resetLead", { name: data.displayName })}</p>
      <Form method="post" {...getFormProps(form)} reloadDocument>
        <FormErrors errors={formErrorsOf(actionData?.result)} />
        {/* lets password managers file the new password under the right account */}
        <input type="email" name="username" value={data.email} autoComplete="username" readOnly hidden />
        <p>
          {t("setPassword.account")} <strong>{data.email}</strong>
        </p>
        <Field
          meta={fields.password}
          label={t("setPassword.password")}
          type="password"
          autoComplete="new-password"
          hint={t("auth:setup.passwordHint", { count: PASSWORD_MIN })}
          autoFocus
        />
        <Field meta={fields.confirmPassword} label={t("setPassword.confirmPassword")} type="password" autoComplete="new-password" />
        <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
          {t("setPassword.submit")}
        </button>
      </Form>
    </AuthShell>
  );
}

/** The one page for every link that cannot be used, in the reader's language. */
export function ErrorBoundary() {
  const { t } = useTranslation("staff");
  const root = useRouteLoaderData<RootData>("root");
  const error = useRouteError();
  if (!isRouteErrorResponse(error) || ![404, 429].includes(error.status)) return <GeneralErrorBoundary />;
  const tooMany = error.status === 429;
  return (
    <AuthShell locale={root?.locale}>
      <h1>{tooMany ? t("setPassword.tooManyTitle") : t("setPassword.invalidTitle")}</h1>
      <p>{tooMany ? t("setPassword.tooManyBody") : t("setPassword.invalidBody")}</p>
    </AuthShell>
  );
}
