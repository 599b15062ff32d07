import { type DefaultValue, getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";

import { CheckboxField, Field, FormActions, FormErrors, formErrorsOf, LocalizedFields, SelectField, useZodForm } from "~/components/forms";
import { ProgrammeItemSchema } from "~/lib/event-schemas";
import { PROGRAMME_KINDS } from "../../db/schema";

export function ProgrammeForm({
  defaultValue,
  lastResult,
  version,
  timeZone,
  cancelTo,
  submitLabel,
}: {
  defaultValue?: DefaultValue<z.input<typeof ProgrammeItemSchema>>;
  lastResult?: SubmissionResult<string[]>;
  version?: number;
  timeZone: string;
  cancelTo: string;
  submitLabel: string;
}) {
  const { t } = useTranslation("events");
  const [form, fields] = useZodForm(ProgrammeItemSchema, { id: "programme-item", defaultValue, lastResult });
  const missing = (languages: string) => t("directory:form.missingLanguages", { languages });
  const all = t("directory:form.allLanguages");
  return (
    <Form method="post" {...getFormProps(form)} className="stacked-form">
      <FormErrors errors={formErrorsOf(lastResult)} />
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <div className="form-grid">
        <SelectField meta={fields.kind} label={t("fields.kind")}>
          <option value="">{t("directory:form.choose")}</option>
          {PROGRAMME_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`programme.kinds.${k}`)}
            </option>
          ))}
        </SelectField>
        <Field meta={fields.start} label={t("fields.start")} type="datetime-local" hint={t("programme.venueTime", { zone: timeZone })} />
        <Field meta={fields.end} label={t("fields.end")} type="datetime-local" />
      </div>
      <LocalizedFields legend={t("fields.title")} fieldset={fields.title.getFieldset()} required missingLabel={missing} allPresentLabel={all} />
      <LocalizedFields legend={t("programme.place")} fieldset={fields.place.getFieldset()} missingLabel={missing} allPresentLabel={all} />
      <LocalizedFields legend={t("fields.description")} fieldset={fields.description.getFieldset()} missingLabel={missing} allPresentLabel={all} multiline />
      <div className="form-grid">
        <CheckboxField meta={fields.attendanceAsked} label={t("programme.askAttendance")} />
        <Field meta={fields.capacity} label={t("programme.capacity")} type="number" hint={t("programme.capacityHint")} />
      </div>
      <FormActions submitLabel={submitLabel} cancelTo={cancelTo} cancelLabel={t("directory:form.cancel")} />
    </Form>
  );
}
