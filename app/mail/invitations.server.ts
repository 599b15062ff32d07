import crypto from "node:crypto";

import { type DB, inTransaction, type Tx } from "~/db.server";
import type { Env } from "~/env.server";
import type { Lng } from "~/i18n";
import { awaitsAnswer } from "~/lib/answers";
import { toPersonName } from "~/lib/contact-display";
import { formatName } from "~/lib/names";
import { recipientsFor } from "~/lib/recipients";
import { messageIdFor } from "~/lib/tokens.server";
import { LINK_PLACEHOLDER } from "~/lib/tokens.server";
import { composeLetter, loadLetterIdentity } from "~/mail/compose.server";
import { parseMailFrom } from "~/mail/transport.server";
import { getLetterOptions, listAttachments, saveMessageDocuments } from "~/models/attachment.server";
import { type AudienceFilter, listAudience, listAudienceIds, lockEventForSending } from "~/models/audience.server";
import { writeAudit } from "~/models/audit.server";
import { enqueueMessages, existingMessageKeys, type NewMessage } from "~/models/email-message.server";
import { getEvent, listDueReminderSchedules } from "~/models/event.server";
import {
  ensureInvitations,
  ensureLinkToken,
  ensureLinkTokens,
  invitationLetterKey,
  invitationsOfMembers,
  issueFirstLinkTokens,
  type LinkKeys,
  listInvitations,
} from "~/models/invitation.server";
import { getLetter } from "~/models/letter.server";
import {
  type ClaimedSendWave,
  createSendWave,
  getSendWave,
  lockSendWaveChunk,
  recordSendWaveChunk,
  type SendWave,
  stopSendWave,
} from "~/models/send-wave.server";
import { letterPdfSpec, letterSources } from "~/services/letter-documents.server";
import type { GuestCategory } from "../../db/schema";

export class EventNotOpenError extends Error {}

/**
 * What hands out an invitation's link again: DATA_ENCRYPTION_KEY (links are random and sealed under it), and the
 * SESSION_SECRET-derived key of links issued before 2026-12-05 (recognised once, then sealed).
 */
export function linkKeys(env: Env): LinkKeys {
  return { key: env.DATA_ENCRYPTION_KEY, legacySecret: crypto.createHmac("sha256", env.SESSION_SECRET).update("plenary/link-secret").digest("hex") };
}

export function rsvpUrl(env: Env, token: string) {
  return `${env.APP_URL}/r/${token}`;
}

/** The reply link as a stored message holds it: masked; the worker puts the live token in when it sends. */
export function storedRsvpUrl(env: Env) {
  return rsvpUrl(env, LINK_PLACEHOLDER);
}

type Member = Awaited<ReturnType<typeof listAudience>>[number];

/** Recipients and language of one member, with display names for the address header. */
export function memberRecipients(member: Member) {
  return recipientsFor(
    member,
    member.contacts.map((c) => ({ ...c, displayName: formatName(toPersonName(c, "en"), "en", "formal") })),
  );
}

export type SendResult = { queued: number; alreadyInvited: number; noEmail: number };

type EventRow = NonNullable<Awaited<ReturnType<typeof getEvent>>>;

/**
 * The PDF letter of a member's invitation as its message stores it (issue 18 §8): the invitation's text in the
 * letter's language, then the second language when one is chosen, with the reply link masked. The invitation and
 * its reminders carry the same letter; the worker renders it when it sends.
 */
function invitationLetterSpec({
  env,
  event,
  member,
  letterLocale,
  secondLocale,
  identity,
  sources,
  now,
}: {
  env: Env;
  event: EventRow;
  member: Member;
  letterLocale: Lng;
  secondLocale: Lng | null;
  identity: Awaited<ReturnType<typeof loadLetterIdentity>>;
  sources: ReturnType<typeof letterSources>;
  now: Date;
}) {
  const head = member.contacts.find((c) => c.isHead);
  return letterPdfSpec({
    languages: [letterLocale, ...(secondLocale ? [secondLocale] : [])],
    inputFor: (lang, text) => ({
      kind: "invitation",
      locale: lang,
      letter: text,
      event,
      member,
      head: head ? toPersonName(head, lang) : null,
      rsvpUrl: storedRsvpUrl(env),
      identity,
    }),
    sources,
    now,
  });
}

/**
 * Issue 18 §8: what a queued letter carries besides its text, read once per batch: the letter as a PDF in the
 * recipient's language (when the event attaches it) and the given event files, stored with the message and
 * rendered or attached when it is sent.
 */
async function letterDocuments(trx: Tx, { env, event, identity }: { env: Env; event: EventRow; identity: Awaited<ReturnType<typeof loadLetterIdentity>> }) {
  const options = await getLetterOptions(trx, { eventId: event.id });
  const sources = letterSources(trx, event.id);
  const now = new Date();
  return async (idempotencyKey: string, { member, letterLocale, attachmentIds }: { member: Member; letterLocale: Lng; attachmentIds: string[] }) => {
    if (!options.attachPdf && !attachmentIds.length) return;
    const letter = options.attachPdf
      ? await invitationLetterSpec({ env, event, member, letterLocale, secondLocale: options.secondLocale, identity, sources, now })
      : null;
    await saveMessageDocuments(trx, { idempotencyKey, letter, attachmentIds });
  };
}

type InvitationParts = {
  env: Env;
  event: EventRow;
  member: Member;
  locale: Lng;
  letter: Awaited<ReturnType<typeof getLetter>>;
  english: Awaited<ReturnType<typeof getLetter>> | null;
  identity: Awaited<ReturnType<typeof loadLetterIdentity>>;
};

/** A member's letter (an invitation or a reminder) in one language, with the reply link masked. */
function composeMemberLetter(kind: "invitation" | "reminder", { env, event, member, locale, letter, english, identity }: InvitationParts) {
  const head = member.contacts.find((c) => c.isHead);
  return composeLetter({
    kind,
    locale,
    letter,
    english,
    event,
    member,
    head: head ? toPersonName(head, locale) : null,
    rsvpUrl: storedRsvpUrl(env),
    identity,
  });
}

/** Everything a composed invitation depends on, as one string: equal strings, equal letters. */
function invitationInputs({ env, event, member, locale, letter, english, identity }: InvitationParts) {
  return JSON.stringify([env.APP_URL, event, member, locale, letter, english, identity]);
}

/** The event's letter of this kind in each language, read once per transaction (or chunk) and language. */
function lettersByLanguage(db: DB | Tx, { eventId, kind }: { eventId: string; kind: "invitation" | "reminder" }) {
  const letters = new Map<Lng, Promise<Awaited<ReturnType<typeof getLetter>>>>();
  return (locale: Lng) => {
    if (!letters.has(locale)) letters.set(locale, getLetter(db, { eventId, kind, locale }));
    return letters.get(locale)!;
  };
}

/** A letter of a slice, ready for the outbox. */
type SliceLetter = { key: string; member: Member; letterLocale: Lng; message: NewMessage };

/**
 * Queues a slice's letters in one statement and stores the documents of those that were new (issue 18 §8);
 * returns the keys that were new (the others were in the outbox already).
 */
async function queueSlice(
  trx: Tx,
  letters: SliceLetter[],
  { saveDocuments, attachmentIds }: { saveDocuments: Awaited<ReturnType<typeof letterDocuments>>; attachmentIds: string[] },
): Promise<Set<string>> {
  const added = await enqueueMessages(
    trx,
    letters.map((letter) => letter.message),
  );
  for (const { key, member, letterLocale } of letters) if (added.has(key)) await saveDocuments(key, { member, letterLocale, attachmentIds });
  return added;
}

/** Invitation letters composed ahead of a transaction, by member, with the inputs they were composed from. */
export type PreparedLetters = Map<string, { inputs: string; message: Awaited<ReturnType<typeof composeLetter>> }>;

/**
 * Composes the invitations of these members before the transaction that queues them (a send wave's chunk):
 * rendering fifty letters takes tens of milliseconds, and on the embedded database an open transaction holds
 * the one connection the mail worker needs to record what it sent. The transaction uses a letter only when the
 * event, the member, the letter's text and the secretariat are still what it was composed from.
 */
export async function prepareInvitationLetters(
  db: DB,
  { env, eventId, memberIds, bilingual }: { env: Env; eventId: string; memberIds: string[]; bilingual: boolean },
) {
  const prepared: PreparedLetters = new Map();
  const event = await getEvent(db, { id: eventId });
  if (!event || event.status !== "open") return prepared;
  const [members, identity, english, invited] = await Promise.all([
    listAudience(db, { mode: "picked", memberIds }),
    loadLetterIdentity(db, env.APP_URL),
    bilingual ? getLetter(db, { eventId, kind: "invitation", locale: "en" }) : null,
    invitationsOfMembers(db, { eventId, memberIds }),
  ]);
  // invited already (a second wave to the same members, a retried chunk): the transaction would drop the letter
  const queued = await existingMessageKeys(db, { keys: invited.map((invitation) => invitationLetterKey(invitation.id)) });
  const invitedAlready = new Set(invited.filter((invitation) => queued.has(invitationLetterKey(invitation.id))).map((invitation) => invitation.memberId));
  const letterIn = lettersByLanguage(db, { eventId, kind: "invitation" });
  for (const member of members) {
    if (invitedAlready.has(member.id)) continue;
    const recipients = memberRecipients(member);
    if (recipients.noEmail) continue;
    const locale = recipients.locale;
    const parts: InvitationParts = { env, event, member, locale, letter: await letterIn(locale), english, identity };
    prepared.set(member.id, { inputs: invitationInputs(parts), message: await composeMemberLetter("invitation", parts) });
    // a turn of the event loop between letters: the mail worker's answers from the relay are taken in meanwhile
    await new Promise((resolve) => setImmediate(resolve));
  }
  return prepared;
}

/** Members prepared with one statement each for their invitations, links and letters. */
const INVITE_SLICE = 50;

/**
 * Prepares the invitation for each of these members that has not been invited yet: the invitation, its link
 * token and its outbox row, inside the caller's transaction (which holds the per-event lock). Each message's
 * idempotency key is (invitation, kind, revision), so a double click, a retry or concurrent posts create each
 * message once.
 */
async function inviteMembers(
  trx: Tx,
  {
    env,
    event,
    members,
    createdBy,
    bilingual,
    guest,
    prepared,
  }: {
    env: Env;
    event: EventRow;
    members: Member[];
    createdBy: string | null;
    bilingual: boolean;
    guest?: { category: GuestCategory; singlePerson: boolean };
    prepared?: PreparedLetters;
  },
): Promise<SendResult> {
  const result: SendResult = { queued: 0, alreadyInvited: 0, noEmail: 0 };
  const keys = linkKeys(env);
  const domain = parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid";
  const eventId = event.id;
  const english = bilingual ? await getLetter(trx, { eventId, kind: "invitation", locale: "en" }) : null;
  const identity = await loadLetterIdentity(trx, env.APP_URL);
  const letterIn = lettersByLanguage(trx, { eventId, kind: "invitation" });
  // issue 18 §8: the letter as a PDF and the event's files, referred to by the message and attached when it is sent
  const attachmentIds = (await listAttachments(trx, { eventId })).map((a) => a.id);
  const saveDocuments = await letterDocuments(trx, { env, event, identity });
  // a few statements per slice of members rather than a few per member (issue 15: a 5,000-letter wave)
  for (let start = 0; start < members.length; start += INVITE_SLICE) {
    const slice: { member: Member; recipients: ReturnType<typeof memberRecipients> }[] = [];
    for (const member of members.slice(start, start + INVITE_SLICE)) {
      const recipients = memberRecipients(member);
      if (recipients.noEmail) result.noEmail++;
      else slice.push({ member, recipients });
    }
    const invitations = await ensureInvitations(trx, {
      eventId,
      members: slice.map(({ member, recipients }) => ({ memberId: member.id, letterLocale: recipients.locale })),
      createdBy,
      guest,
    });
    // the link exists from now on; the stored letter holds it masked and the worker puts it in when sending
    const created = slice.map(({ member }) => invitations.get(member.id)!).filter((invitation) => invitation.created);
    await issueFirstLinkTokens(trx, { invitationIds: created.map((invitation) => invitation.id), keys });
    // invitations whose letter is queued already (a second wave to the same members): nothing to compose
    const earlier = slice.map(({ member }) => invitations.get(member.id)!).filter((invitation) => !invitation.created);
    const queuedBefore = await existingMessageKeys(trx, { keys: earlier.map((invitation) => invitationLetterKey(invitation.id)) });
    const letters: SliceLetter[] = [];
    for (const { member, recipients } of slice) {
      const invitation = invitations.get(member.id)!;
      if (!invitation.created) await ensureLinkToken(trx, { invitationId: invitation.id, keys });
      const key = invitationLetterKey(invitation.id);
      if (queuedBefore.has(key)) {
        result.alreadyInvited++;
        continue;
      }
      const parts: InvitationParts = {
        env,
        event,
        member,
        locale: invitation.letterLocale,
        letter: await letterIn(invitation.letterLocale),
        english,
        identity,
      };
      // composed before the transaction when nothing it depends on has changed since
      const ready = prepared?.get(member.id);
      const message = ready && ready.inputs === invitationInputs(parts) ? ready.message : await composeMemberLetter("invitation", parts);
      letters.push({
        key,
        member,
        letterLocale: invitation.letterLocale,
        message: letterMessage({ kind: "invitation", key, domain, event, invitation, recipients, message, createdBy }),
      });
    }
    const queued = await queueSlice(trx, letters, { saveDocuments, attachmentIds });
    for (const { key } of letters) {
      if (queued.has(key)) result.queued++;
      else result.alreadyInvited++;
    }
  }
  return result;
}

type LetterInput = {
  kind: "invitation" | "reminder";
  key: string;
  domain: string;
  event: EventRow;
  invitation: { id: string; letterLocale: Lng };
  recipients: ReturnType<typeof memberRecipients>;
  message: Awaited<ReturnType<typeof composeLetter>>;
  createdBy: string | null;
};

/**
 * The outbox row of a letter to one member (an invitation or a reminder): addressed as the member's recipients,
 * in the letter's language, retried until the reply deadline (or the event's start).
 */
function letterMessage({ kind, key, domain, event, invitation, recipients, message, createdBy }: LetterInput): NewMessage {
  return {
    idempotencyKey: key,
    messageId: messageIdFor(key, domain),
    kind,
    locale: invitation.letterLocale,
    eventId: event.id,
    invitationId: invitation.id,
    to: recipients.to,
    cc: recipients.cc,
    ...message,
    giveUpAt: event.rsvpDeadline ? new Date(event.rsvpDeadline) : new Date(event.startsAt),
    createdBy,
  };
}

/** The event, locked for sending, when it is open (invitations go out only then). */
export async function openEventForSending(trx: Tx, { eventId }: { eventId: string }): Promise<EventRow> {
  await lockEventForSending(trx, { eventId });
  const event = await getEvent(trx, { id: eventId });
  if (!event || event.status !== "open") throw new EventNotOpenError();
  return event;
}

/**
 * Sends the invitation to every member of the audience that has not been invited yet, in ONE transaction under
 * the per-event lock, and returns when all are queued. Staff start a send wave instead (startSendWave), which
 * returns at once; this one serves the benchmarks and tests that need the outbox filled before going on.
 */
export async function sendInvitations(
  db: DB,
  {
    env,
    eventId,
    audience,
    user,
    bilingual,
    ip,
  }: { env: Env; eventId: string; audience: AudienceFilter; user: { id: string; email: string }; bilingual: boolean; ip?: string },
): Promise<SendResult> {
  return inTransaction(db, async (trx) => {
    const event = await openEventForSending(trx, { eventId });
    const result = await inviteMembers(trx, { env, event, members: await listAudience(trx, audience), createdBy: user.id, bilingual });
    await writeAudit(trx, { actor: user, action: "invitations.sent", objectType: "event", objectId: eventId, ip, details: { ...result, bilingual } });
    return result;
  });
}

/**
 * Invites guests (issue 18 §3) to an open event, in one transaction under the per-event lock: each gets the same
 * letter, link and reply page as a member, its invitation fixing the category of the people it registers and
 * whether one person answers. Guests are few (a page's worth), so this is done at once rather than as a wave.
 * Ids that are not guests are ignored. One audit row names the guests invited.
 */
export async function inviteGuests(
  db: DB,
  {
    env,
    eventId,
    guestIds,
    category,
    singlePerson,
    bilingual,
    user,
    ip,
  }: {
    env: Env;
    eventId: string;
    guestIds: string[];
    category: GuestCategory;
    singlePerson: boolean;
    bilingual: boolean;
    user: { id: string; email: string };
    ip?: string;
  },
): Promise<SendResult> {
  return inTransaction(db, async (trx) => {
    const event = await openEventForSending(trx, { eventId });
    const guests = (await listAudience(trx, { mode: "picked", memberIds: guestIds })).filter((m) => m.guestKind);
    const result = await inviteMembers(trx, { env, event, members: guests, createdBy: user.id, bilingual, guest: { category, singlePerson } });
    await writeAudit(trx, {
      actor: user,
      action: "guests.invited",
      objectType: "event",
      objectId: eventId,
      ip,
      details: { ...result, guests: guests.map((g) => g.id), category, singlePerson, bilingual },
    });
    return result;
  });
}

/**
 * What the staff request does (issue 15): records a send wave for the audience as it stands now, with its audit
 * row, in one transaction, and returns at once. A runner prepares the invitations in chunks (runSendWave).
 */
export async function startSendWave(
  db: DB,
  {
    eventId,
    audience,
    user,
    bilingual,
    ip,
  }: { eventId: string; audience: AudienceFilter; user: { id: string; email: string }; bilingual: boolean; ip?: string },
): Promise<SendWave> {
  return inTransaction(db, async (trx) => {
    await openEventForSending(trx, { eventId });
    const memberIds = await listAudienceIds(trx, audience);
    const { wave } = await createSendWave(trx, { eventId, memberIds, bilingual, createdBy: user.id });
    await writeAudit(trx, {
      actor: user,
      action: "invitations.sent",
      objectType: "event",
      objectId: eventId,
      ip,
      details: { wave: wave.id, members: memberIds.length, bilingual },
    });
    return wave;
  });
}

/** Prepares one chunk of a wave this runner holds; what is left to do afterwards. */
export async function runSendWaveChunk(
  db: DB,
  {
    env,
    wave,
    runnerId,
    chunkSize,
    leaseSeconds,
    prepare = prepareInvitationLetters,
  }: {
    env: Env;
    wave: ClaimedSendWave;
    runnerId: string;
    chunkSize: number;
    leaseSeconds: number;
    /** what composes the letters ahead of the transaction (a test puts an edit between the two) */
    prepare?: typeof prepareInvitationLetters;
  },
): Promise<"more" | "done" | "lost" | "closed"> {
  try {
    if (wave.kind === "reminder") return await runReminderChunk(db, { env, wave, runnerId, chunkSize, leaseSeconds });
    // the letters of the chunk that comes next, composed before its transaction (prepareInvitationLetters)
    const next = await getSendWave(db, { eventId: wave.eventId, id: wave.id });
    const prepared = next
      ? await prepare(db, { env, eventId: wave.eventId, memberIds: wave.memberIds.slice(next.done, next.done + chunkSize), bilingual: wave.bilingual })
      : undefined;
    return await inTransaction(db, async (trx) => {
      const state = await lockSendWaveChunk(trx, { id: wave.id, runnerId });
      if (!state) return "lost";
      const event = await openEventForSending(trx, { eventId: wave.eventId });
      const ids = wave.memberIds.slice(state.done, state.done + chunkSize);
      const members = await listAudience(trx, { mode: "picked", memberIds: ids });
      const result = await inviteMembers(trx, { env, event, members, createdBy: wave.createdBy, bilingual: wave.bilingual, prepared });
      const finished = state.done + ids.length >= wave.memberIds.length;
      await recordSendWaveChunk(trx, { id: wave.id, members: ids.length, ...result, leaseSeconds, finished });
      return finished ? "done" : "more";
    });
  } catch (error) {
    if (error instanceof EventNotOpenError) {
      await stopSendWave(db, { id: wave.id, reason: "event_not_open" });
      return "closed";
    }
    throw error;
  }
}

/** An invitation a reminder goes to. */
type ReminderTarget = { id: string; memberId: string; letterLocale: Lng };

/** The idempotency key of a batch's reminder to an invitation: one per invitation and batch. */
const reminderKey = (invitation: { id: string }, batch: string) => `invitation:${invitation.id}:reminder:${batch}`;

/** Those of these invitations whose reminder of this batch is not in the outbox yet (automatic schedules run every minute). */
async function notYetReminded<T extends { id: string }>(trx: Tx, { invitations, batch }: { invitations: T[]; batch: string }): Promise<T[]> {
  const queued = await existingMessageKeys(trx, { keys: invitations.map((i) => reminderKey(i, batch)) });
  return invitations.filter((i) => !queued.has(reminderKey(i, batch)));
}

/**
 * Queues the reminders of one batch to these invitations (notYetReminded's), each in its letter's language, in the
 * caller's transaction, a slice at a time.
 */
async function queueReminders(
  trx: Tx,
  { env, event, batch, due, createdBy }: { env: Env; event: EventRow; batch: string; due: ReminderTarget[]; createdBy: string | null },
): Promise<{ queued: number; noEmail: number }> {
  let queued = 0;
  let noEmail = 0;
  if (!due.length) return { queued, noEmail };
  const domain = parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid";
  const members = new Map((await listAudience(trx, { mode: "picked", memberIds: due.map((i) => i.memberId) })).map((m) => [m.id, m]));
  const identity = await loadLetterIdentity(trx, env.APP_URL);
  // with the PDF letter option on, a reminder carries the invitation's PDF letter too (rendered when it is sent)
  const saveDocuments = await letterDocuments(trx, { env, event, identity });
  const keys = linkKeys(env);
  const letterIn = lettersByLanguage(trx, { eventId: event.id, kind: "reminder" });
  // a few statements per slice of invitations, as for invitations (issue 15: reminding 5,000)
  for (let start = 0; start < due.length; start += INVITE_SLICE) {
    const slice = due.slice(start, start + INVITE_SLICE).flatMap((invitation) => {
      const member = members.get(invitation.memberId);
      const recipients = member ? memberRecipients(member) : null;
      if (member && recipients && !recipients.noEmail) return [{ invitation, member, recipients }];
      noEmail++;
      return [];
    });
    await ensureLinkTokens(trx, { invitationIds: slice.map(({ invitation }) => invitation.id), keys });
    const reminders: SliceLetter[] = [];
    for (const { invitation, member, recipients } of slice) {
      const key = reminderKey(invitation, batch);
      const locale = invitation.letterLocale;
      const message = await composeMemberLetter("reminder", { env, event, member, locale, letter: await letterIn(locale), english: null, identity });
      reminders.push({
        key,
        member,
        letterLocale: invitation.letterLocale,
        message: letterMessage({ kind: "reminder", key, domain, event, invitation, recipients, message, createdBy }),
      });
    }
    queued += (await queueSlice(trx, reminders, { saveDocuments, attachmentIds: [] })).size;
  }
  return { queued, noEmail };
}

/** The event (locked for sending, open) and its invitations awaiting an answer, or those of them picked. */
async function remindable(trx: Tx, { eventId, invitationIds }: { eventId: string; invitationIds?: string[] }) {
  const event = await openEventForSending(trx, { eventId });
  const picked = invitationIds ? new Set(invitationIds) : null;
  const invitations = (await listInvitations(trx, { eventId })).filter((i) => awaitsAnswer(i.response) && (!picked || picked.has(i.id)));
  return { event, invitations };
}

/** Up to this many members, a reminder is queued at once (in the request, or the schedule's pass); more make a reminder wave. */
export const REMIND_IN_REQUEST = 50;

/** Whom to remind: `batch` comes from the page the button was on (a double click reminds once); `user` null: automatic. */
type RemindRequest = { env: Env; eventId: string; batch: string; invitationIds?: string[]; user: { id: string; email: string } | null; ip?: string };

/**
 * What the event page's Remind and the automatic schedules do (issue 15): a few reminders at once, as
 * sendReminders; to more members, a reminder wave (the members awaiting an answer and not yet reminded in this
 * batch, or those of them picked) with its audit row, returning at once; the send-wave runner queues the
 * reminders in chunks, and the page shows the wave's progress. `user` null: an automatic reminder.
 */
export async function startReminders(
  db: DB,
  { env, eventId, batch, invitationIds, user, ip, inRequestUpTo = REMIND_IN_REQUEST }: RemindRequest & { inRequestUpTo?: number },
): Promise<{ queued: number; wave?: undefined } | { wave: SendWave; queued?: undefined }> {
  return inTransaction(db, async (trx) => {
    const { event, invitations } = await remindable(trx, { eventId, invitationIds });
    const actor = user ?? { label: "automatic reminder" };
    const createdBy = user?.id ?? null;
    // who has this batch's reminder already (a schedule's later pass) is not counted
    const due = await notYetReminded(trx, { invitations, batch });
    if (due.length <= inRequestUpTo) {
      const { queued } = await queueReminders(trx, { env, event, batch, due, createdBy });
      if (due.length) await writeAudit(trx, { actor, action: "invitations.reminded", objectType: "event", objectId: eventId, ip, details: { queued, batch } });
      return { queued };
    }
    const memberIds = due.map((i) => i.memberId);
    const { wave, created } = await createSendWave(trx, { eventId, memberIds, bilingual: false, createdBy, kind: "reminder", batch });
    if (created) {
      await writeAudit(trx, {
        actor,
        action: "invitations.reminded",
        objectType: "event",
        objectId: eventId,
        ip,
        details: { wave: wave.id, members: memberIds.length, batch },
      });
    }
    return { wave };
  });
}

/**
 * Reminds invited members that have not answered (pending or undecided), each in its letter's language, all in one
 * transaction, never as a wave: the bulk bar's selection (at most BULK_MAX, inside its own all-or-nothing
 * transaction) and tests that need the outbox filled.
 */
export async function sendReminders(db: DB, request: RemindRequest): Promise<{ queued: number }> {
  return { queued: (await startReminders(db, { ...request, inRequestUpTo: Infinity })).queued ?? 0 };
}

/** Queues one chunk of a reminder wave this runner holds, in one transaction with the wave's progress. */
async function runReminderChunk(
  db: DB,
  { env, wave, runnerId, chunkSize, leaseSeconds }: { env: Env; wave: ClaimedSendWave; runnerId: string; chunkSize: number; leaseSeconds: number },
): Promise<"more" | "done" | "lost"> {
  return inTransaction(db, async (trx) => {
    const state = await lockSendWaveChunk(trx, { id: wave.id, runnerId });
    if (!state) return "lost";
    const event = await openEventForSending(trx, { eventId: wave.eventId });
    const ids = wave.memberIds.slice(state.done, state.done + chunkSize);
    // who answered since the click is not reminded (counted with those reminded already)
    const awaiting = (await invitationsOfMembers(trx, { eventId: wave.eventId, memberIds: ids })).filter((i) => awaitsAnswer(i.response));
    const batch = wave.batch ?? wave.id;
    const due = await notYetReminded(trx, { invitations: awaiting, batch });
    const result = await queueReminders(trx, { env, event, batch, due, createdBy: wave.createdBy });
    const finished = state.done + ids.length >= wave.memberIds.length;
    await recordSendWaveChunk(trx, {
      id: wave.id,
      members: ids.length,
      queued: result.queued,
      alreadyInvited: ids.length - result.queued - result.noEmail,
      noEmail: result.noEmail,
      leaseSeconds,
      finished,
    });
    return finished ? "done" : "more";
  });
}

/** Queues the automatic reminders that are due (each schedule once per invitation; see listDueReminderSchedules). */
export async function runReminderSchedules(db: DB, { env }: { env: Env }) {
  let queued = 0;
  for (const { eventId, days } of await listDueReminderSchedules(db)) {
    // to many members, a reminder wave: the worker's pass holds no transaction for minutes (issue 15)
    queued += (await startReminders(db, { env, eventId, batch: `auto-${days}`, user: null })).queued ?? 0;
  }
  return queued;
}
