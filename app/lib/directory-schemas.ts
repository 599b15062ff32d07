import * as z from "zod";

import { isCountryCode, isTimeZone, MEMBER_KINDS, MEMBER_STATUSES } from "~/lib/directory";
import { CheckboxSchema, EmailSchema, LngSchema, OptionalEmailSchema, optionalLine, optionalText, singleLine } from "~/lib/validation";

/** The same schemas validate the forms and every import row, so both refuse the same things. */

const otherLanguages = (max: number) => ({
  ko: optionalLine(max),
  zh: optionalLine(max),
  ja: optionalLine(max),
  ru: optionalLine(max),
  mn: optionalLine(max),
});
/** Text in six languages, English required. */
export const requiredTexts = (max: number) => z.object({ en: singleLine(max), ...otherLanguages(max) });
/** Text in six languages, all optional; a group left entirely empty (absent from the form data) is {}. */
export const optionalTexts = (max: number) => z.object({ en: optionalLine(max), ...otherLanguages(max) }).default({});

export const CountrySchema = z
  .string({ error: "validation.required" })
  .transform((value) => value.trim().toUpperCase())
  .refine(isCountryCode, "directory:validation.country");

export const MemberSchema = z.object({
  country: CountrySchema,
  kind: z.enum(MEMBER_KINDS, { error: "directory:validation.kind" }),
  status: z.enum(MEMBER_STATUSES, { error: "directory:validation.status" }).default("member"),
  names: requiredTexts(150),
  nameKana: optionalLine(150).refine((value) => !value || /^[\p{Script=Hiragana}\p{Script=Katakana}ー・\s]+$/u.test(value), "directory:validation.kana"),
  headTitle: optionalTexts(100),
  defaultLocale: LngSchema.default("en"),
  timeZone: z.string({ error: "validation.required" }).trim().refine(isTimeZone, "directory:validation.timeZone"),
  officeEmail: OptionalEmailSchema,
  postalAddress: optionalText(500),
  notes: optionalText(2000),
});
export type MemberInput = z.infer<typeof MemberSchema>;

const LATIN = /^[\p{Script=Latin}\s'.-]+$/u;
const latinName = optionalLine(100).refine((value) => !value || LATIN.test(value), "directory:validation.latin");

export const EmailListSchema = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(/[\s,;]+/)
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(EmailSchema).max(5, "directory:validation.tooManyEmails"))
  .refine((emails) => new Set(emails).size === emails.length, "directory:validation.duplicateEmail");

export const ContactSchema = z.object({
  nameLocale: LngSchema,
  familyName: optionalLine(100),
  givenName: singleLine(100),
  patronymic: optionalLine(100),
  clanName: optionalLine(100),
  latinFamilyName: latinName,
  latinGivenName: latinName,
  gender: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["female", "male"], { error: "directory:validation.gender" }).optional()),
  honorific: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["mr", "ms", "dr", "prof", "excellency"], { error: "directory:validation.honorific" }).optional(),
  ),
  position: optionalTexts(150),
  isHead: CheckboxSchema,
  isFocalPoint: CheckboxSchema,
  emails: EmailListSchema,
  phone: optionalLine(50).refine((value) => !value || /^[+\d\s().\-/]{5,}$/.test(value), "directory:validation.phone"),
  preferredLocale: z.preprocess((v) => (v === "" ? undefined : v), LngSchema.optional()),
});
export type ContactInput = z.infer<typeof ContactSchema>;

export const VersionSchema = z.coerce.number().int().min(1);

export const SubcommitteeSchema = z.object({
  number: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(999).optional()),
  names: requiredTexts(150),
  memberIds: z.array(z.string().uuid()).default([]),
  coordinatorIds: z.array(z.string().uuid()).default([]),
});
export type SubcommitteeInput = z.infer<typeof SubcommitteeSchema>;

/** Multi-line text in six languages, all optional (descriptions). */
export const optionalLongTexts = (max: number) =>
  z
    .object({ en: optionalText(max), ko: optionalText(max), zh: optionalText(max), ja: optionalText(max), ru: optionalText(max), mn: optionalText(max) })
    .default({});
