import { type DefaultValue, getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";

import { Field, FormActions, FormErrors, formErrorsOf, LocalizedFields, useZodForm } from "~/components/forms";
import { SubcommitteeSchema } from "~/lib/directory-schemas";

export type SubcommitteeFormValue = z.input<typeof SubcommitteeSchema>;
type MemberChoice = { id: string; name: string; country: string; selected: boolean; coordinator: boolean };

/** Names in six languages and the member list, with coordinators marked; members grouped by country. */
export function SubcommitteeForm({
  defaultValue,
  lastResult,
  version,
  members,
  cancelTo,
  submitLabel,
}: {
  defaultValue?: DefaultValue<SubcommitteeFormValue>;
  lastResult?: SubmissionResult<string[]>;
  version?: number;
  members: (MemberChoice & { countryName: string })[];
  cancelTo: string;
  submitLabel: string;
}) {
  const { t } = useTranslation("directory");
  const [form, fields] = useZodForm(SubcommitteeSchema, { id: "subcommittee", defaultValue, lastResult });
  const countries = [...new Set(members.map((m) => m.countryName))];
  return (
    <Form method="post" {...getFormProps(form)} className="stacked-form">
      <FormErrors errors={formErrorsOf(lastResult)} />
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <Field meta={fields.number} label={t("subcommittees.number")} />
      <LocalizedFields
        legend={t("fields.names")}
        fieldset={fields.names.getFieldset()}
        required
        missingLabel={(languages) => t("form.missingLanguages", { languages })}
        allPresentLabel={t("form.allLanguages")}
      />
      <fieldset className="group">
        <legend>{t("subcommittees.members")}</legend>
        <p className="field-hint">{t("subcommittees.membersHint")}</p>
        {countries.map((country) => (
          <div key={country} className="member-picker">
            <h3>{country}</h3>
            <ul>
              {members
                .filter((m) => m.countryName === country)
                .map((m) => (
                  <li key={m.id}>
                    <label className="checkbox">
                      <input type="checkbox" name="memberIds" value={m.id} defaultChecked={m.selected} /> {m.name}
                    </label>
                    <label className="checkbox small">
                      <input type="checkbox" name="coordinatorIds" value={m.id} defaultChecked={m.coordinator} /> {t("subcommittees.coordinator")}
                    </label>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </fieldset>
      <FormActions submitLabel={submitLabel} cancelTo={cancelTo} cancelLabel={t("form.cancel")} />
    </Form>
  );
}
