import { type DefaultValue, getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";

import { type CountryOption, CountryOptions, LanguageOptions } from "~/components/directory";
import { Field, FormActions, FormErrors, formErrorsOf, LocalizedFields, SelectField, TextAreaField, useZodForm } from "~/components/forms";
import { GuestSchema } from "~/lib/guest-schemas";
import { GUEST_KINDS } from "../../db/schema";

export type GuestFormDefaults = DefaultValue<z.input<typeof GuestSchema>>;

/** A guest's directory entry (issue 18 §3): kind, names per language, country, email, letter language, notes. */
export function GuestForm({
  defaultValue,
  lastResult,
  countries,
  version,
  cancelTo,
  submitLabel,
}: {
  defaultValue?: GuestFormDefaults;
  lastResult?: SubmissionResult<string[]>;
  countries: CountryOption[];
  version?: number;
  cancelTo: string;
  submitLabel: string;
}) {
  const { t } = useTranslation("guests");
  const { t: td } = useTranslation("directory");
  const [form, fields] = useZodForm(GuestSchema, { id: "guest", defaultValue, lastResult });
  return (
    <Form method="post" {...getFormProps(form)} className="stacked-form">
      <FormErrors errors={formErrorsOf(lastResult)} />
      <input type="hidden" name="intent" value="save" />
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <LocalizedFields
        legend={t("fields.names")}
        fieldset={fields.names.getFieldset()}
        required
        missingLabel={(languages) => td("form.missingLanguages", { languages })}
        allPresentLabel={td("form.allLanguages")}
      />
      <div className="form-grid">
        <SelectField meta={fields.kind} label={t("fields.kind")}>
          <option value="">{td("form.choose")}</option>
          {GUEST_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kinds.${k}`)}
            </option>
          ))}
        </SelectField>
        <SelectField meta={fields.country} label={t("fields.country")}>
          <option value="">{td("form.choose")}</option>
          <CountryOptions countries={countries} />
        </SelectField>
        <Field meta={fields.email} label={t("fields.email")} type="email" />
        <SelectField meta={fields.defaultLocale} label={t("fields.defaultLocale")}>
          <LanguageOptions />
        </SelectField>
      </div>
      <TextAreaField meta={fields.notes} label={t("fields.notes")} rows={3} />
      <FormActions submitLabel={submitLabel} cancelTo={cancelTo} cancelLabel={t("cancel")} />
    </Form>
  );
}
