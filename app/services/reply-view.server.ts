import crypto from "node:crypto";

import type { ContactChoice, DelegateValue, ReplyFormValue, StoredPassport } from "~/components/reply-form";
import type { DB } from "~/db.server";
import type { Env } from "~/env.server";
import type { Lng } from "~/i18n";
import { contactNameFields, toPersonName } from "~/lib/contact-display";
import { formatDateTimeZoned, formatEventDates, formatSlot, wallClockPattern } from "~/lib/dates";
import { countryName, localized } from "~/lib/directory";
import { formatName } from "~/lib/names";
import type { ReplyRules } from "~/lib/reply-schemas";
import { delegateLine } from "~/mail/replies.server";
import { listApprovalsOfInvitation, listPlacesOfInvitation } from "~/models/capacity.server";
import { type ContactRow, listContactsOfMember } from "~/models/contact.server";
import { type EventRow, listProgramme, type ProgrammeItemRow } from "~/models/event.server";
import type { InvitationLink } from "~/models/invitation.server";
import { type DelegateRow, getReply, type ReplyInvitation, type ReplyState } from "~/models/reply.server";
import type { Secretariat } from "~/models/secretariat.server";
import { type EventFacts, eventFacts } from "~/services/event-facts.server";

/** Whether a link holder may still change the reply: the event is open and its deadline (else its start) not passed. */
export function replyWindowOpen(event: Pick<EventRow, "status" | "rsvpDeadline" | "startsAt">, now = new Date()) {
  if (event.status !== "open") return false;
  const closes = new Date(event.rsvpDeadline ?? event.startsAt);
  return now < closes;
}

function contactValue(contact: ContactRow, locale: Lng): DelegateValue {
  return {
    ...contactNameFields(contact),
    title: localized(contact.position, locale),
    email: contact.emails[0] ?? "",
    phone: contact.phone ?? "",
  };
}

function delegateValue(d: DelegateRow): DelegateValue {
  const text = (v: string | null) => v ?? "";
  return {
    id: d.id,
    role: d.role,
    nameLocale: d.nameLocale,
    familyName: text(d.familyName),
    givenName: d.givenName,
    patronymic: text(d.patronymic),
    clanName: text(d.clanName),
    latinFamilyName: text(d.latinFamilyName),
    latinGivenName: text(d.latinGivenName),
    gender: text(d.gender),
    honorific: text(d.honorific),
    title: text(d.title),
    email: text(d.email),
    phone: text(d.phone),
    dietary: d.dietary,
    dietaryNote: text(d.dietaryNote),
    accessibility: text(d.accessibility),
    interpretation: text(d.interpretation),
    arrivalAt: text(d.arrivalAt),
    arrivalTransport: text(d.arrivalTransport),
    arrivalPlace: text(d.arrivalPlace),
    departureAt: text(d.departureAt),
    departureTransport: text(d.departureTransport),
    departurePlace: text(d.departurePlace),
    hotel: text(d.hotel),
    programme: d.programme,
    needsVisaLetter: d.needsVisaLetter ? "on" : undefined,
    listConsent: d.listConsent ? "on" : undefined,
    passportName: text(d.passportName),
    nationality: text(d.nationality),
    passportExpiry: text(d.passportExpiry),
    // never sent back to the browser: blank keeps the stored, encrypted values
    passportNumber: "",
    birthDate: "",
  };
}

/** What a reply to this invitation may contain: the event's quota, passport gate and programme items. */
function rulesOf(event: EventRow, reply: ReplyState, programme: readonly ProgrammeItemRow[], staff: boolean): ReplyRules {
  return {
    // a guest invited as one person registers that person only (issue 18 §3)
    quota: reply.singlePerson ? 1 : event.delegationQuota,
    singlePerson: reply.singlePerson,
    passportAllowed: event.passportCountries.includes(reply.memberCountry),
    programmeIds: programme.filter((item) => item.attendanceAsked).map((item) => item.id),
    storedPassport: reply.delegates.filter((d) => d.hasPassportData).map((d) => d.id),
    staff,
  };
}

/**
 * The rules a POSTed reply is checked against (the actions need only these, not the whole page). `programme` and
 * `invitation`: the event's programme and the invitation's row when the caller has them already (a reply link's
 * lookup and its event facts).
 */
export async function replyRules(
  db: DB,
  {
    env,
    event,
    invitationId,
    staff,
    programme,
    invitation,
  }: { env: Env; event: EventRow; invitationId: string; staff: boolean; programme?: readonly ProgrammeItemRow[]; invitation?: ReplyInvitation },
) {
  const [reply, items] = await Promise.all([
    getReply(db, { invitationId, key: env.DATA_ENCRYPTION_KEY, invitation }) as Promise<ReplyState>,
    programme ?? listProgramme(db, { eventId: event.id }),
  ]);
  return rulesOf(event, reply, items, staff);
}

/**
 * Whom a reader with a question writes to: the event's contact, else the secretariat (Settings → Identity: its
 * name, Reply-To address and phone); null when neither gives anything to write to or call.
 */
function whomToAsk(event: EventRow, secretariat: Secretariat, locale: Lng) {
  const own = { name: event.contactName, email: event.contactEmail, phone: event.contactPhone };
  if (own.email || own.phone) return own;
  const fallback = { name: own.name || localized(secretariat.name, locale) || secretariat.shortName, email: secretariat.replyTo, phone: secretariat.phone };
  return fallback.email || fallback.phone ? fallback : null;
}

export type ReplyPage = Awaited<ReturnType<typeof replyPageData>>;

/**
 * Everything the reply page shows, in `locale`: the event, the member, the reply so far (passport data only
 * masked), the form's rules and starting values. Shared by the link page and the staff page. `link`: the reply
 * link's lookup, whose stamp lets the event's facts come from this process's cache (services/event-facts.server.ts).
 */
export async function replyPageData(
  db: DB,
  { env, invitationId, locale, staff, link }: { env: Env; invitationId: string; locale: Lng; staff: boolean; link?: InvitationLink },
) {
  const [reply, contacts, places, approvals, facts] = await Promise.all([
    getReply(db, { invitationId, key: env.DATA_ENCRYPTION_KEY, invitation: link }) as Promise<ReplyState>,
    link ? listContactsOfMember(db, { memberId: link.memberId }) : undefined,
    listPlacesOfInvitation(db, { invitationId }),
    listApprovalsOfInvitation(db, { invitationId }),
    link ? eventFacts(db, { eventId: link.eventId, version: link.factsVersion }) : undefined,
  ]);
  const [eventFactsRead, memberContacts] = await Promise.all([
    facts ?? eventFacts(db, { eventId: reply.eventId }),
    contacts ?? listContactsOfMember(db, { memberId: reply.memberId }),
  ]);
  return pageOf({ invitationId, locale, staff, reply, facts: eventFactsRead, contacts: memberContacts, places, approvals });
}

/** The event as its reply pages show it in `locale`: the same for every link, made once per cached facts and language. */
const eventViews = new WeakMap<EventFacts, Map<Lng, ReturnType<typeof makeEventView>>>();

function eventView(facts: EventFacts, locale: Lng) {
  let views = eventViews.get(facts);
  if (!views) eventViews.set(facts, (views = new Map()));
  let view = views.get(locale);
  if (!view) views.set(locale, (view = Object.freeze(makeEventView(facts, locale))));
  return view;
}

function makeEventView({ event, programme, secretariat }: EventFacts, locale: Lng) {
  const venue = localized(event.venue, locale);
  const deadline = event.rsvpDeadline ? new Date(event.rsvpDeadline) : null;
  return {
    programmeLabels: new Map(programme.map((item) => [item.id, localized(item.title, locale)])),
    programmeChoices: programme
      .filter((item) => item.attendanceAsked)
      .map((item) => ({
        id: item.id,
        label: `${localized(item.title, locale)} (${formatSlot(new Date(item.startsAt), new Date(item.endsAt), locale, event.timeZone)})`,
      })),
    event: {
      id: event.id,
      title: localized(event.title, locale),
      description: localized(event.description, locale),
      dates: formatEventDates(new Date(event.startsAt), new Date(event.endsAt), locale, event.timeZone, venue || null),
      startsAt: new Date(event.startsAt).toISOString(),
      timeZone: event.timeZone,
      venue,
      format: event.format,
      meetingUrl: event.meetingUrl,
      status: event.status,
      deadline: deadline ? formatDateTimeZoned(deadline, locale, event.timeZone) : null,
      deadlineIso: deadline?.toISOString() ?? null,
      timePattern: wallClockPattern(locale),
      contact: whomToAsk(event, secretariat, locale),
      programme: programme.map((item) => ({
        id: item.id,
        title: localized(item.title, locale),
        place: localized(item.place, locale),
        slot: formatSlot(new Date(item.startsAt), new Date(item.endsAt), locale, event.timeZone),
      })),
    },
  };
}

function pageOf({
  invitationId,
  locale,
  staff,
  reply,
  facts,
  contacts,
  places,
  approvals,
}: {
  facts: EventFacts;
  invitationId: string;
  locale: Lng;
  staff: boolean;
  reply: ReplyState;
  contacts: ContactRow[];
  places: Awaited<ReturnType<typeof listPlacesOfInvitation>>;
  approvals: Awaited<ReturnType<typeof listApprovalsOfInvitation>>;
}) {
  // a waiting-list item stays ticked in the form, so saving again keeps the person's turn (issue 18 §7)
  const waitingFor = (id: string) => (places.get(id) ?? []).filter((p) => p.status === "waiting").map((p) => p.itemId);
  const { event, programme, secretariat, participants } = facts;
  const { programmeLabels, programmeChoices, event: eventShown } = eventView(facts, locale);
  const rules = rulesOf(event, reply, programme, staff);
  const head = contacts.find((c) => c.isHead);
  const headPrefill: DelegateValue | null =
    !reply.delegates.length && reply.response === "pending" && head ? { ...contactValue(head, reply.letterLocale), role: "head" } : null;
  const delegates: DelegateValue[] = reply.delegates.length
    ? reply.delegates.map((d) => delegateValue({ ...d, programme: [...new Set([...d.programme, ...waitingFor(d.id)])] }))
    : headPrefill
      ? [headPrefill]
      : [];
  const defaultValue: ReplyFormValue = {
    response: reply.response === "pending" ? undefined : reply.response,
    declineReason: reply.declineReason ?? "",
    delegates,
    revision: String(reply.revision),
    // a new id on every page view: the same click posted twice applies once (RELIABILITY L3)
    submission: crypto.randomUUID(),
  };
  const contactChoices: ContactChoice[] = contacts.map((c) => ({
    id: c.id,
    label: formatName(toPersonName(c, locale), locale, "formal"),
    value: contactValue(c, reply.letterLocale),
  }));
  const stored: StoredPassport[] = reply.delegates
    .filter((d) => d.hasPassportData)
    .map((d) => ({ id: d.id, numberMasked: d.passportNumberMasked, birthYear: d.birthYear }));
  return {
    invitationId,
    secretariatShortName: secretariat.shortName,
    /** whether the event's List of Participants is published (the link page offers it) */
    participants,
    rules,
    defaultValue,
    headPrefill,
    contacts: contactChoices,
    stored,
    programmeChoices,
    open: replyWindowOpen(event),
    member: { name: localized(reply.memberNames, locale), country: countryName(reply.memberCountry, locale) },
    letterLocale: reply.letterLocale,
    event: eventShown,
    reply: {
      response: reply.response,
      revision: reply.revision,
      declineReason: reply.declineReason,
      changedAt: reply.changedAt ? formatDateTimeZoned(new Date(reply.changedAt), locale, event.timeZone) : null,
      delegates: reply.delegates.map((d) => ({
        id: d.id,
        role: d.role,
        line: delegateLine(d, locale),
        needsVisaLetter: d.needsVisaLetter,
        listConsent: d.listConsent,
        passportNumberMasked: d.passportNumberMasked,
        birthYear: d.birthYear,
        programme: d.programme.map((id) => programmeLabels.get(id) ?? "").filter(Boolean),
      })),
    },
    /** per person: approval (when their category needs it) and waiting-list positions */
    standing: reply.delegates
      .map((d) => ({
        id: d.id,
        line: delegateLine(d, locale),
        approval: approvals.get(d.id) ?? "not_required",
        waiting: (places.get(d.id) ?? [])
          .filter((p) => p.status === "waiting")
          .map((p) => ({ item: programmeLabels.get(p.itemId) ?? "", position: p.position ?? 0 })),
      }))
      .filter((d) => d.approval !== "not_required" || d.waiting.length),
  };
}
