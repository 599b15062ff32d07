/**
 * Check-in at the door, shared by the server and the device (offline check-in, issue 19 §5): how names are
 * searched, what the device keeps of the event's list, and the queue of check-ins waiting to be sent.
 */

/** A name, a member name or a code, folded for search: width, case, spaces and punctuation do not matter. */
export function foldForSearch(text: string) {
  return text
    .normalize("NFKC")
    .toLocaleLowerCase()
    .replace(/[\s.,·-]+/g, "");
}

/** Every written form of a person joined and folded, to look a query up in. */
export function searchText(values: (string | null | undefined)[]) {
  return foldForSearch(values.filter(Boolean).join(" "));
}

/** A badge's code as printed or typed: no spaces or dashes, capitals. */
export function normalizeCode(code: string) {
  return code.replace(/[\s-]/g, "").toUpperCase();
}

/** What is checked in: the whole event, or one programme item (by id). */
export const EVENT_SCOPE = "event";

/** One person as the device keeps them: names, delegation, category, badge code and check-in state only. */
export type DevicePerson = {
  id: string;
  name: string;
  latin: string;
  nameLang: string;
  member: string;
  category: string;
  code: string;
  /** the folded search text (names in every form, the delegation's names, the code) */
  search: string;
  /** EVENT_SCOPE and/or the programme items this person is checked in for */
  checkedIn: string[];
};

/** The event's list as the device keeps it (GET /events/<id>/check-in.json). */
export type DeviceList = {
  eventId: string;
  title: string;
  /** the server's time when the list was made */
  savedAt: string;
  programme: { id: string; title: string }[];
  people: DevicePerson[];
};

/** A check-in waiting on the device to be sent; `id` is made on the device and makes sending it twice harmless. */
export type QueuedItem = {
  id: string;
  eventId: string;
  delegateId: string;
  programmeItemId: string | null;
  /** the device's clock when the badge was scanned or the name tapped */
  scannedAt: string;
};

/** The sync endpoint's answer for one queued check-in. */
export type SyncResult =
  | {
      id: string;
      status: "checked_in" | "duplicate";
      replay: boolean;
      delegateId: string;
      programmeItemId: string | null;
      at: string;
      first: { at: string; by: string | null };
    }
  | { id: string; status: "unknown" };

/** At most this many check-ins go in one request; a longer queue is sent in several. */
export const MAX_SYNC_BATCH = 200;

/** People whose names or code contain the query, at most `limit`. */
export function findPeople(people: DevicePerson[], query: string, limit = 30) {
  const needle = foldForSearch(query);
  if (!needle) return [];
  return people.filter((p) => p.search.includes(needle)).slice(0, limit);
}

/** The person a badge's code belongs to. */
export function findByCode(people: DevicePerson[], code: string) {
  const normalized = normalizeCode(code);
  return normalized ? people.find((p) => p.code === normalized) : undefined;
}

/** Whether a person counts as checked in for a scope on this device: the last list says so, or a check-in waits to be sent. */
export function isCheckedIn(person: DevicePerson, scope: string, queue: QueuedItem[]) {
  return person.checkedIn.includes(scope) || queue.some((q) => q.delegateId === person.id && (q.programmeItemId ?? EVENT_SCOPE) === scope);
}

/** A random UUID (v4), also where crypto.randomUUID is missing (a page served over plain HTTP on the local network). */
export function newCheckInId(random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)) {
  const bytes = random(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
