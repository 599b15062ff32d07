import * as z from "zod";

import { isCountryCode } from "~/lib/directory";
import { CheckboxSchema, EmailSchema, LngSchema, OptionalEmailSchema, optionalLine, optionalText, singleLine } from "~/lib/validation";
import { DELEGATE_ROLES, DIETARY_TAGS } from "../../db/schema";

export { DELEGATE_ROLES, DIETARY_TAGS };
export const REPLY_ANSWERS = ["attending", "representative", "declining", "undecided"] as const;
export type ReplyAnswer = (typeof REPLY_ANSWERS)[number];
/** Bumped when the privacy notice's text changes; stored with each consent (RELIABILITY D2). */
export const PRIVACY_NOTICE_VERSION = "2026-11-24";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const asList = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);
const LATIN = /^[\p{Script=Latin}\s'.,-]+$/u;
const latin = (max: number) => optionalLine(max).refine((value) => !value || LATIN.test(value), "directory:validation.latin");
const localDateTime = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "reply:validation.dateTime")
    .optional(),
);
const localDate = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "reply:validation.date")
    .optional(),
);

/** One person of a delegation: the directory's name model plus travel, needs and (gated) passport data. */
export const DelegateSchema = z.object({
  id: z.preprocess(blankToUndefined, z.string().uuid().optional()),
  /** "Replace this person" (issue 18 §4): the stored delegate this new person takes the place of */
  replaces: z.preprocess(blankToUndefined, z.string().uuid().optional()),
  role: z.enum(DELEGATE_ROLES, { error: "reply:validation.role" }),
  nameLocale: LngSchema,
  familyName: optionalLine(100),
  givenName: singleLine(100),
  patronymic: optionalLine(100),
  clanName: optionalLine(100),
  latinFamilyName: latin(100),
  latinGivenName: latin(100),
  gender: z.preprocess(blankToUndefined, z.enum(["female", "male"], { error: "directory:validation.gender" }).optional()),
  honorific: z.preprocess(blankToUndefined, z.enum(["mr", "ms", "dr", "prof", "excellency"], { error: "directory:validation.honorific" }).optional()),
  title: optionalLine(150),
  email: OptionalEmailSchema,
  phone: optionalLine(50).refine((value) => !value || /^[+\d\s().\-/]{5,}$/.test(value), "directory:validation.phone"),
  dietary: z.preprocess(asList, z.array(z.enum(DIETARY_TAGS, { error: "reply:validation.dietary" }))),
  dietaryNote: optionalText(1000),
  accessibility: optionalText(1000),
  interpretation: z.preprocess(blankToUndefined, LngSchema.optional()),
  arrivalAt: localDateTime,
  arrivalTransport: optionalLine(50),
  arrivalPlace: optionalLine(100),
  departureAt: localDateTime,
  departureTransport: optionalLine(50),
  departurePlace: optionalLine(100),
  hotel: optionalLine(150),
  programme: z.preprocess(asList, z.array(z.string().uuid())),
  needsVisaLetter: CheckboxSchema,
  /** may appear on the published List of Participants (issue 18 §2); unticked by default */
  listConsent: CheckboxSchema,
  passportName: latin(100),
  nationality: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v) => v.trim().toUpperCase())
      .refine(isCountryCode, "directory:validation.country")
      .optional(),
  ),
  passportNumber: z.preprocess(
    (v) => (typeof v === "string" ? v.replace(/\s+/g, "").toUpperCase() || undefined : v),
    z
      .string()
      .regex(/^[A-Z0-9]{5,20}$/, "reply:validation.passportNumber")
      .optional(),
  ),
  passportExpiry: localDate,
  birthDate: localDate,
});
export type DelegateInput = z.infer<typeof DelegateSchema>;

export type ReplyRules = {
  quota: number;
  /** passport collection is switched on for this member's country */
  passportAllowed: boolean;
  programmeIds: string[];
  /** delegates (by id) whose passport number and date of birth are stored already: blank keeps them */
  storedPassport: string[];
  /** staff answering on a member's behalf must say why */
  staff: boolean;
  /** a guest invited as one person (issue 18 §3): no "send a representative" */
  singlePerson?: boolean;
};

const PASSPORT_FIELDS = ["passportName", "nationality", "passportNumber", "passportExpiry", "birthDate"] as const;

const schemas = new Map<string, ReturnType<typeof buildReplySchema>>();

/**
 * The reply form, for the link holder and for staff answering on a member's behalf. Built per invitation from
 * its event's rules, on the server and in the browser alike; the same rules give the same (immutable) schema,
 * built once.
 */
export function replySchema(rules: ReplyRules) {
  const key = JSON.stringify([rules.quota, rules.passportAllowed, rules.programmeIds, rules.storedPassport, rules.staff, Boolean(rules.singlePerson)]);
  let schema = schemas.get(key);
  if (!schema) {
    if (schemas.size >= 500) schemas.clear();
    schemas.set(key, (schema = buildReplySchema(rules)));
  }
  return schema;
}

function buildReplySchema(rules: ReplyRules) {
  return z
    .object({
      response: z.enum(REPLY_ANSWERS, { error: "reply:validation.response" }),
      declineReason: optionalText(1000),
      delegates: z.array(DelegateSchema).default([]),
      passportConsent: CheckboxSchema,
      revision: z.coerce.number().int().min(1),
      submission: z.string().uuid(),
      reason: rules.staff
        ? singleLine(200)
        : z
            .unknown()
            .optional()
            .transform(() => undefined),
    })
    .superRefine((value, ctx) => {
      const coming = value.response === "attending" || value.response === "representative";
      const people = value.delegates;
      if (coming && people.length === 0) ctx.addIssue({ code: "custom", path: ["delegates"], message: "reply:validation.nobody" });
      if (rules.singlePerson && value.response === "representative") ctx.addIssue({ code: "custom", path: ["response"], message: "reply:validation.response" });
      if (people.length > rules.quota) ctx.addIssue({ code: "custom", path: ["delegates"], message: `reply:validation.quota#${rules.quota}` });
      const heads = people.filter((p) => p.role === "head").length;
      if (people.length && heads !== 1) ctx.addIssue({ code: "custom", path: ["delegates"], message: "reply:validation.oneHead" });
      let consentNeeded = false;
      people.forEach((person, index) => {
        const at = (field: string) => ["delegates", index, field];
        if (person.programme.some((id) => !rules.programmeIds.includes(id)))
          ctx.addIssue({ code: "custom", path: at("programme"), message: "reply:validation.programme" });
        if (person.arrivalAt && person.departureAt && person.departureAt < person.arrivalAt)
          ctx.addIssue({ code: "custom", path: at("departureAt"), message: "reply:validation.departureBeforeArrival" });
        const given = PASSPORT_FIELDS.filter((field) => person[field] !== undefined);
        if (!rules.passportAllowed || !person.needsVisaLetter) {
          // RELIABILITY D1: passport data is refused unless asked for, never silently stored
          for (const field of given) ctx.addIssue({ code: "custom", path: at(field), message: "reply:validation.passportNotAccepted" });
          return;
        }
        const stored = Boolean(person.id && rules.storedPassport.includes(person.id));
        for (const field of ["passportName", "nationality", "passportExpiry"] as const) {
          if (person[field] === undefined) ctx.addIssue({ code: "custom", path: at(field), message: "validation.required" });
        }
        for (const field of ["passportNumber", "birthDate"] as const) {
          if (person[field] === undefined && !stored) ctx.addIssue({ code: "custom", path: at(field), message: "validation.required" });
        }
        if (person.passportNumber !== undefined || person.birthDate !== undefined) consentNeeded = true;
      });
      if (consentNeeded && !value.passportConsent) ctx.addIssue({ code: "custom", path: ["passportConsent"], message: "reply:validation.consent" });
    });
}
export type ReplyInput = z.infer<ReturnType<typeof replySchema>>;

/** No delegation is larger than this, whatever an event's quota says (app/lib/form-limits.ts). */
export const DELEGATION_CEILING = 100;

/**
 * What a reply form may post before it is parsed: one person more than the quota (so that the form can say
 * "at most N people" in words), about 40 fields a person, and 24 KiB a person (1,000-character notes in any script).
 */
export function replyFormLimits(quota: number) {
  const people = Math.min(Math.max(quota, 1), DELEGATION_CEILING) + 1;
  return { maxBytes: 32 * 1024 + people * 24 * 1024, shape: { lists: { delegates: people }, maxNested: 50, maxFields: 60 + people * 60 } };
}

/** "Send me my link again" on the page for an unusable link: the address the invitation reached. */
export const LostLinkSchema = z.object({ email: EmailSchema });
