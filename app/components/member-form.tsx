import { type DefaultValue, getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";

import { type CountryOption, CountryOptions, LanguageOptions } from "~/components/directory";
import { Field, FormActions, FormErrors, formErrorsOf, LocalizedFields, SelectField, TextAreaField, useZodForm } from "~/components/forms";
import { MEMBER_KINDS, MEMBER_STATUSES } from "~/lib/directory";
import { MemberSchema } from "~/lib/directory-schemas";

export type MemberFormValue = z.input<typeof MemberSchema>;
export type MemberFormDefaults = DefaultValue<MemberFormValue>;

export function MemberForm({
  defaultValue,
  lastResult,
  countries,
  timeZones,
  version,
  cancelTo,
  submitLabel,
}: {
  defaultValue?: MemberFormDefaults;
  lastResult?: SubmissionResult<string[]>;
  countries: CountryOption[];
  timeZones: string[];
  version?: number;
  cancelTo: string;
  submitLabel: string;
}) {
  const { t } = useTranslation("directory");
  const [form, fields] = useZodForm(MemberSchema, { id: "member", defaultValue, lastResult });
  const missing = (languages: string) => t("form.missingLanguages", { languages });
  return (
    <Form method="post" {...getFormProps(form)} className="stacked-form">
      <FormErrors errors={formErrorsOf(lastResult)} />
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <LocalizedFields
        legend={t("fields.names")}
        fieldset={fields.names.getFieldset()}
        required
        missingLabel={missing}
        allPresentLabel={t("form.allLanguages")}
      />
      <Field meta={fields.nameKana} label={t("fields.nameKana")} hint={t("form.nameKanaHint")} />
      <div className="form-grid">
        <SelectField meta={fields.country} label={t("fields.country")}>
          <option value="">{t("form.choose")}</option>
          <CountryOptions countries={countries} />
        </SelectField>
        <SelectField meta={fields.kind} label={t("fields.kind")}>
          <option value="">{t("form.choose")}</option>
          {MEMBER_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kinds.${k}`)}
            </option>
          ))}
        </SelectField>
        <SelectField meta={fields.status} label={t("fields.status")}>
          {MEMBER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`statuses.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField meta={fields.defaultLocale} label={t("fields.defaultLocale")} hint={t("form.defaultLocaleHint")}>
          <LanguageOptions />
        </SelectField>
        <div className="field">
          <Field meta={fields.timeZone} label={t("fields.timeZone")} hint={t("form.timeZoneHint")} list="time-zones" />
          <datalist id="time-zones">
            {timeZones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </div>
        <Field meta={fields.officeEmail} label={t("fields.officeEmail")} type="email" hint={t("form.officeEmailHint")} />
      </div>
      <LocalizedFields
        legend={t("fields.headTitle")}
        fieldset={fields.headTitle.getFieldset()}
        missingLabel={missing}
        allPresentLabel={t("form.allLanguages")}
      />
      <TextAreaField meta={fields.postalAddress} label={t("fields.postalAddress")} rows={3} />
      <TextAreaField meta={fields.notes} label={t("fields.notes")} rows={3} />
      <FormActions submitLabel={submitLabel} cancelTo={cancelTo} cancelLabel={t("form.cancel")} />
    </Form>
  );
}
