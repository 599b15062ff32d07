import { type DefaultValue, FormProvider, getCollectionProps, getFormProps, type SubmissionResult, useField } from "@conform-to/react";
import { Form, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { LanguageOptions } from "~/components/directory";
import {
  type AnyFieldMeta,
  CheckboxField,
  ErrorList,
  Field,
  FormErrors,
  formErrorsOf,
  readOnce,
  SelectField,
  TextAreaField,
  useZodForm,
} from "~/components/forms";
import { type Translate, visaNote } from "~/components/reply-summary";
import { isBlankPerson, withoutPrefill } from "~/lib/delegate-prefill";
import { DELEGATE_ROLES, DIETARY_TAGS, REPLY_ANSWERS, type ReplyRules, replySchema } from "~/lib/reply-schemas";

export type DelegateValue = Record<string, string | string[] | undefined>;
export type ReplyFormValue = {
  response?: string;
  declineReason?: string;
  delegates: DelegateValue[];
  revision: string;
  submission: string;
};

/** A directory contact the form can copy into a delegate row ("fill from our contacts"). */
export type ContactChoice = { id: string; label: string; value: DelegateValue };
export type StoredPassport = { id: string; numberMasked: string | null; birthYear: string | null };

/**
 * The reply: an answer, then (when coming) the delegation, person by person, with travel, needs, programme
 * items and, only when asked and allowed, passport data for a visa letter. The same form serves the link holder
 * and staff answering on a member's behalf (who must give a reason). Nothing is sent until the person clicks.
 */
export function ReplyForm({
  rules,
  defaultValue,
  lastResult,
  contacts,
  programme,
  stored,
  action,
  submitLabel,
  nameLocale,
  headPrefill = null,
  registered = [],
}: {
  rules: ReplyRules;
  defaultValue: DefaultValue<ReplyFormValue>;
  /** person 1 as prefilled from the directory's head of the member (a reply not yet given) */
  headPrefill?: DelegateValue | null;
  lastResult?: SubmissionResult<string[]>;
  contacts: ContactChoice[];
  programme: { id: string; label: string }[];
  stored: StoredPassport[];
  action?: string;
  submitLabel: string;
  /** the language new people's names start in: the invitation's */
  nameLocale: string;
  /** the people stored now, by id: whom "Replace this person" replaces, and what their cards say */
  registered?: RegisteredPerson[];
}) {
  const { t } = useTranslation("reply");
  const { t: tDelegation } = useTranslation("delegation");
  const { t: tDirectory } = useTranslation("directory");
  // every person's form has the same labels: translated once per page, not once per person
  const texts = useMemo(
    () => ({
      t: remembered(t as unknown as Translate),
      td: remembered(tDirectory as unknown as Translate),
      tg: remembered(tDelegation as unknown as Translate),
    }),
    [t, tDirectory, tDelegation],
  );
  const schema = useMemo(() => replySchema(rules), [rules]);
  const [form, fields] = useZodForm(schema, { id: "reply", defaultValue: defaultValue as never, lastResult });
  const navigation = useNavigation();
  const response = (fields.response.value ?? "") as string;
  const coming = response !== "" && response !== "declining";
  const delegates = fields.delegates.getFieldList();
  // people already registered show as a summary until "Change details" (a link `?edit=<n>` without JavaScript):
  // a delegation of five is five short cards on a phone, not 135 fields, and the page renders in a fraction
  // of the time (issue 15)
  const [params] = useSearchParams();
  const [editing, setEditing] = useState<ReadonlySet<string>>(() => {
    const asked = params.get("edit");
    return new Set(delegates.filter((_, index) => asked === "all" || asked === String(index + 1)).map((d) => d.key ?? d.name));
  });
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const anyVisa = rules.passportAllowed && delegates.some((d) => d.getFieldset().needsVisaLetter.value === "on");
  const blank: DelegateValue = { role: delegates.length ? "official" : "head", nameLocale };
  // a representative leads instead of the head: person 1 is no longer the directory's head, and back again
  const onAnswer = (answer: string) => {
    const first = delegates[0];
    if (!headPrefill || !first) return;
    const current = (first.value ?? {}) as DelegateValue;
    if (answer === "representative") form.update({ name: first.name, value: withoutPrefill(current, headPrefill) as never });
    else if (answer === "attending" && isBlankPerson(current))
      form.update({ name: first.name, value: { ...current, ...headPrefill, role: current.role ?? "head" } as never });
  };

  return (
    <Form method="post" action={action} {...getFormProps(form)} className="stacked-form reply-form">
      <FormErrors errors={formErrorsOf(lastResult)} />
      <input type="hidden" name={fields.revision.name} value={String(fields.revision.initialValue ?? "")} />
      <input type="hidden" name={fields.submission.name} value={String(fields.submission.initialValue ?? "")} />

      <fieldset className="group answers" aria-describedby={fields.response.errors?.length ? fields.response.errorId : undefined}>
        <legend>{rules.singlePerson ? t("guests:reply.legend") : t("answer.legend")}</legend>
        <div className="answer-choices">
          {REPLY_ANSWERS.filter((answer) => !(rules.singlePerson && answer === "representative")).map((answer) => (
            <label key={answer} className={`answer-choice answer-${answer}`}>
              <input
                type="radio"
                name={fields.response.name}
                value={answer}
                defaultChecked={fields.response.initialValue === answer}
                required
                onChange={(event) => event.currentTarget.checked && onAnswer(answer)}
              />
              <span className="answer-title">{t(`answer.${answer}`)}</span>
              <span className="answer-hint">{rules.singlePerson && answer === "attending" ? t("guests:reply.attendingHint") : t(`answer.${answer}Hint`)}</span>
            </label>
          ))}
        </div>
        <ErrorList id={fields.response.errorId} errors={fields.response.errors} />
      </fieldset>

      {response === "declining" ? <TextAreaField meta={fields.declineReason} label={t("fields.declineReason")} hint={t("fields.declineReasonHint")} /> : null}

      {coming ? (
        <FormProvider context={form.context}>
          <section className="delegation" aria-labelledby="delegation-heading">
            <div className="section-header">
              <h2 id="delegation-heading">{t("delegation.title")}</h2>
              <p className="muted small">{t("delegation.quota", { count: delegates.length, quota: rules.quota })}</p>
            </div>
            <p className="field-hint">{t("delegation.hint")}</p>
            <ErrorList id={fields.delegates.errorId} errors={fields.delegates.errors} />
            {delegates.map((delegate, index) => (
              <Delegate
                key={delegate.key}
                name={delegate.name}
                index={index}
                editing={editing.has(delegate.key ?? delegate.name)}
                focus={focusKey === (delegate.key ?? delegate.name)}
                onEdit={() => {
                  setEditing((keys) => new Set([...keys, delegate.key ?? delegate.name]));
                  setFocusKey(delegate.key ?? delegate.name);
                }}
                texts={texts}
                rules={rules}
                contacts={contacts}
                programme={programme}
                stored={stored}
                onFill={(value) => form.update({ name: delegate.name, value: { ...value, role: delegate.getFieldset().role.value ?? "official" } as never })}
                registered={registered}
                replaceButton={(id, role, locale) => (
                  // someone else comes instead (issue 18 §4): a new person with nothing of the previous one's
                  <button
                    className="button small"
                    {...form.update.getButtonProps({ name: delegate.name, value: { role, nameLocale: locale, replaces: id } as never })}
                  >
                    {tDelegation("replace.button")}
                  </button>
                )}
                removeButton={
                  <button className="button small danger" {...form.remove.getButtonProps({ name: fields.delegates.name, index })}>
                    {t("delegation.remove")}
                  </button>
                }
              />
            ))}
            {delegates.length < rules.quota ? (
              <button className="button" {...form.insert.getButtonProps({ name: fields.delegates.name, defaultValue: blank as never })}>
                {delegates.length ? t("delegation.add") : t("delegation.addHead")}
              </button>
            ) : (
              <p className="muted small">{t("delegation.full", { quota: rules.quota })}</p>
            )}
          </section>
        </FormProvider>
      ) : null}

      {coming && anyVisa ? (
        <fieldset className="group privacy">
          <legend>{t("privacy.title")}</legend>
          <p>{t("privacy.notice")}</p>
          <CheckboxField meta={fields.passportConsent} label={t("privacy.consent")} />
        </fieldset>
      ) : null}

      {rules.staff ? <Field meta={fields.reason} label={t("staff.reason")} hint={t("staff.reasonHint")} /> : null}

      <div className="form-actions">
        <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}

/** A person as stored: the name line, and what else the card of a registered person says about them. */
export type RegisteredPerson = {
  id: string;
  line: string;
  /** the programme items they come to, by title */
  programme?: string[];
  /** may appear on the published List of Participants */
  listConsent?: boolean;
  needsVisaLetter?: boolean;
  passportNumberMasked?: string | null;
  birthYear?: string | null;
};

function remembered(t: Translate): Translate {
  const seen = new Map<string, string>();
  return (key, options) => {
    if (options) return t(key, options);
    let text = seen.get(key);
    if (text === undefined) seen.set(key, (text = t(key)));
    return text;
  };
}

type DelegateProps = Parameters<typeof DelegateFields>[0] & { editing: boolean; focus: boolean; onEdit: () => void };

/** One person of the delegation: a stored person as a summary card until edited, anyone else as the fields. */
function Delegate({ editing, onEdit, ...props }: DelegateProps) {
  const [meta] = useField<DelegateValue>(props.name);
  const value = (meta.value ?? {}) as DelegateValue;
  const stored = typeof value.id === "string" ? props.registered.find((r) => r.id === value.id) : undefined;
  // an error anywhere in the person (the server's or the browser's check) opens their fields
  const errors = meta.allErrors;
  const summary = stored && !editing && !value.replaces && !(errors && Object.keys(errors).length);
  if (!summary) return <DelegateFields {...props} />;
  return <DelegateSummary name={props.name} index={props.index} value={value} stored={stored} texts={props.texts} onEdit={onEdit} tools={props} />;
}

/**
 * A registered person in brief: role, name and title, and how to reach them, with "Change details", "Replace this
 * person" and "Remove". Every value travels in hidden inputs, so saving the reply keeps the person as stored.
 */
function DelegateSummary({
  name,
  index,
  value,
  stored,
  texts,
  onEdit,
  tools,
}: {
  name: string;
  index: number;
  value: DelegateValue;
  stored: RegisteredPerson;
  texts: { t: Translate; td: Translate; tg: Translate };
  onEdit: () => void;
  tools: Pick<DelegateProps, "replaceButton" | "removeButton">;
}) {
  const { t, tg } = texts;
  const { line } = stored;
  const heading = t("delegation.person", { number: index + 1 });
  const role = String(value.role ?? "official");
  // the line already ends with the person's title
  const reach = [value.email, value.phone].filter((part): part is string => typeof part === "string" && part !== "");
  // what the reply says about them besides (the page's summary above no longer lists the people a second time)
  const details = [
    ...(stored.programme ?? []),
    ...(stored.listConsent ? [tg("consent.listed")] : []),
    ...(stored.needsVisaLetter ? [visaNote(stored, t)] : []),
  ];
  return (
    <fieldset className="group delegate delegate-summary" aria-label={heading} id={`person-${index + 1}`}>
      <legend>{heading}</legend>
      {Object.entries(value).flatMap(([key, v]) =>
        (Array.isArray(v) ? v : [v])
          .filter((one) => one !== undefined && one !== "")
          .map((one, n) => <input key={`${key}-${n}`} type="hidden" name={`${name}.${key}`} value={one} />),
      )}
      <p className="delegate-summary-name">
        <span className="small muted">{t(`roles.${role}`)}:</span> <strong>{line}</strong>
      </p>
      {reach.length ? <p className="small muted delegate-summary-reach">{reach.join(" · ")}</p> : null}
      {details.length ? <p className="small delegate-summary-details">{details.join(" · ")}</p> : null}
      <div className="delegate-tools">
        <a
          className="button small"
          href={`?edit=${index + 1}#person-${index + 1}`}
          // the visible words first, then whose details (WCAG 2.5.3: the name contains the label)
          aria-label={t("delegation.editLabel", { name: line })}
          onClick={(event) => {
            event.preventDefault();
            onEdit();
          }}
        >
          {t("delegation.edit")}
        </a>
        {tools.replaceButton(String(value.id), role, String(value.nameLocale ?? "en"))}
        {role === "head" ? null : tools.removeButton}
      </div>
    </fieldset>
  );
}

function DelegateFields({
  name,
  index,
  texts,
  rules,
  contacts,
  programme,
  stored,
  onFill,
  removeButton,
  replaceButton,
  registered,
  focus = false,
}: {
  /** move the keyboard into the first field once shown ("Change details" was pressed) */
  focus?: boolean;
  name: string;
  index: number;
  texts: { t: Translate; td: Translate; tg: Translate };
  rules: ReplyRules;
  contacts: ContactChoice[];
  programme: { id: string; label: string }[];
  stored: StoredPassport[];
  onFill: (value: DelegateValue) => void;
  removeButton: React.ReactNode;
  replaceButton: (id: string, role: string, nameLocale: string) => React.ReactNode;
  registered: { id: string; line: string }[];
}) {
  const { t, td, tg } = texts;
  // Each person reads its fields through its own useField: conform notes every field a component reads in a list
  // it copies on each read, so one component reading a whole delegation took quadratic time (100 people: a
  // second of server CPU per page; 500: half a minute).
  const [meta] = useField<DelegateValue>(name);
  const f = meta.getFieldset() as unknown as Record<string, AnyFieldMeta>;
  const nameLocale = (f.nameLocale.value ?? "en") as string;
  const visa = f.needsVisaLetter.value === "on";
  const id = f.id.value as string | undefined;
  const replaces = f.replaces.value as string | undefined;
  const replacedLine = replaces ? registered.find((r) => r.id === replaces)?.line : undefined;
  const kept = id ? stored.find((s) => s.id === id) : undefined;
  const heading = t("delegation.person", { number: index + 1 });
  const box = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    if (focus) box.current?.querySelector<HTMLElement>("select, input:not([type=hidden])")?.focus();
  }, [focus]);
  return (
    <fieldset className="group delegate" aria-label={heading} id={`person-${index + 1}`} ref={box}>
      <legend>{heading}</legend>
      {f.id.value ? <input type="hidden" name={f.id.name} value={String(f.id.value)} /> : null}
      {replaces ? <input type="hidden" name={f.replaces.name} value={replaces} /> : null}
      {replaces ? <p className="notice small">{replacedLine ? tg("replace.hint", { name: replacedLine }) : tg("replace.hintUnnamed")}</p> : null}
      <div className="delegate-tools">
        {contacts.length ? (
          <div className="field inline">
            <label htmlFor={`${meta.id}-fill`}>{t("delegation.fill")}</label>
            <select
              id={`${meta.id}-fill`}
              defaultValue=""
              onChange={(event) => {
                const contact = contacts.find((c) => c.id === event.target.value);
                if (contact) onFill(contact.value);
                event.target.value = "";
              }}
            >
              <option value="">{t("delegation.fillChoose")}</option>
              {contacts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {id ? replaceButton(id, String(f.role.value ?? "official"), nameLocale) : null}
        {/* the head of delegation leads the reply: changed (role, another contact), never deleted from the row */}
        {f.role.value === "head" ? null : removeButton}
      </div>
      <div className="form-grid">
        <SelectField meta={f.role} label={t("fields.role")}>
          {DELEGATE_ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`roles.${role}`)}
            </option>
          ))}
        </SelectField>
        <SelectField meta={f.honorific} label={td("fields.honorific")}>
          <option value="">{td("honorifics.none")}</option>
          {(["mr", "ms", "dr", "prof", "excellency"] as const).map((h) => (
            <option key={h} value={h}>
              {td(`honorifics.${h}`)}
            </option>
          ))}
        </SelectField>
        <SelectField meta={f.gender} label={td("fields.gender")}>
          <option value="">{td("genders.unspecified")}</option>
          <option value="female">{td("genders.female")}</option>
          <option value="male">{td("genders.male")}</option>
        </SelectField>
      </div>
      <div className="form-grid">
        <SelectField meta={f.nameLocale} label={td("fields.nameLocale")} hint={t("fields.nameLocaleHint")}>
          <LanguageOptions />
        </SelectField>
        {nameLocale === "mn" ? null : <Field meta={f.familyName} label={td("fields.familyName")} />}
        {nameLocale === "ru" || nameLocale === "mn" ? <Field meta={f.patronymic} label={td("fields.patronymic")} /> : null}
        <Field meta={f.givenName} label={td("fields.givenName")} />
        {nameLocale === "mn" ? <Field meta={f.clanName} label={td("fields.clanName")} /> : null}
      </div>
      <div className="form-grid">
        <Field meta={f.latinFamilyName} label={td("fields.latinFamilyName")} hint={t("fields.latinHint")} />
        <Field meta={f.latinGivenName} label={td("fields.latinGivenName")} />
      </div>
      <div className="form-grid">
        <Field meta={f.title} label={t("fields.title")} />
        <Field meta={f.email} label={t("fields.email")} type="email" autoComplete="off" />
        <Field meta={f.phone} label={t("fields.phone")} type="tel" autoComplete="off" />
      </div>

      <details className="delegate-more">
        <summary>{t("sections.travel")}</summary>
        <div className="form-grid">
          <Field meta={f.arrivalAt} label={t("fields.arrivalAt")} type="datetime-local" hint={t("fields.localTimeHint")} />
          <Field meta={f.arrivalTransport} label={t("fields.transport")} hint={t("fields.transportHint")} />
          <Field meta={f.arrivalPlace} label={t("fields.arrivalPlace")} />
          <Field meta={f.departureAt} label={t("fields.departureAt")} type="datetime-local" />
          <Field meta={f.departureTransport} label={t("fields.transport")} />
          <Field meta={f.departurePlace} label={t("fields.departurePlace")} />
          <Field meta={f.hotel} label={t("fields.hotel")} />
        </div>
      </details>

      <details className="delegate-more">
        <summary>{t("sections.needs")}</summary>
        <fieldset className="checkbox-group">
          <legend>{t("fields.dietary")}</legend>
          {getCollectionProps(readOnce(f.dietary), { type: "checkbox", options: [...DIETARY_TAGS] }).map(({ key, ...props }) => (
            <label key={key} className="checkbox">
              <input {...props} /> {t(`dietary.${props.value}`)}
            </label>
          ))}
          <ErrorList id={f.dietary.errorId} errors={f.dietary.errors} />
        </fieldset>
        <TextAreaField meta={f.dietaryNote} label={t("fields.dietaryNote")} rows={2} />
        <TextAreaField meta={f.accessibility} label={t("fields.accessibility")} rows={2} />
        <SelectField meta={f.interpretation} label={t("fields.interpretation")}>
          <option value="">{t("fields.interpretationNone")}</option>
          <LanguageOptions />
        </SelectField>
      </details>

      {programme.length ? (
        <fieldset className="checkbox-group">
          <legend>{t("fields.programme")}</legend>
          {getCollectionProps(readOnce(f.programme), { type: "checkbox", options: programme.map((p) => p.id) }).map(({ key, ...props }) => (
            <label key={key} className="checkbox">
              <input {...props} /> {programme.find((p) => p.id === props.value)?.label}
            </label>
          ))}
          <ErrorList id={f.programme.errorId} errors={f.programme.errors} />
        </fieldset>
      ) : null}

      <CheckboxField meta={f.listConsent} label={tg("consent.label")} />
      <p className="field-hint">{tg("consent.hint")}</p>
      <CheckboxField meta={f.needsVisaLetter} label={t("fields.needsVisaLetter")} />
      {visa && !rules.passportAllowed ? <p className="field-hint">{t("passport.notCollected")}</p> : null}
      {visa && rules.passportAllowed ? (
        <fieldset className="group passport">
          <legend>{t("passport.title")}</legend>
          <p className="field-hint">{t("passport.hint")}</p>
          <div className="form-grid">
            <Field meta={f.passportName} label={t("fields.passportName")} autoComplete="off" />
            <Field meta={f.nationality} label={t("fields.nationality")} hint={t("fields.nationalityHint")} autoComplete="off" />
            <Field
              meta={f.passportNumber}
              label={t("fields.passportNumber")}
              hint={kept?.numberMasked ? t("passport.stored", { value: kept.numberMasked }) : undefined}
              autoComplete="off"
            />
            <Field meta={f.passportExpiry} label={t("fields.passportExpiry")} type="date" />
            <Field
              meta={f.birthDate}
              label={t("fields.birthDate")}
              type="date"
              hint={kept?.birthYear ? t("passport.storedBirth", { year: kept.birthYear }) : undefined}
            />
          </div>
        </fieldset>
      ) : null}
    </fieldset>
  );
}
