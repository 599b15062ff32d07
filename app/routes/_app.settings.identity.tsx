import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { LanguageOptions } from "~/components/directory";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction, Field, FormErrors, formErrorsOf, LocalizedFields, SelectField, useZodForm } from "~/components/forms";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { type ActionError, actionError, describeActionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { isTimeZone, localized } from "~/lib/directory";
import { optionalLongTexts, requiredTexts, VersionSchema } from "~/lib/directory-schemas";
import { checkLogo, MAX_LOGO_BYTES, MAX_LOGO_PIXELS_PER_SIDE } from "~/lib/logo.server";
import type { PageTitle } from "~/lib/page-title";
import { LngSchema, OptionalEmailSchema, optionalLine } from "~/lib/validation";
import { parseMailFrom } from "~/mail/transport.server";
import { ConflictError } from "~/models/errors";
import { getSecretariat, removeLogo, type Secretariat, setLogo, updateSecretariat } from "~/models/secretariat.server";

const isWebAddress = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && Boolean(url.hostname) && !url.username && !url.password;
  } catch {
    return false;
  }
};

const IdentitySchema = z.object({
  name: requiredTexts(200),
  shortName: optionalLine(40),
  address: optionalLongTexts(500),
  phone: optionalLine(50).refine((value) => !value || /^[+\d\s().\-/]{5,}$/.test(value), "settings:identity.validation.phone"),
  website: optionalLine(200).refine((value) => !value || isWebAddress(value), "settings:identity.validation.website"),
  senderName: optionalLine(100),
  replyTo: OptionalEmailSchema,
  signature: optionalLongTexts(1000),
  timeZone: z.string({ error: "validation.required" }).trim().refine(isTimeZone, "settings:identity.validation.timeZone"),
  defaultLocale: LngSchema,
});

/** What the page shows of the identity; the loader sends it, and so does a 409, so the form shows the saved data. */
function viewOf(identity: Secretariat, locale: Parameters<typeof localized>[1]) {
  return {
    version: identity.version,
    name: localized(identity.name, locale),
    logo: identity.logo ? { url: `/logo?v=${identity.logo.version}`, type: identity.logo.type } : null,
    defaults: {
      name: identity.name,
      shortName: identity.shortName ?? "",
      address: identity.address,
      phone: identity.phone ?? "",
      website: identity.website ?? "",
      senderName: identity.senderName ?? "",
      replyTo: identity.replyTo ?? "",
      signature: identity.signature,
      timeZone: identity.timeZone,
      defaultLocale: identity.defaultLocale,
    },
  };
}
type View = ReturnType<typeof viewOf>;

type ActionData = { form: "identity"; result: SubmissionResult<string[]>; conflict?: View } | { form: "logo"; error: ActionError; conflict?: View };

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "admin");
  const identity = await getSecretariat(getDb());
  return {
    identity: viewOf(identity, args.context.locale),
    timeZones: Intl.supportedValuesOf("timeZone"),
    mailFromAddress: parseMailFrom(getEnv().MAIL_FROM).address,
    // from the .server module, which the browser bundle does not have
    maxLogoKb: MAX_LOGO_BYTES / 1024,
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "admin");
  const db = getDb();
  const ip = args.context.clientIp;
  const conflictView = async () => viewOf(await getSecretariat(db), args.context.locale);

  if ((args.request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    const logoError = (status: number, error: string, values?: Record<string, number>) =>
      actionError(`settings:identity.logo.errors.${error}`, status, values, { form: "logo" });
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(args.request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_LOGO_BYTES }));
    } catch (error) {
      // The rest of the upload is never read; the HTTP layer closes this connection.
      if (error instanceof MaxPartSizeExceededError) return logoError(413, "tooLarge", { max: MAX_LOGO_BYTES / 1024 });
      throw error;
    }
    const version = VersionSchema.safeParse(form.get("version"));
    if (!version.success) throw new Response("Bad Request", { status: 400 });
    const file = form.get("logo");
    if (!(file instanceof File) || file.size === 0) return logoError(400, "noFile");
    const checked = checkLogo(new Uint8Array(await file.arrayBuffer()));
    if (!checked.ok) {
      const status = checked.problem === "tooLarge" ? 413 : checked.problem === "format" ? 415 : 400;
      return logoError(status, checked.problem, { max: checked.problem === "pngDimensions" ? MAX_LOGO_PIXELS_PER_SIDE : MAX_LOGO_BYTES / 1024 });
    }
    try {
      await setLogo(db, { version: version.data, data: checked.data, type: checked.type, width: checked.width, height: checked.height, actor: user, ip });
    } catch (error) {
      if (error instanceof ConflictError) {
        return actionError("settings:identity.conflict", 409, undefined, { form: "logo", conflict: await conflictView() });
      }
      throw error;
    }
    return redirect("/settings/identity?saved=logo");
  }

  const formData = await readForm(args.request);
  const version = VersionSchema.safeParse(formData.get("version"));
  if (!version.success) throw new Response("Bad Request", { status: 400 });

  if (formData.get("intent") === "remove-logo") {
    try {
      await removeLogo(db, { version: version.data, actor: user, ip });
    } catch (error) {
      if (error instanceof ConflictError) {
        return actionError("settings:identity.conflict", 409, undefined, { form: "logo", conflict: await conflictView() });
      }
      throw error;
    }
    return redirect("/settings/identity?saved=logoRemoved");
  }

  const submission = parseWithZod(formData, { schema: IdentitySchema });
  if (submission.status !== "success") return Response.json({ form: "identity", result: submission.reply() } satisfies ActionData, { status: 400 });
  try {
    await updateSecretariat(db, { version: version.data, input: submission.value, actor: user, ip });
  } catch (error) {
    // Someone saved meanwhile: nothing is overwritten; the page shows what is saved now.
    if (error instanceof ConflictError) {
      return Response.json(
        { form: "identity", result: submission.reply({ formErrors: ["settings:identity.conflict"] }), conflict: await conflictView() } satisfies ActionData,
        { status: 409 },
      );
    }
    throw error;
  }
  return redirect("/settings/identity?saved=identity");
}

export const handle = { i18n: ["common", "settings"], title: "settings:identity.title" satisfies PageTitle };

export default function IdentityRoute() {
  const { t } = useTranslation("settings");
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const [params] = useSearchParams();
  const identity = actionData?.conflict ?? loaded.identity;
  const saved = params.get("saved");
  return (
    <>
      <h2>{t("identity.title")}</h2>
      <p className="muted">{t("identity.intro")}</p>
      {actionData?.conflict ? (
        <p className="notice warning" role="alert">
          {t("identity.conflict")}
        </p>
      ) : saved && ["identity", "logo", "logoRemoved"].includes(saved) ? (
        <p className="notice success" role="status">
          {t(`identity.saved.${saved}`)}
        </p>
      ) : null}
      <IdentityForm
        key={`identity-${identity.version}`}
        identity={identity}
        lastResult={actionData?.form === "identity" && !actionData.conflict ? actionData.result : undefined}
        timeZones={loaded.timeZones}
        mailFromAddress={loaded.mailFromAddress}
      />
      <LogoPanel
        key={`logo-${identity.version}`}
        logo={identity.logo}
        name={identity.name}
        version={identity.version}
        maxKb={loaded.maxLogoKb}
        error={actionData?.form === "logo" && !actionData.conflict ? actionData.error : null}
      />
    </>
  );
}

function LogoPanel({ logo, name, version, maxKb, error }: { logo: View["logo"]; name: string; version: number; maxKb: number; error: ActionError | null }) {
  const { t } = useTranslation("settings");
  const navigation = useNavigation();
  return (
    <section className="panel stacked-form logo-panel" aria-labelledby="logo-heading">
      <h3 id="logo-heading">{t("identity.logo.title")}</h3>
      {logo ? (
        <p className="logo-preview">
          <img src={logo.url} alt={t("identity.logo.alt", { name: name || "Plenary" })} height={64} />
        </p>
      ) : (
        <p className="muted">{t("identity.logo.none")}</p>
      )}
      <Form method="post" encType="multipart/form-data" className="stacked-form">
        <input type="hidden" name="version" value={version} />
        <div className="field">
          <label htmlFor="logo-file">{t("identity.logo.file")}</label>
          <p id="logo-hint" className="field-hint">
            {t("identity.logo.hint", { max: maxKb })}
          </p>
          <input
            id="logo-file"
            name="logo"
            type="file"
            accept="image/png,image/svg+xml,.png,.svg"
            required
            aria-describedby={error ? "logo-hint logo-error" : "logo-hint"}
            aria-invalid={error ? true : undefined}
          />
          {error ? (
            <ul id="logo-error" className="field-errors" role="alert">
              <li>{describeActionError(t, error)}</li>
            </ul>
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
            {t("identity.logo.upload")}
          </button>
        </div>
      </Form>
      {logo ? (
        <ConfirmAction
          label={t("identity.logo.remove")}
          question={t("identity.logo.removeConfirm")}
          intent="intent"
          value="remove-logo"
          version={version}
          danger
        />
      ) : null}
    </section>
  );
}

function IdentityForm({
  identity,
  lastResult,
  timeZones,
  mailFromAddress,
}: {
  identity: View;
  lastResult?: SubmissionResult<string[]>;
  timeZones: string[];
  mailFromAddress: string;
}) {
  const { t } = useTranslation("settings");
  const navigation = useNavigation();
  const [form, fields] = useZodForm(IdentitySchema, { id: "identity", defaultValue: identity.defaults, lastResult });
  const missing = (languages: string) => t("identity.missingLanguages", { languages });
  const allPresent = t("identity.allLanguages");
  return (
    <Form method="post" {...getFormProps(form)} className="stacked-form">
      <FormErrors errors={formErrorsOf(lastResult)} />
      <input type="hidden" name="version" value={identity.version} />
      <section className="panel" aria-labelledby="name-heading">
        <h3 id="name-heading">{t("identity.sections.name")}</h3>
        <LocalizedFields legend={t("identity.fields.name")} fieldset={fields.name.getFieldset()} required missingLabel={missing} allPresentLabel={allPresent} />
        <Field meta={fields.shortName} label={t("identity.fields.shortName")} hint={t("identity.fields.shortNameHint")} />
      </section>
      <section className="panel" aria-labelledby="contact-heading">
        <h3 id="contact-heading">{t("identity.sections.contact")}</h3>
        <LocalizedFields
          legend={t("identity.fields.address")}
          fieldset={fields.address.getFieldset()}
          multiline
          missingLabel={missing}
          allPresentLabel={allPresent}
        />
        <div className="form-grid">
          <Field meta={fields.phone} label={t("identity.fields.phone")} type="tel" autoComplete="off" />
          <Field meta={fields.website} label={t("identity.fields.website")} type="url" hint={t("identity.fields.websiteHint")} />
        </div>
      </section>
      <section className="panel" aria-labelledby="email-heading">
        <h3 id="email-heading">{t("identity.sections.email")}</h3>
        <div className="form-grid">
          <Field meta={fields.senderName} label={t("identity.fields.senderName")} hint={t("identity.fields.senderNameHint", { address: mailFromAddress })} />
          <Field meta={fields.replyTo} label={t("identity.fields.replyTo")} type="email" hint={t("identity.fields.replyToHint")} />
        </div>
      </section>
      <section className="panel" aria-labelledby="letters-heading">
        <h3 id="letters-heading">{t("identity.sections.letters")}</h3>
        <LocalizedFields
          legend={t("identity.fields.signature")}
          fieldset={fields.signature.getFieldset()}
          multiline
          missingLabel={(languages) => `${t("identity.fields.signatureHint")} ${missing(languages)}`}
          allPresentLabel={`${t("identity.fields.signatureHint")} ${allPresent}`}
        />
        <div className="form-grid">
          <div className="field">
            <Field meta={fields.timeZone} label={t("identity.fields.timeZone")} hint={t("identity.fields.timeZoneHint")} list="time-zones" />
            <datalist id="time-zones">
              {timeZones.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          </div>
          <SelectField meta={fields.defaultLocale} label={t("identity.fields.defaultLocale")} hint={t("identity.fields.defaultLocaleHint")}>
            <LanguageOptions />
          </SelectField>
        </div>
      </section>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
          {t("identity.save")}
        </button>
      </div>
    </Form>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
