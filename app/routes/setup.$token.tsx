import { getFormProps } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { AuthShell } from "~/components/auth-shell";
import { Field, FormErrors, formErrorsOf, useZodForm } from "~/components/forms";
import { getDb } from "~/db.server";
import { PUBLIC_FORM_LIMITS, readForm } from "~/lib/bounded-form.server";
import type { PageTitle } from "~/lib/page-title";
import { hashPassword } from "~/lib/password.server";
import { EmailSchema, NewPasswordSchema, singleLine } from "~/lib/validation";
import { createFirstAdmin, isSetupTokenValid, SetupTokenInvalidError } from "~/models/setup-token.server";

const SetupSchema = z
  .object({
    displayName: singleLine(100),
    email: EmailSchema,
    password: NewPasswordSchema,
    confirmPassword: z.string({ error: "validation.required" }),
  })
  .refine((value) => value.password === value.confirmPassword, {
    path: ["confirmPassword"],
    message: "validation.passwordsDiffer",
  });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const valid = await isSetupTokenValid(getDb(), { token: params.token ?? "" });
  return { valid, locale: context.locale };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request, PUBLIC_FORM_LIMITS), { schema: SetupSchema });
  if (submission.status !== "success") {
    return Response.json({ result: submission.reply({ hideFields: ["password", "confirmPassword"] }) }, { status: 400 });
  }
  const { displayName, email, password } = submission.value;
  try {
    await createFirstAdmin(getDb(), {
      token: params.token ?? "",
      displayName,
      email,
      passwordHash: await hashPassword(password),
      locale: context.locale,
      ip: context.clientIp,
    });
  } catch (error) {
    if (!(error instanceof SetupTokenInvalidError)) throw error;
    return Response.json(
      { result: submission.reply({ formErrors: ["auth:setup.invalidLink"], hideFields: ["password", "confirmPassword"] }) },
      { status: 410 },
    );
  }
  return redirect("/login?created=1");
}

export const handle = { i18n: ["common", "auth"], title: "auth:setup.title" satisfies PageTitle };

export default function SetupRoute() {
  const { t } = useTranslation("auth");
  const { valid, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useZodForm(SetupSchema, { id: "setup", lastResult: actionData?.result });
  return (
    <AuthShell locale={locale}>
      {valid ? (
        <>
          <h1>{t("setup.title")}</h1>
          <p className="lead">{t("setup.lead")}</p>
          <Form method="post" {...getFormProps(form)}>
            <FormErrors errors={formErrorsOf(actionData?.result)} />
            <Field meta={fields.displayName} label={t("setup.displayName")} autoComplete="name" autoFocus />
            <Field meta={fields.email} label={t("setup.email")} type="email" autoComplete="username" />
            <Field
              meta={fields.password}
              label={t("setup.password")}
              type="password"
              autoComplete="new-password"
              hint={t("setup.passwordHint", { count: 12 })}
            />
            <Field meta={fields.confirmPassword} label={t("setup.confirmPassword")} type="password" autoComplete="new-password" />
            <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
              {t("setup.submit")}
            </button>
          </Form>
        </>
      ) : (
        <>
          <h1>{t("setup.invalidTitle")}</h1>
          <p>{t("setup.invalidBody")}</p>
        </>
      )}
    </AuthShell>
  );
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
