import { type DefaultValue, getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";

import { LanguageOptions } from "~/components/directory";
import { CheckboxField, Field, FormActions, FormErrors, formErrorsOf, LocalizedFields, SelectField, useZodForm } from "~/components/forms";
import { ContactSchema } from "~/lib/directory-schemas";

export type ContactFormValue = z.input<typeof ContactSchema>;

/**
 * One name model for five cultures: native-script parts (family + given for CJK; + patronymic for Russian;
 * patronymic + given + clan for Mongolian) and the Latin spelling exactly as in the passport.
 */
export function ContactForm({
  defaultValue,
  lastResult,
  version,
  cancelTo,
  submitLabel,
}: {
  defaultValue?: DefaultValue<ContactFormValue>;
  lastResult?: SubmissionResult<string[]>;
  version?: number;
  cancelTo: string;
  submitLabel: string;
}) {
  const { t } = useTranslation("directory");
  const [form, fields] = useZodForm(ContactSchema, { id: "contact", defaultValue, lastResult });
  return (
    <Form method="post" {...getFormProps(form)} className="stacked-form">
      <FormErrors errors={formErrorsOf(lastResult)} />
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <fieldset className="group">
        <legend>{t("contacts.nameNative")}</legend>
        <p className="field-hint">{t("contacts.nameHint")}</p>
        <div className="form-grid">
          <SelectField meta={fields.nameLocale} label={t("fields.nameLocale")}>
            <LanguageOptions />
          </SelectField>
          <Field meta={fields.familyName} label={t("fields.familyName")} hint={t("contacts.familyHint")} />
          <Field meta={fields.givenName} label={t("fields.givenName")} />
          <Field meta={fields.patronymic} label={t("fields.patronymic")} hint={t("contacts.patronymicHint")} />
          <Field meta={fields.clanName} label={t("fields.clanName")} hint={t("contacts.clanHint")} />
        </div>
      </fieldset>
      <fieldset className="group">
        <legend>{t("contacts.nameLatin")}</legend>
        <p className="field-hint">{t("contacts.latinHint")}</p>
        <div className="form-grid">
          <Field meta={fields.latinFamilyName} label={t("fields.latinFamilyName")} />
          <Field meta={fields.latinGivenName} label={t("fields.latinGivenName")} />
        </div>
      </fieldset>
      <div className="form-grid">
        <SelectField meta={fields.gender} label={t("fields.gender")} hint={t("contacts.genderHint")}>
          <option value="">{t("genders.unspecified")}</option>
          <option value="female">{t("genders.female")}</option>
          <option value="male">{t("genders.male")}</option>
        </SelectField>
        <SelectField meta={fields.honorific} label={t("fields.honorific")}>
          <option value="">{t("honorifics.none")}</option>
          {(["mr", "ms", "dr", "prof", "excellency"] as const).map((h) => (
            <option key={h} value={h}>
              {t(`honorifics.${h}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <LocalizedFields
        legend={t("fields.position")}
        fieldset={fields.position.getFieldset()}
        missingLabel={(languages) => t("form.missingLanguages", { languages })}
        allPresentLabel={t("form.allLanguages")}
      />
      <fieldset className="group">
        <legend>{t("contacts.roles")}</legend>
        <CheckboxField meta={fields.isHead} label={t("contacts.isHead")} />
        <CheckboxField meta={fields.isFocalPoint} label={t("contacts.isFocalPoint")} />
      </fieldset>
      <div className="form-grid">
        <Field meta={fields.emails} label={t("fields.emails")} hint={t("contacts.emailsHint")} />
        <Field meta={fields.phone} label={t("fields.phone")} type="tel" />
        <SelectField meta={fields.preferredLocale} label={t("fields.preferredLocale")} hint={t("contacts.preferredLocaleHint")}>
          <option value="">{t("contacts.memberDefault")}</option>
          <LanguageOptions />
        </SelectField>
      </div>
      <FormActions submitLabel={submitLabel} cancelTo={cancelTo} cancelLabel={t("form.cancel")} />
    </Form>
  );
}
