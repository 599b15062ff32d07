import { type FieldMetadata, getInputProps } from "@conform-to/react";
import { useTranslation } from "react-i18next";
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

type InputType = "text" | "email" | "password" | "search" | "tel" | "url";

/** A labelled input whose errors are announced and linked with aria-describedby. */
export function Field({
  meta,
  label,
  type = "text",
  autoComplete,
  hint,
  autoFocus,
}: {
  meta: FieldMetadata<string>;
  label: string;
  type?: InputType;
  autoComplete?: string;
  hint?: string;
  autoFocus?: boolean;
}) {
  const hintId = hint ? `${meta.id}-hint` : undefined;
  const describedBy = [hintId, meta.errors?.length ? meta.errorId : undefined].filter(Boolean).join(" ") || undefined;
  const { key: _key, ...inputProps } = getInputProps(meta, { type, ariaDescribedBy: describedBy });
  return (
    <div className="field">
      <label htmlFor={meta.id}>{label}</label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <input {...inputProps} autoComplete={autoComplete} autoFocus={autoFocus} />
      <ErrorList id={meta.errorId} errors={meta.errors} />
    </div>
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
