import * as z from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";

import { API_PAGE_DEFAULT, API_PAGE_MAX, API_RATE_LIMIT, API_SCOPES, API_TOKEN_LIFETIMES } from "~/lib/api";
import { ContactSchema, CountrySchema, MemberSchema } from "~/lib/directory-schemas";
import {
  DELEGATE_ROLES,
  DIETARY_TAGS,
  EVENT_FORMATS,
  EVENT_KINDS,
  EVENT_STATUSES,
  INVITATION_RESPONSES,
  MEMBER_KINDS,
  MEMBER_STATUSES,
  PARTICIPANT_CATEGORIES,
  PROGRAMME_KINDS,
} from "../../db/schema";

/**
 * The JSON API's shapes (issue 19 §1). Request bodies are the staff forms' own schemas (MemberSchema,
 * ContactSchema), so the API accepts and refuses exactly what the forms do; responses are described here, and
 * the OpenAPI document served at /api/v1/openapi.json is generated from both with zod-openapi.
 */

const Locale = z.enum(["en", "ko", "zh", "ja", "ru", "mn"]);
const Texts = z.record(z.string(), z.string()).meta({ id: "LocalizedText", description: "Text per language code (en, ko, zh, ja, ru, mn)." });
const Id = z.uuid();
const DateTime = z.iso.datetime({ offset: true });

export const MemberOut = z
  .object({
    id: Id,
    country: z.string().meta({ description: "ISO 3166-1 alpha-2" }),
    kind: z.enum(MEMBER_KINDS),
    status: z.enum(MEMBER_STATUSES),
    names: Texts,
    nameKana: z.string().nullable(),
    headTitle: Texts,
    defaultLocale: Locale,
    timeZone: z.string(),
    officeEmail: z.string().nullable(),
    postalAddress: z.string().nullable(),
    archived: z.boolean(),
    version: z.number().int(),
    updatedAt: DateTime,
  })
  .meta({ id: "Member" });

export const ContactOut = z
  .object({
    id: Id,
    memberId: Id,
    nameLocale: Locale,
    familyName: z.string().nullable(),
    givenName: z.string(),
    patronymic: z.string().nullable(),
    clanName: z.string().nullable(),
    latinFamilyName: z.string().nullable(),
    latinGivenName: z.string().nullable(),
    gender: z.enum(["female", "male"]).nullable(),
    honorific: z.enum(["mr", "ms", "dr", "prof", "excellency"]).nullable(),
    position: Texts,
    isHead: z.boolean(),
    isFocalPoint: z.boolean(),
    emails: z.array(z.string()),
    phone: z.string().nullable(),
    preferredLocale: Locale.nullable(),
    version: z.number().int(),
    updatedAt: DateTime,
  })
  .meta({ id: "Contact" });

export const SubcommitteeOut = z
  .object({
    id: Id,
    number: z.number().int().nullable(),
    names: Texts,
    members: z.array(z.object({ memberId: Id, isCoordinator: z.boolean() })),
  })
  .meta({ id: "Subcommittee" });

export const ProgrammeItemOut = z
  .object({
    id: Id,
    kind: z.enum(PROGRAMME_KINDS),
    startsAt: DateTime,
    endsAt: DateTime,
    title: Texts,
    description: Texts,
    place: Texts,
    attendanceAsked: z.boolean(),
    capacity: z.number().int().nullable(),
  })
  .meta({ id: "ProgrammeItem" });

export const EventOut = z
  .object({
    id: Id,
    kind: z.enum(EVENT_KINDS),
    status: z.enum(EVENT_STATUSES),
    title: Texts,
    description: Texts,
    venue: Texts,
    startsAt: DateTime,
    endsAt: DateTime,
    timeZone: z.string(),
    format: z.enum(EVENT_FORMATS),
    meetingUrl: z.string().nullable(),
    rsvpDeadline: DateTime.nullable(),
    delegationQuota: z.number().int(),
    hostMemberId: Id.nullable(),
    subcommitteeId: Id.nullable(),
    programme: z.array(ProgrammeItemOut),
    version: z.number().int(),
    updatedAt: DateTime,
  })
  .meta({ id: "Event" });

export const InvitationOut = z
  .object({
    id: Id,
    eventId: Id,
    memberId: Id,
    country: z.string(),
    memberNames: Texts,
    letterLocale: Locale,
    response: z.enum(INVITATION_RESPONSES),
    revision: z.number().int(),
    answeredAt: DateTime.nullable(),
    changedAt: DateTime.nullable(),
    lastMessageStatus: z.string().nullable().meta({ description: "Delivery status of the latest message to this member (queued, sent, bounced …)." }),
    people: z.number().int().meta({ description: "Size of the registered delegation." }),
    updatedAt: DateTime,
  })
  .meta({ id: "Invitation" });

export const PassportOut = z
  .object({
    nationality: z.string().nullable(),
    numberMasked: z.string().nullable().meta({ description: "Only the last three characters: •••••543." }),
    birthYear: z.string().nullable(),
  })
  .meta({ id: "PassportMasked", description: "Present only for a token with the visa:read scope, and only masked." });

export const DelegateOut = z
  .object({
    id: Id,
    position: z.number().int(),
    role: z.enum(DELEGATE_ROLES),
    nameLocale: Locale,
    familyName: z.string().nullable(),
    givenName: z.string(),
    patronymic: z.string().nullable(),
    latinFamilyName: z.string().nullable(),
    latinGivenName: z.string().nullable(),
    gender: z.enum(["female", "male"]).nullable(),
    honorific: z.string().nullable(),
    title: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    dietary: z.array(z.enum(DIETARY_TAGS)),
    dietaryNote: z.string().nullable(),
    accessibility: z.string().nullable(),
    interpretation: Locale.nullable(),
    arrivalAt: z.string().nullable(),
    departureAt: z.string().nullable(),
    hotel: z.string().nullable(),
    programme: z.array(Id),
    needsVisaLetter: z.boolean(),
    passport: PassportOut.optional(),
  })
  .meta({ id: "Delegate" });

export const ReplyOut = z
  .object({
    invitationId: Id,
    memberId: Id,
    country: z.string(),
    response: z.enum(INVITATION_RESPONSES),
    revision: z.number().int(),
    declineReason: z.string().nullable(),
    answeredAt: DateTime.nullable(),
    changedAt: DateTime.nullable(),
    delegates: z.array(DelegateOut),
  })
  .meta({ id: "Reply" });

export const RosterEntryOut = z
  .object({
    delegateId: Id,
    invitationId: Id,
    memberId: Id,
    country: z.string(),
    memberNames: Texts,
    role: z.enum(DELEGATE_ROLES),
    category: z.enum(PARTICIPANT_CATEGORIES),
    nameLocale: Locale,
    familyName: z.string().nullable(),
    givenName: z.string(),
    patronymic: z.string().nullable(),
    latinFamilyName: z.string().nullable(),
    latinGivenName: z.string().nullable(),
    honorific: z.string().nullable(),
    title: z.string().nullable(),
    checkedInAt: DateTime.nullable(),
  })
  .meta({ id: "RosterEntry" });

/** The check-in write: a delegate by id or by the code on their badge; `arrived: false` undoes it. */
export const CheckInIn = z
  .object({
    delegateId: z.uuid().optional(),
    code: z.string().trim().min(1).max(64).optional(),
    arrived: z.boolean().default(true),
  })
  .strict()
  .refine((value) => Boolean(value.delegateId) !== Boolean(value.code), "give either delegateId or code")
  .meta({ id: "CheckInRequest" });

export const CheckInOut = z
  .object({
    delegateId: Id,
    status: z.enum(["checked_in", "already", "undone", "not_checked_in"]),
    checkedInAt: DateTime.nullable(),
  })
  .meta({ id: "CheckInResult" });

export const ProblemOut = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details (application/problem+json)." });

const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      data: z.array(item),
      next: z.string().nullable().meta({ description: "Cursor of the next page (pass as ?cursor=), null on the last page." }),
    })
    .meta({ id });

/** PATCH bodies: any subset of the form's fields; what is left out keeps its current value. */
export const MemberPatch = MemberSchema.partial().meta({ id: "MemberPatch" });
export const ContactPatch = ContactSchema.partial().meta({
  id: "ContactPatch",
  description: "Any subset of the contact form's fields. `emails` is the form's text (addresses separated by commas); an array of addresses is accepted too.",
});

// ---- query parameters -----------------------------------------------------------------------------------------

const Paging = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(API_PAGE_MAX)
    .default(API_PAGE_DEFAULT)
    .meta({ description: `Rows per page, 1–${API_PAGE_MAX} (default ${API_PAGE_DEFAULT}).` }),
  cursor: z.string().max(600).optional().meta({ description: "The `next` value of the previous page." }),
};
const UpdatedSince = DateTime.optional().meta({ description: "Only rows changed at or after this instant (ISO 8601 with offset)." });

export const MemberQuery = z
  .object({
    ...Paging,
    country: CountrySchema.optional(),
    status: z.enum(MEMBER_STATUSES).optional(),
    kind: z.enum(MEMBER_KINDS).optional(),
    archived: z.enum(["true", "false"]).optional().meta({ description: "true: archived members only." }),
    updated_since: UpdatedSince,
  })
  .strict();
export const ContactQuery = z.object({ ...Paging, member: z.uuid().optional(), country: CountrySchema.optional(), updated_since: UpdatedSince }).strict();
export const EventQuery = z.object({ ...Paging, status: z.enum(EVENT_STATUSES).optional(), updated_since: UpdatedSince }).strict();
export const InvitationQuery = z
  .object({ ...Paging, status: z.enum(INVITATION_RESPONSES).optional(), country: CountrySchema.optional(), updated_since: UpdatedSince })
  .strict();
export const RosterQuery = z.object({ attendance: z.enum(["confirmed", "all", "checked_in", "not_checked_in"]).default("confirmed") }).strict();

// ---- the document ---------------------------------------------------------------------------------------------

const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: PROBLEM_TEXT[status] ?? "Error",
        content: { "application/problem+json": { schema: ProblemOut } },
        ...(status === 429 ? { headers: z.object({ "Retry-After": z.string().meta({ description: "Seconds until the token's window starts again." }) }) } : {}),
      },
    ]),
  );
const PROBLEM_TEXT: Record<number, string> = {
  400: "Malformed request: a bad parameter, cursor or body.",
  401: "No token, or a token that is unknown, expired or revoked.",
  403: "The token lacks the scope this route needs.",
  404: "No such record.",
  409: "The change conflicts with another record (a duplicate).",
  412: "If-Match names an older version: someone saved the record meanwhile. GET it again and retry.",
  413: `The body is larger than 64 KiB.`,
  415: "The body is not application/json.",
  422: "The body failed validation (the same rules as the staff form); `errors` says which fields.",
  428: "A write needs If-Match with the record's ETag.",
  429: `More than ${API_RATE_LIMIT.limit} requests a minute with this token; Retry-After says when to try again.`,
};
const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const withEtag = (schema: z.ZodType, description: string) => ({
  ...json(schema, description),
  headers: z.object({ ETag: z.string().meta({ description: "Send it back as If-Match to update." }) }),
});
const op = (scope: string, summary: string, rest: Omit<ZodOpenApiOperationObject, "security" | "summary">): ZodOpenApiOperationObject => ({
  summary,
  description: `${rest.description ?? ""}\n\nScope: \`${scope}\`.`.trim(),
  security: [{ bearer: [scope] }],
  ...rest,
  responses: { ...rest.responses, ...problems(401, 403, 429) },
});
const byId = (name: string) => z.object({ [name]: z.uuid() });

const PATHS: ZodOpenApiPathsObject = {
  "/members": {
    get: op("directory:read", "List members", {
      description: "Member governments by country and English name.",
      requestParams: { query: MemberQuery },
      responses: { "200": json(pageOf(MemberOut, "MemberPage"), "A page of members."), ...problems(400) },
    }),
  },
  "/members/{memberId}": {
    get: op("directory:read", "Get a member", {
      requestParams: { path: byId("memberId") },
      responses: { "200": withEtag(MemberOut, "The member."), ...problems(404) },
    }),
    patch: op("directory:write", "Update a member", {
      description: "Validated by the staff form's schema. Audited as directory.member_updated.",
      requestParams: { path: byId("memberId"), header: z.object({ "If-Match": z.string() }) },
      requestBody: { content: { "application/json": { schema: MemberPatch } } },
      responses: { "200": withEtag(MemberOut, "The saved member."), ...problems(400, 404, 409, 412, 413, 415, 422, 428) },
    }),
  },
  "/contacts": {
    get: op("directory:read", "List contacts", {
      requestParams: { query: ContactQuery },
      responses: { "200": json(pageOf(ContactOut, "ContactPage"), "A page of contacts."), ...problems(400) },
    }),
  },
  "/contacts/{contactId}": {
    get: op("directory:read", "Get a contact", {
      requestParams: { path: byId("contactId") },
      responses: { "200": withEtag(ContactOut, "The contact."), ...problems(404) },
    }),
    patch: op("directory:write", "Update a contact", {
      description: "Validated by the staff form's schema. Audited as directory.contact_updated.",
      requestParams: { path: byId("contactId"), header: z.object({ "If-Match": z.string() }) },
      requestBody: { content: { "application/json": { schema: ContactPatch } } },
      responses: { "200": withEtag(ContactOut, "The saved contact."), ...problems(400, 404, 409, 412, 413, 415, 422, 428) },
    }),
  },
  "/subcommittees": {
    get: op("directory:read", "List subcommittees", {
      description: "Every subcommittee with its members (coordinators first); one page.",
      responses: { "200": json(pageOf(SubcommitteeOut, "SubcommitteePage"), "The subcommittees.") },
    }),
  },
  "/events": {
    get: op("events:read", "List events", {
      description: "Events by start, each with its programme.",
      requestParams: { query: EventQuery },
      responses: { "200": json(pageOf(EventOut, "EventPage"), "A page of events."), ...problems(400) },
    }),
  },
  "/events/{eventId}": {
    get: op("events:read", "Get an event with its programme", {
      requestParams: { path: byId("eventId") },
      responses: { "200": json(EventOut, "The event."), ...problems(404) },
    }),
  },
  "/events/{eventId}/invitations": {
    get: op("invitations:read", "List an event's invitations with their status", {
      requestParams: { path: byId("eventId"), query: InvitationQuery },
      responses: { "200": json(pageOf(InvitationOut, "InvitationPage"), "A page of invitations."), ...problems(400, 404) },
    }),
  },
  "/events/{eventId}/replies": {
    get: op("replies:read", "List an event's replies with their delegations", {
      description: "Passport data never appears, except masked (number's last three characters, year of birth) for a token that also holds `visa:read`.",
      requestParams: { path: byId("eventId"), query: InvitationQuery },
      responses: { "200": json(pageOf(ReplyOut, "ReplyPage"), "A page of replies."), ...problems(400, 404) },
    }),
  },
  "/events/{eventId}/roster": {
    get: op("rosters:read", "The list of participants in protocol order", {
      description: "Country, then member, head of delegation first, in the event's protocol order; one page.",
      requestParams: { path: byId("eventId"), query: RosterQuery },
      responses: { "200": json(pageOf(RosterEntryOut, "RosterPage"), "The roster."), ...problems(400, 404) },
    }),
  },
  "/events/{eventId}/check-in": {
    post: op("checkin:write", "Check a delegate in (or undo it)", {
      description: "Idempotent: a second check-in keeps the first time. Audited as roster.checked_in.",
      requestParams: { path: byId("eventId") },
      requestBody: { content: { "application/json": { schema: CheckInIn } } },
      responses: { "200": json(CheckInOut, "The delegate's check-in state."), ...problems(400, 404, 413, 415, 422) },
    }),
  },
};

let cached: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document; `servers` is the portal's own address. */
export function openApiDocument(appUrl: string) {
  cached ??= createDocument({
    openapi: "3.1.0",
    info: {
      title: "Plenary API",
      version: "1",
      description:
        `Read the directory, events, invitations, replies and rosters of this portal; update members and contacts; check delegates in.\n\n` +
        `Authenticate with a personal token an administrator creates under Settings → API tokens: \`Authorization: Bearer plenary_…\`. ` +
        `Scopes: ${API_SCOPES.map((s) => `\`${s}\``).join(", ")}. Tokens expire after ${API_TOKEN_LIFETIMES.join(", ")} days (chosen at creation). ` +
        `Lists are pages: follow \`next\` with ?cursor= until it is null. Updates need If-Match with the ETag of the GET; a stale one gets 412. ` +
        `Each token may make ${API_RATE_LIMIT.limit} requests a minute (429 with Retry-After beyond). Errors are RFC 9457 problem documents.`,
    },
    servers: [{ url: "/api/v1" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A personal API token (plenary_…)." } } },
    paths: PATHS,
  });
  return { ...cached, servers: [{ url: `${appUrl.replace(/\/$/, "")}/api/v1` }] };
}

/** Lists that fit on one page take no parameters; unknown ones are still a 400. */
export const SubcommitteeListQuery = z.object({}).strict();
