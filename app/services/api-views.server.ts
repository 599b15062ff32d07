import type * as z from "zod";

import type { ContactOut, DelegateOut, EventOut, InvitationOut, MemberOut, ProgrammeItemOut, RosterEntryOut } from "~/lib/api-schemas";
import type { ApiContactRow, ApiEventRow, ApiInvitationRow } from "~/models/api.server";
import type { ProgrammeItemRow } from "~/models/event.server";
import type { MemberRow } from "~/models/member.server";
import type { DelegateRow } from "~/models/reply.server";
import type { RosterPerson } from "~/models/roster.server";

/** Rows as the API shows them (the shapes of app/lib/api-schemas.ts); dates leave as ISO 8601 strings. */

type Out<T extends z.ZodType> = z.input<T>;
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function memberOut(row: MemberRow & { updatedAt: Date }): Out<typeof MemberOut> {
  return {
    id: row.id,
    country: row.country,
    kind: row.kind,
    status: row.status,
    names: row.names,
    nameKana: row.nameKana,
    headTitle: row.headTitle,
    defaultLocale: row.defaultLocale,
    timeZone: row.timeZone,
    officeEmail: row.officeEmail,
    postalAddress: row.postalAddress,
    archived: Boolean(row.archivedAt),
    version: row.version,
    updatedAt: iso(row.updatedAt)!,
  };
}

export function contactOut(row: ApiContactRow): Out<typeof ContactOut> {
  return {
    id: row.id,
    memberId: row.memberId,
    nameLocale: row.nameLocale,
    familyName: row.familyName,
    givenName: row.givenName,
    patronymic: row.patronymic,
    clanName: row.clanName,
    latinFamilyName: row.latinFamilyName,
    latinGivenName: row.latinGivenName,
    gender: row.gender,
    honorific: row.honorific,
    position: row.position,
    isHead: row.isHead,
    isFocalPoint: row.isFocalPoint,
    emails: row.emails,
    phone: row.phone,
    preferredLocale: row.preferredLocale,
    version: row.version,
    updatedAt: iso(row.updatedAt)!,
  };
}

export function programmeItemOut(item: ProgrammeItemRow): Out<typeof ProgrammeItemOut> {
  return {
    id: item.id,
    kind: item.kind,
    startsAt: iso(item.startsAt)!,
    endsAt: iso(item.endsAt)!,
    title: item.title,
    description: item.description,
    place: item.place,
    attendanceAsked: item.attendanceAsked,
    capacity: item.capacity,
  };
}

export function eventOut(row: ApiEventRow, programme: ProgrammeItemRow[]): Out<typeof EventOut> {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    title: row.title,
    description: row.description,
    venue: row.venue,
    startsAt: iso(row.startsAt)!,
    endsAt: iso(row.endsAt)!,
    timeZone: row.timeZone,
    format: row.format,
    meetingUrl: row.meetingUrl,
    rsvpDeadline: iso(row.rsvpDeadline),
    delegationQuota: row.delegationQuota,
    hostMemberId: row.hostMemberId,
    subcommitteeId: row.subcommitteeId,
    programme: programme.map(programmeItemOut),
    version: row.version,
    updatedAt: iso(row.updatedAt)!,
  };
}

export function invitationOut(eventId: string, row: ApiInvitationRow): Out<typeof InvitationOut> {
  return {
    id: row.id,
    eventId,
    memberId: row.memberId,
    country: row.country,
    memberNames: row.memberNames,
    letterLocale: row.letterLocale as Out<typeof InvitationOut>["letterLocale"],
    response: row.response,
    revision: row.revision,
    answeredAt: iso(row.answeredAt),
    changedAt: iso(row.changedAt),
    lastMessageStatus: row.lastMessageStatus,
    people: row.people,
    updatedAt: iso(row.updatedAt)!,
  };
}

/**
 * A delegate without passport data; with `visa`, the masked number, year of birth and nationality only. The
 * passport name and expiry, the consent and the clear number never leave through the API.
 */
export function delegateOut(row: DelegateRow, visa: boolean): Out<typeof DelegateOut> {
  return {
    id: row.id,
    position: row.position,
    role: row.role,
    nameLocale: row.nameLocale,
    familyName: row.familyName,
    givenName: row.givenName,
    patronymic: row.patronymic,
    latinFamilyName: row.latinFamilyName,
    latinGivenName: row.latinGivenName,
    gender: row.gender,
    honorific: row.honorific,
    title: row.title,
    email: row.email,
    phone: row.phone,
    dietary: row.dietary,
    dietaryNote: row.dietaryNote,
    accessibility: row.accessibility,
    interpretation: row.interpretation,
    arrivalAt: row.arrivalAt,
    departureAt: row.departureAt,
    hotel: row.hotel,
    programme: row.programme,
    needsVisaLetter: row.needsVisaLetter,
    ...(visa && row.hasPassportData ? { passport: { nationality: row.nationality, numberMasked: row.passportNumberMasked, birthYear: row.birthYear } } : {}),
  };
}

export function rosterEntryOut(p: RosterPerson): Out<typeof RosterEntryOut> {
  return {
    delegateId: p.delegateId,
    invitationId: p.invitationId,
    memberId: p.memberId,
    country: p.country,
    memberNames: p.memberNames,
    role: p.role,
    category: p.category,
    nameLocale: p.nameLocale,
    familyName: p.familyName,
    givenName: p.givenName,
    patronymic: p.patronymic,
    latinFamilyName: p.latinFamilyName,
    latinGivenName: p.latinGivenName,
    honorific: p.honorific,
    title: p.title,
    checkedInAt: iso(p.checkedInAt),
  };
}

/** A member as its staff form holds it: the base a PATCH body is laid over before the form's schema checks it. */
export function memberFormValue(m: MemberRow): Record<string, unknown> {
  return {
    country: m.country,
    kind: m.kind,
    status: m.status,
    names: m.names,
    nameKana: m.nameKana ?? "",
    headTitle: m.headTitle,
    defaultLocale: m.defaultLocale,
    timeZone: m.timeZone,
    officeEmail: m.officeEmail ?? "",
    postalAddress: m.postalAddress ?? "",
    notes: m.notes ?? "",
  };
}

/** A contact as its staff form holds it (emails as the form's text). */
export function contactFormValue(c: ApiContactRow): Record<string, unknown> {
  return {
    nameLocale: c.nameLocale,
    familyName: c.familyName ?? "",
    givenName: c.givenName,
    patronymic: c.patronymic ?? "",
    clanName: c.clanName ?? "",
    latinFamilyName: c.latinFamilyName ?? "",
    latinGivenName: c.latinGivenName ?? "",
    gender: c.gender ?? "",
    honorific: c.honorific ?? "",
    position: c.position,
    isHead: c.isHead,
    isFocalPoint: c.isFocalPoint,
    emails: c.emails.join(", "),
    phone: c.phone ?? "",
    preferredLocale: c.preferredLocale ?? "",
  };
}
