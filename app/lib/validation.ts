import * as z from "zod";

import { supportedLngs } from "~/i18n";

// zod 4 compiles object schemas with `new Function` when it may; our CSP forbids eval in the browser, so the
// probe would be reported as a violation. This must run before any schema is built: every form module imports
// this file (route modules are evaluated before entry.client). package.json's "sideEffects" names this file (and
// only this one), so the browser build keeps even a bare `import "~/lib/validation"`.
z.config({ jitless: true });

/**
 * Shared field schemas. Messages are translation keys (rendered by <Field> through t()); a "#n" suffix
 * carries a number for the message, e.g. "validation.tooLong#100".
 */

// C0/C1 controls and the bidi overrides/isolates that can disguise text (Trojan Source).
const FORBIDDEN_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export function singleLine(max: number) {
  return z
    .string({ error: "validation.required" })
    .transform((value) => value.normalize("NFC").trim())
    .pipe(
      z
        .string()
        .min(1, "validation.required")
        .max(max, `validation.tooLong#${max}`)
        .refine((value) => !FORBIDDEN_SINGLE_LINE.test(value), "validation.controlCharacters"),
    );
}

export const EmailSchema = z
  .string({ error: "validation.required" })
  .transform((value) => value.normalize("NFC").trim().toLowerCase())
  .pipe(z.string().min(1, "validation.required").max(254, "validation.tooLong#254").email("validation.email"));

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const NewPasswordSchema = z
  .string({ error: "validation.required" })
  .min(PASSWORD_MIN, `validation.passwordTooShort#${PASSWORD_MIN}`)
  .max(PASSWORD_MAX, `validation.tooLong#${PASSWORD_MAX}`);

export const LngSchema = z.enum(supportedLngs, { error: "validation.language" });

/** Splits "key#n" into the key and its interpolation values. */
export function parseMessage(message: string): { key: string; values: Record<string, number> } {
  const [key, n] = message.split("#");
  return { key, values: n ? { count: Number(n) } : {} };
}

// Multi-line text keeps newlines and tabs but no other control or bidi-override characters.
const FORBIDDEN_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export function multiLine(max: number) {
  return z
    .string()
    .transform((value) => value.normalize("NFC").replace(/\r\n?/g, "\n").trim())
    .pipe(
      z
        .string()
        .max(max, `validation.tooLong#${max}`)
        .refine((value) => !FORBIDDEN_MULTI_LINE.test(value), "validation.controlCharacters"),
    );
}

export function optionalLine(max: number) {
  return z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), singleLine(max).optional());
}

export function optionalText(max: number) {
  return z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), multiLine(max).optional());
}

export const OptionalEmailSchema = z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), EmailSchema.optional());

/** "on"/"true"/"1"/"yes" → true; anything else (including absent) → false. Checkboxes and spreadsheet cells. */
export const CheckboxSchema = z.preprocess(
  (value) => (typeof value === "string" ? ["on", "true", "1", "yes", "y", "x"].includes(value.trim().toLowerCase()) : Boolean(value)),
  z.boolean(),
);
