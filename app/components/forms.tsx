import { type DefaultValue, type FieldMetadata, getInputProps, type SubmissionResult, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { Form, Link, useNavigation } from "@remix-run/react";
import type React from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";

import { htmlLang, languageNames, supportedLngs } from "~/i18n";
import { parseMessage } from "~/lib/validation";

export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  const { t } = useTranslation("common");
  if (!errors?.length) return null;
  return (
    <ul id={id} className="field-errors">
      {errors.map((error) => {
        const { key, values } = parseMessage(error);
        return <li key={error}>{t(key, values)}</li>;
      })}
    </ul>
  );
}

/**
 * conform + zod the one way every form here uses: validate a field when it loses focus, then re-validate
 * while typing, so an error disappears as it is fixed instead of at the moment the submit button is
 * pressed (which would move the button away from the click).
 */
export function useZodForm<Schema extends z.ZodObject>(
  schema: Schema,
  options: { id: string; defaultValue?: DefaultValue<z.input<Schema>>; lastResult?: SubmissionResult<string[]> },
) {
  return useForm<z.input<Schema>, z.output<Schema>>({
    ...options,
    constraint: constraintOf(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
}

const constraints = new WeakMap<z.ZodObject, ReturnType<typeof getZodConstraint>>();

/** The HTML constraints (required, maxlength…) of a schema, derived once per schema object. */
function constraintOf(schema: z.ZodObject) {
  let constraint = constraints.get(schema);
  if (!constraint) constraints.set(schema, (constraint = getZodConstraint(schema)));
  return constraint;
}

/** The submit button (disabled while submitting) and a cancel link. */
export function FormActions({ submitLabel, cancelTo, cancelLabel }: { submitLabel: string; cancelTo: string; cancelLabel: string }) {
  const navigation = useNavigation();
  return (
    <div className="form-actions">
      <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
        {submitLabel}
      </button>
      <Link to={cancelTo} className="button">
        {cancelLabel}
      </Link>
    </div>
  );
}

// The components only read metadata, so they accept any field shape (zod preprocessors type inputs as unknown).
export type AnyFieldMeta = FieldMetadata<any, any, string[]>;

/**
 * The metadata of one field with each property read once: every read of conform's metadata builds a new proxy
 * and notes the read for re-rendering, and getInputProps and the frames around a control read the same
 * properties again and again (a 100-person reply form took tens of thousands of such reads per page).
 */
export function readOnce(meta: AnyFieldMeta): AnyFieldMeta {
  const seen = new Map<PropertyKey, unknown>();
  return new Proxy(meta, {
    get(target, key) {
      if (!seen.has(key)) seen.set(key, Reflect.get(target, key));
      return seen.get(key);
    },
  });
}

type InputType = "text" | "email" | "password" | "search" | "tel" | "url" | "number" | "datetime-local" | "date";

type FieldProps = { meta: AnyFieldMeta; label: string; hint?: string };

function describedBy(meta: FieldProps["meta"], hint?: string) {
  return [hint ? `${meta.id}-hint` : undefined, meta.errors?.length ? meta.errorId : undefined].filter(Boolean).join(" ") || undefined;
}

/** Label, optional hint and announced errors around one control; the control points at them by describedBy(). */
function FieldFrame({ meta, label, hint, children }: FieldProps & { children: React.ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      {hint ? (
        <p id={`${meta.id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {children}
      <ErrorList id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

/** A labelled input whose errors are announced and linked with aria-describedby. */
export function Field({
  meta,
  label,
  type = "text",
  autoComplete,
  hint,
  autoFocus,
  list,
}: {
  meta: AnyFieldMeta;
  label: string;
  type?: InputType;
  autoComplete?: string;
  hint?: string;
  autoFocus?: boolean;
  list?: string;
}) {
  meta = readOnce(meta);
  const { key: _key, ...inputProps } = getInputProps(meta, { type, ariaDescribedBy: describedBy(meta, hint) });
  return (
    <FieldFrame meta={meta} label={label} hint={hint}>
      <input {...inputProps} autoComplete={autoComplete} autoFocus={autoFocus} list={list} />
    </FieldFrame>
  );
}

/**
 * Form-level errors from the server's last reply (not conform's live state): they stay put until the next
 * submission, so nothing above the submit button disappears, and moves it, in the moment it is clicked.
 */
export function formErrorsOf(result: { error?: Record<string, string[] | null> | null } | undefined) {
  return result?.error?.[""] ?? undefined;
}

export function FormErrors({ errors }: { errors?: string[] | null }) {
  const { t } = useTranslation("common");
  if (!errors?.length) return null;
  return (
    <div className="form-errors" role="alert">
      {errors.map((error) => {
        const { key, values } = parseMessage(error);
        return <p key={error}>{t(key, values)}</p>;
      })}
    </div>
  );
}

export function SelectField({ meta, label, hint, children }: FieldProps & { children: React.ReactNode }) {
  meta = readOnce(meta);
  return (
    <FieldFrame meta={meta} label={label} hint={hint}>
      <select
        id={meta.id}
        name={meta.name}
        form={meta.formId}
        defaultValue={(meta.initialValue as string | undefined) ?? ""}
        aria-invalid={meta.errors?.length ? true : undefined}
        aria-describedby={describedBy(meta, hint)}
        required={meta.required}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

export function TextAreaField({ meta, label, hint, rows = 3 }: FieldProps & { rows?: number }) {
  meta = readOnce(meta);
  return (
    <FieldFrame meta={meta} label={label} hint={hint}>
      <textarea
        id={meta.id}
        name={meta.name}
        form={meta.formId}
        rows={rows}
        defaultValue={(meta.initialValue as string | undefined) ?? ""}
        aria-invalid={meta.errors?.length ? true : undefined}
        aria-describedby={describedBy(meta, hint)}
      />
    </FieldFrame>
  );
}

export function CheckboxField({ meta, label }: { meta: AnyFieldMeta; label: string }) {
  meta = readOnce(meta);
  return (
    <div className="field checkbox-field">
      <label className="checkbox">
        <input
          type="checkbox"
          id={meta.id}
          name={meta.name}
          form={meta.formId}
          defaultChecked={meta.initialValue === "on" || meta.initialValue === "true" || (meta.initialValue as unknown) === true}
        />{" "}
        {label}
      </label>
      <ErrorList id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

/**
 * Six inputs for one text in the six languages, each marked with its language, with a note of which
 * languages are still missing.
 */
export function LocalizedFields({
  legend,
  fieldset,
  required,
  missingLabel,
  allPresentLabel,
  multiline,
}: {
  legend: string;
  fieldset: Record<string, AnyFieldMeta | undefined>;
  required?: boolean;
  multiline?: boolean;
  missingLabel: (languages: string) => string;
  allPresentLabel: string;
}) {
  const missing = supportedLngs.filter((lng) => !fieldset[lng]?.initialValue);
  return (
    <fieldset className="localized">
      <legend>{legend}</legend>
      <p className="field-hint">{missing.length ? missingLabel(missing.map((l) => languageNames[l]).join(", ")) : allPresentLabel}</p>
      <div className={multiline ? "localized-grid wide" : "localized-grid"}>
        {supportedLngs.map((lng) => {
          const meta = readOnce(fieldset[lng]!);
          const { key: _key, ...props } = getInputProps(meta, { type: "text", ariaDescribedBy: meta.errors?.length ? meta.errorId : undefined });
          return (
            <div className="field" key={lng}>
              <label htmlFor={meta.id}>
                {languageNames[lng]}
                {required && lng === "en" ? " *" : ""}
              </label>
              {multiline ? (
                <textarea
                  id={meta.id}
                  name={meta.name}
                  form={meta.formId}
                  rows={4}
                  lang={htmlLang[lng]}
                  defaultValue={(meta.initialValue as string | undefined) ?? ""}
                  aria-invalid={meta.errors?.length ? true : undefined}
                  aria-describedby={meta.errors?.length ? meta.errorId : undefined}
                />
              ) : (
                <input {...props} lang={htmlLang[lng]} required={required && lng === "en"} />
              )}
              <ErrorList id={meta.errorId} errors={meta.errors} />
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/**
 * A button that first asks: the summary opens a panel with the explanation and the real submit button
 * (no JavaScript needed). Used before deleting, archiving, cancelling or loading data in bulk.
 */
export function ConfirmAction({
  label,
  question,
  intent,
  value,
  version,
  danger,
  className,
  hidden,
  children,
}: {
  label: string;
  question: string;
  intent: string;
  value: string;
  version?: number;
  danger?: boolean;
  className?: string;
  /** more hidden fields, e.g. a batch id that makes a double click harmless */
  hidden?: Record<string, string>;
  /** fields the user fills in before answering, e.g. whom a reminder goes to */
  children?: React.ReactNode;
}) {
  return (
    <details className={className ? `confirm ${className}` : "confirm"}>
      <summary className="button">{label}</summary>
      <div className="confirm-panel">
        <p>{question}</p>
        {/* the page stays mounted after the post, so close the question once it is answered */}
        <Form method="post" onSubmit={(event) => event.currentTarget.closest("details")?.removeAttribute("open")}>
          {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
          {Object.entries(hidden ?? {}).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          {children}
          <button type="submit" name={intent} value={value} className={danger ? "button danger" : "button primary"}>
            {/* the summary's "…" promises a question; the button that answers it does not */}
            {label.replace(/\s*(…|\.\.\.)$/u, "")}
          </button>
        </Form>
      </div>
    </details>
  );
}
