import type { DB } from "~/db.server";
import { type EventRow, getEvent, listProgramme, type ProgrammeItemRow } from "~/models/event.server";
import { hasParticipantList } from "~/models/participant-list.server";
import { getSecretariat, type Secretariat } from "~/models/secretariat.server";

/** What every reply page of an event shows alike: the event, its programme, the secretariat and whether a List of Participants is out. */
export type EventFacts = Readonly<{ event: EventRow; programme: readonly ProgrammeItemRow[]; secretariat: Secretariat; participants: boolean }>;

/**
 * Event facts kept per process (issue 15: a scanner storm opens hundreds of an event's links at once, and each
 * page read the same four rows again). An entry is used only while the stamp read with the link in the same
 * request (`factsVersion` of findInvitationByToken: the row versions of everything read here) is unchanged, so a
 * change made by any process shows on the next page, and a cached page is never older than its link's lookup.
 * Concurrent misses share one read. Entries are frozen: the pages that share them cannot change them.
 */
const MAX_EVENTS = 200;
const caches = new WeakMap<DB, Map<string, { version: string; facts: Promise<EventFacts> }>>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

async function readFacts(db: DB, eventId: string): Promise<EventFacts> {
  const [event, programme, secretariat, participants] = await Promise.all([
    getEvent(db, { id: eventId }),
    listProgramme(db, { eventId }),
    getSecretariat(db),
    hasParticipantList(db, { eventId }),
  ]);
  if (!event) throw new Error(`event ${eventId} not found`);
  return deepFreeze({ event, programme, secretariat, participants });
}

/** The event's facts: from this process's cache when `version` matches the stored one, else read (and kept under `version`). */
export function eventFacts(db: DB, { eventId, version }: { eventId: string; version?: string | null }): Promise<EventFacts> {
  if (!version) return readFacts(db, eventId);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const kept = cache.get(eventId);
  if (kept && kept.version === version) {
    // most recently used last: the first key is the one to drop when the map is full
    cache.delete(eventId);
    cache.set(eventId, kept);
    return kept.facts;
  }
  const entry = { version, facts: readFacts(db, eventId) };
  cache.delete(eventId);
  cache.set(eventId, entry);
  if (cache.size > MAX_EVENTS) cache.delete(cache.keys().next().value!);
  // a failed read (the database went away) is not kept
  entry.facts.catch(() => {
    if (cache.get(eventId) === entry) cache.delete(eventId);
  });
  return entry.facts;
}
