import * as z from "zod";

import { isLocalDateTime, zonedToUtc } from "~/lib/dates";
import { isTimeZone } from "~/lib/directory";
import { optionalLongTexts, optionalTexts, requiredTexts } from "~/lib/directory-schemas";
import { CheckboxSchema, OptionalEmailSchema, optionalLine } from "~/lib/validation";
import { EVENT_FORMATS, EVENT_KINDS, PARTICIPANT_CATEGORIES, PROGRAMME_KINDS } from "../../db/schema";

const blank = (v: unknown) => (v === "" ? undefined : v);

/** A date-time as typed into <input type="datetime-local">, in the venue's zone. */
export const LocalDateTimeSchema = z.string({ error: "validation.required" }).trim().refine(isLocalDateTime, "events:validation.dateTime");

const OptionalUuid = z.preprocess(blank, z.string().uuid().optional());

export const EventSchema = z
  .object({
    kind: z.enum(EVENT_KINDS, { error: "events:validation.kind" }),
    subcommitteeId: OptionalUuid,
    hostMemberId: OptionalUuid,
    title: requiredTexts(200),
    description: optionalLongTexts(3000),
    venue: optionalTexts(200),
    timeZone: z.string({ error: "validation.required" }).trim().refine(isTimeZone, "directory:validation.timeZone"),
    start: LocalDateTimeSchema,
    end: LocalDateTimeSchema,
    rsvpDeadline: z.preprocess(blank, LocalDateTimeSchema.optional()),
    format: z.enum(EVENT_FORMATS, { error: "events:validation.format" }).default("in_person"),
    meetingUrl: z.preprocess(
      blank,
      z
        .url({ protocol: /^https?$/, error: "events:validation.url" })
        .max(500)
        .optional(),
    ),
    quota: z.coerce
      .number({ error: "events:validation.quota" })
      .int("events:validation.quota")
      .min(1, "events:validation.quota")
      .max(100, "events:validation.quota"),
    reminderDays: z
      .preprocess((value) => (Array.isArray(value) ? value.join(",") : value), z.string().optional())
      .transform((value) =>
        [
          ...new Set(
            (value ?? "")
              .split(/[\s,;]+/)
              .filter(Boolean)
              .map(Number),
          ),
        ].sort((a, b) => b - a),
      )
      .refine((days) => days.every((d) => Number.isInteger(d) && d >= 1 && d <= 90) && days.length <= 5, "events:validation.reminderDays"),
    categories: z.array(z.enum(PARTICIPANT_CATEGORIES)).min(1, "events:validation.categories").default(["delegate"]),
    contactName: optionalLine(150),
    contactEmail: OptionalEmailSchema,
    contactPhone: optionalLine(50),
  })
  .superRefine((value, ctx) => {
    if (value.kind === "subcommittee_meeting" && !value.subcommitteeId) {
      ctx.addIssue({ code: "custom", path: ["subcommitteeId"], message: "events:validation.subcommitteeRequired" });
    }
    if (value.format !== "in_person" && !value.meetingUrl) {
      ctx.addIssue({ code: "custom", path: ["meetingUrl"], message: "events:validation.meetingUrlRequired" });
    }
    if (!isTimeZone(value.timeZone)) return;
    const start = zonedToUtc(value.start, value.timeZone);
    if (zonedToUtc(value.end, value.timeZone) <= start) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "events:validation.endBeforeStart" });
    }
    if (value.rsvpDeadline && zonedToUtc(value.rsvpDeadline, value.timeZone) >= start) {
      ctx.addIssue({ code: "custom", path: ["rsvpDeadline"], message: "events:validation.deadlineAfterStart" });
    }
  });
export type EventInput = z.infer<typeof EventSchema>;

export const ProgrammeItemSchema = z
  .object({
    kind: z.enum(PROGRAMME_KINDS, { error: "events:validation.programmeKind" }),
    start: LocalDateTimeSchema,
    end: LocalDateTimeSchema,
    title: requiredTexts(200),
    description: optionalLongTexts(2000),
    place: optionalTexts(200),
    attendanceAsked: CheckboxSchema,
    capacity: z.preprocess(blank, z.coerce.number().int("events:validation.capacity").min(1, "events:validation.capacity").max(100000).optional()),
  })
  .superRefine((value, ctx) => {
    if (isLocalDateTime(value.start) && isLocalDateTime(value.end) && value.end <= value.start) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "events:validation.endBeforeStart" });
    }
  });
export type ProgrammeItemInput = z.infer<typeof ProgrammeItemSchema>;

export const TransitionSchema = z.object({
  to: z.enum(["draft", "open", "closed", "archived", "cancelled"]),
  version: z.coerce.number().int(),
  reason: z.preprocess(blank, z.string().trim().max(1000).optional()),
});

export const DuplicateSchema = z.object({
  start: LocalDateTimeSchema,
  version: z.coerce.number().int().optional(),
});

/**
 * The event page's one form schema: each intent with its own fields. The status buttons post no intent (they
 * predate the others), so a missing intent means a status change.
 */
export const EventPageActionSchema = z.preprocess(
  (value) => (value && typeof value === "object" && !("intent" in value) ? { ...value, intent: "transition" } : value),
  z.discriminatedUnion("intent", [
    z.object({ intent: z.enum(["reissue", "revoke"]), invitationId: z.string().uuid() }),
    z.object({
      intent: z.literal("remind"),
      batch: z.string().uuid(),
      /** "1" when the form lists the members to remind (all ticked); without it, every member who has not answered */
      picked: z.literal("1").optional(),
      remindId: z.array(z.string().uuid()).default([]),
    }),
    DuplicateSchema.extend({ intent: z.literal("duplicate") }),
    TransitionSchema.extend({ intent: z.literal("transition") }),
  ]),
);
