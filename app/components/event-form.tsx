import { type DefaultValue, getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";

import { Field, FormActions, FormErrors, formErrorsOf, LocalizedFields, SelectField, useZodForm } from "~/components/forms";
import { EventSchema } from "~/lib/event-schemas";
import { EVENT_FORMATS, EVENT_KINDS, PARTICIPANT_CATEGORIES } from "../../db/schema";

export type EventFormValue = z.input<typeof EventSchema>;
export type Choice = { id: string; name: string; group?: string };

export function EventForm({
  defaultValue,
  lastResult,
  version,
  members,
  subcommittees,
  timeZones,
  cancelTo,
  submitLabel,
}: {
  defaultValue?: DefaultValue<EventFormValue>;
  lastResult?: SubmissionResult<string[]>;
  version?: number;
  members: Choice[];
  subcommittees: Choice[];
  timeZones: string[];
  cancelTo: string;
  submitLabel: string;
}) {
  const { t } = useTranslation("events");
  const [form, fields] = useZodForm(EventSchema, { id: "event", defaultValue, lastResult });
  const missing = (languages: string) => t("directory:form.missingLanguages", { languages });
  const all = t("directory:form.allLanguages");
  const groups = [...new Set(members.map((m) => m.group ?? ""))];
  const selectedCategories = new Set((fields.categories.initialValue as string[] | undefined) ?? ["delegate"]);
  return (
    <Form method="post" {...getFormProps(form)} className="stacked-form">
      <FormErrors errors={formErrorsOf(lastResult)} />
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <LocalizedFields legend={t("fields.title")} fieldset={fields.title.getFieldset()} required missingLabel={missing} allPresentLabel={all} />
      <div className="form-grid">
        <SelectField meta={fields.kind} label={t("fields.kind")}>
          <option value="">{t("directory:form.choose")}</option>
          {EVENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kinds.${k}`)}
            </option>
          ))}
        </SelectField>
        <SelectField meta={fields.subcommitteeId} label={t("fields.subcommittee")} hint={t("form.subcommitteeHint")}>
          <option value="">—</option>
          {subcommittees.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <SelectField meta={fields.hostMemberId} label={t("fields.host")}>
          <option value="">{t("form.noHost")}</option>
          {groups.map((group) => (
            <optgroup key={group} label={group}>
              {members
                .filter((m) => (m.group ?? "") === group)
                .map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
            </optgroup>
          ))}
        </SelectField>
      </div>
      <fieldset className="group">
        <legend>{t("form.when")}</legend>
        <p className="field-hint">{t("form.whenHint")}</p>
        <div className="form-grid">
          <div className="field">
            <Field meta={fields.timeZone} label={t("fields.timeZone")} hint={t("directory:form.timeZoneHint")} list="event-time-zones" />
            <datalist id="event-time-zones">
              {timeZones.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          </div>
          <Field meta={fields.start} label={t("fields.start")} type="datetime-local" />
          <Field meta={fields.end} label={t("fields.end")} type="datetime-local" />
          <Field meta={fields.rsvpDeadline} label={t("fields.rsvpDeadline")} type="datetime-local" hint={t("form.deadlineHint")} />
          <Field meta={fields.reminderDays} label={t("fields.reminderDays")} hint={t("form.reminderDaysHint")} />
        </div>
      </fieldset>
      <LocalizedFields legend={t("fields.venue")} fieldset={fields.venue.getFieldset()} missingLabel={missing} allPresentLabel={all} />
      <div className="form-grid">
        <SelectField meta={fields.format} label={t("fields.format")}>
          {EVENT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {t(`formats.${f}`)}
            </option>
          ))}
        </SelectField>
        <Field meta={fields.meetingUrl} label={t("fields.meetingUrl")} type="url" hint={t("form.meetingUrlHint")} />
        <Field meta={fields.quota} label={t("fields.quota")} type="number" hint={t("form.quotaHint")} />
      </div>
      <fieldset className="group">
        <legend>{t("fields.categories")}</legend>
        {PARTICIPANT_CATEGORIES.map((c) => (
          <label key={c} className="checkbox">
            <input type="checkbox" name="categories" value={c} defaultChecked={selectedCategories.has(c)} /> {t(`categories.${c}`)}
          </label>
        ))}
        {fields.categories.errors?.length ? <p className="field-errors">{t(fields.categories.errors[0])}</p> : null}
      </fieldset>
      <LocalizedFields legend={t("fields.description")} fieldset={fields.description.getFieldset()} missingLabel={missing} allPresentLabel={all} multiline />
      <fieldset className="group">
        <legend>{t("fields.contact")}</legend>
        <div className="form-grid">
          <Field meta={fields.contactName} label={t("fields.contactName")} />
          <Field meta={fields.contactEmail} label={t("fields.contactEmail")} type="email" />
          <Field meta={fields.contactPhone} label={t("fields.contactPhone")} type="tel" />
        </div>
      </fieldset>
      <FormActions submitLabel={submitLabel} cancelTo={cancelTo} cancelLabel={t("directory:form.cancel")} />
    </Form>
  );
}
