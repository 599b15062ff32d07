import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { QrScanner } from "~/components/qr-scanner";
import { type Lng, toSupportedLng } from "~/i18n";
import {
  type DeviceList,
  type DevicePerson,
  EVENT_SCOPE,
  findByCode,
  findPeople,
  isCheckedIn,
  MAX_SYNC_BATCH,
  newCheckInId,
  type QueuedItem,
  type SyncResult,
} from "~/lib/check-in";
import { formatTimeZoned } from "~/lib/dates";

const LIST_KEY = (eventId: string) => `plenary.check-in.list.${eventId}`;
const SCOPE_KEY = (eventId: string) => `plenary.check-in.scope.${eventId}`;
const QUEUE_KEY = "plenary.check-in.queue";

function readJson<T>(key: string): T | null {
  try {
    const text = window.localStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

function writeJson(key: string, value: unknown) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the page still works while it stays open
  }
}

/** The whole queue (every event's), as stored; read afresh before each change so two tabs do not undo each other. */
const readQueue = () => readJson<QueuedItem[]>(QUEUE_KEY) ?? [];

/** What the last check-in on this device came to, for the status line. */
export type DeviceOutcome =
  | { kind: "queued" | "already"; person: DevicePerson }
  | { kind: "sent"; person: DevicePerson; at: string }
  | { kind: "duplicate"; person: DevicePerson; at: string; by: string }
  | { kind: "unknownCode" }
  | { kind: "signedOut" };

/** A check-in another device had made first, as the server noted it. */
export type DeviceNote = { id: string; person: DevicePerson | undefined; at: string; by: string; scope: string };

/**
 * The device side of offline check-in: installs the page's service worker (public/check-in-sw.js, scoped to this
 * event's check-in page) and has it keep the page and its assets; keeps the event's list in localStorage; queues
 * check-ins with an id made here and sends them when the browser is online (at once, on `online` and on load).
 */
export function useDeviceCheckIn({ eventId, timeZone, onSynced }: { eventId: string; timeZone: string; onSynced: () => void }) {
  const { i18n } = useTranslation();
  const locale = (toSupportedLng(i18n.language) ?? "en") as Lng;
  const [hydrated, setHydrated] = useState(false);
  const [online, setOnline] = useState(true);
  const [list, setList] = useState<DeviceList | null>(null);
  const [queue, setQueue] = useState<QueuedItem[]>([]);
  const [scope, setScopeState] = useState(EVENT_SCOPE);
  const [outcome, setOutcome] = useState<DeviceOutcome | null>(null);
  const [notes, setNotes] = useState<DeviceNote[]>([]);
  const sending = useRef(false);
  const synced = useRef(onSynced);
  synced.current = onSynced;
  const time = useCallback((iso: string) => formatTimeZoned(new Date(iso), locale, timeZone), [locale, timeZone]);

  const saveList = useCallback(
    (next: DeviceList) => {
      writeJson(LIST_KEY(eventId), next);
      setList(next);
    },
    [eventId],
  );

  const download = useCallback(async () => {
    try {
      const response = await fetch(`/events/${eventId}/check-in.json`, { headers: { Accept: "application/json" }, redirect: "manual" });
      if (response.ok) saveList((await response.json()) as DeviceList);
    } catch {
      // offline: the saved list stays
    }
  }, [eventId, saveList]);

  const flush = useCallback(async () => {
    if (sending.current || !navigator.onLine) return;
    const batch = readQueue()
      .filter((q) => q.eventId === eventId)
      .slice(0, MAX_SYNC_BATCH);
    if (!batch.length) return;
    sending.current = true;
    let more = false;
    try {
      const body = new URLSearchParams({
        checkIns: JSON.stringify(batch.map(({ id, delegateId, programmeItemId, scannedAt }) => ({ id, delegateId, programmeItemId, scannedAt }))),
      });
      const response = await fetch(`/events/${eventId}/check-in.json`, { method: "POST", body, redirect: "manual", headers: { Accept: "application/json" } });
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        setOutcome({ kind: "signedOut" });
        return;
      }
      if (!response.ok) return;
      const { results } = (await response.json()) as { results: SyncResult[] };
      const done = new Set(results.map((r) => r.id));
      const remaining = readQueue().filter((q) => !done.has(q.id));
      writeJson(QUEUE_KEY, remaining);
      setQueue(remaining);
      const saved = readJson<DeviceList>(LIST_KEY(eventId));
      const people = new Map(saved?.people.map((p) => [p.id, p]));
      const newNotes: DeviceNote[] = [];
      for (const r of results) {
        if (r.status === "unknown") continue;
        const person = people.get(r.delegateId);
        const key = r.programmeItemId ?? EVENT_SCOPE;
        if (person && !person.checkedIn.includes(key)) person.checkedIn = [...person.checkedIn, key];
        if (r.status === "duplicate") newNotes.push({ id: r.id, person, at: time(r.first.at), by: r.first.by ?? "", scope: key });
      }
      if (saved) saveList(saved);
      if (newNotes.length) setNotes((current) => [...newNotes, ...current].slice(0, 20));
      // a single check-in sent at once: say how it went
      if (results.length === 1 && results[0].status !== "unknown") {
        const r = results[0];
        const person = people.get(r.delegateId);
        if (person)
          setOutcome(
            r.status === "duplicate"
              ? { kind: "duplicate", person, at: time(r.first.at), by: r.first.by ?? "" }
              : { kind: "sent", person, at: time(r.first.at) },
          );
      }
      synced.current();
      await download();
      more = readQueue().some((q) => q.eventId === eventId);
    } catch {
      // the connection dropped again: everything stays queued and goes with the next try
    } finally {
      sending.current = false;
    }
    // a queue longer than one batch goes on at once; after a failure, the next try is the timer's or the `online` event's
    if (more && navigator.onLine) void flush();
  }, [eventId, download, saveList, time]);

  useEffect(() => {
    setHydrated(true);
    setOnline(navigator.onLine);
    setList(readJson<DeviceList>(LIST_KEY(eventId)));
    setQueue(readQueue());
    const stored = window.localStorage.getItem(SCOPE_KEY(eventId));
    if (stored) setScopeState(stored);
    const goOnline = () => {
      setOnline(true);
      void flush();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener("online", goOnline);
    window.addEventListener("offline", goOffline);
    // the browser may think it is online while the server is out of reach (a captive network, a restart): try again;
    // and keep the device's list as fresh as the page, so that the network going finds it up to date
    const retry = window.setInterval(() => {
      if (!navigator.onLine || document.visibilityState !== "visible") return;
      void flush();
      void download();
    }, 15_000);
    if (navigator.onLine) void download().then(flush);
    registerWorker(eventId);
    return () => {
      window.removeEventListener("online", goOnline);
      window.removeEventListener("offline", goOffline);
      window.clearInterval(retry);
    };
  }, [eventId, download, flush]);

  const setScope = useCallback(
    (next: string) => {
      window.localStorage.setItem(SCOPE_KEY(eventId), next);
      setScopeState(next);
      setOutcome(null);
    },
    [eventId],
  );

  const checkIn = useCallback(
    (person: DevicePerson) => {
      const current = readQueue();
      if (isCheckedIn(person, scope, current)) {
        setOutcome({ kind: "already", person });
        return;
      }
      const item: QueuedItem = {
        id: typeof crypto.randomUUID === "function" ? crypto.randomUUID() : newCheckInId(),
        eventId,
        delegateId: person.id,
        programmeItemId: scope === EVENT_SCOPE ? null : scope,
        scannedAt: new Date().toISOString(),
      };
      const next = [...current, item];
      writeJson(QUEUE_KEY, next);
      setQueue(next);
      setOutcome({ kind: "queued", person });
      void flush();
    },
    [eventId, scope, flush],
  );

  const checkInCode = useCallback(
    (code: string) => {
      const person = list ? findByCode(list.people, code) : undefined;
      if (person) checkIn(person);
      else setOutcome({ kind: "unknownCode" });
    },
    [list, checkIn],
  );

  const pending = queue.filter((q) => q.eventId === eventId);
  return { hydrated, online, list, pending, scope, setScope, outcome, notes, checkIn, checkInCode, flush, refresh: download, time };
}

export type DeviceCheckIn = ReturnType<typeof useDeviceCheckIn>;

/**
 * Registers the check-in page's service worker and hands it what this page loaded, to keep for offline use; where
 * the browser cannot read QR codes itself, the jsQR decoder the camera scanner would load is fetched now and kept too.
 */
function registerWorker(eventId: string) {
  if (!("serviceWorker" in navigator)) return;
  const scope = `/events/${eventId}/check-in`;
  const loaded = () =>
    performance
      .getEntriesByType("resource")
      .map((entry) => new URL(entry.name))
      .filter((url) => url.origin === location.origin && /^\/(build\/|locales\/|favicon)/.test(url.pathname))
      .map((url) => url.href);
  navigator.serviceWorker
    .register("/check-in-sw.js", { scope })
    .then(() => navigator.serviceWorker.ready)
    .then(async (registration) => {
      const worker = registration.active ?? registration.waiting ?? registration.installing;
      worker?.postMessage({ type: "keep", page: scope, urls: loaded() });
      if (!window.BarcodeDetector) {
        await import("jsqr");
        worker?.postMessage({ type: "keep", page: scope, urls: loaded() });
      }
    })
    .catch(() => undefined);
}

/** The device's state: list saved, online or not, what waits to be sent, and what the check-ins are for. */
export function DeviceStatus({ device, programme }: { device: DeviceCheckIn; programme: { id: string; title: string }[] }) {
  const { t } = useTranslation("checkin");
  const { list, pending, online } = device;
  const names = new Map(list?.people.map((p) => [p.id, p]));
  return (
    <section className="panel device-check-in" aria-labelledby="device-heading">
      <h2 id="device-heading">{t("device.title")}</h2>
      {device.hydrated ? (
        <>
          <p className={`notice ${online ? "" : "warning"}`} role="status">
            {online ? t("device.online") : t("device.offline")}
          </p>
          <p className="device-list-state">{list ? t("device.saved", { count: list.people.length, at: device.time(list.savedAt) }) : t("device.notSaved")}</p>
          <p className="device-pending" aria-live="polite">
            <strong>{pending.length ? t("device.pending", { count: pending.length }) : t("device.nothingPending")}</strong>
          </p>
          {pending.length ? (
            <ul className="device-pending-list">
              {pending.map((q) => {
                const person = names.get(q.delegateId);
                return <li key={q.id}>{person ? `${person.latin || person.name} (${person.member})` : q.delegateId}</li>;
              })}
            </ul>
          ) : null}
          {pending.length && online ? (
            <button type="button" className="button" onClick={() => void device.flush()}>
              {t("device.sendNow")}
            </button>
          ) : null}
          {programme.length ? (
            <label className="block">
              {t("device.scope")}
              <select value={device.scope} onChange={(event) => device.setScope(event.target.value)}>
                <option value={EVENT_SCOPE}>{t("device.wholeEvent")}</option>
                {programme.map((item) => (
                  <option key={item.id} value={item.id}>
                    {item.title}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {device.notes.length ? (
            <>
              <h3>{t("device.notes")}</h3>
              <ul className="device-notes">
                {device.notes.map((note) => (
                  <li key={note.id}>{t("device.note", { name: note.person ? note.person.latin || note.person.name : "", at: note.at, by: note.by })}</li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : (
        <noscript>
          <p>{t("device.needsScript")}</p>
        </noscript>
      )}
    </section>
  );
}

/** The line that says what the last check-in on this device came to. */
export function DeviceOutcomeLine({ outcome }: { outcome: DeviceOutcome }) {
  const { t } = useTranslation("checkin");
  if (outcome.kind === "unknownCode") return <p className="notice error">{t("result.unknownCode")}</p>;
  if (outcome.kind === "signedOut") return <p className="notice error">{t("result.signedOut")}</p>;
  const values = { name: outcome.person.latin || outcome.person.name, member: outcome.person.member };
  if (outcome.kind === "sent") return <p className="notice success">{t("result.sent", { ...values, at: outcome.at })}</p>;
  if (outcome.kind === "duplicate") return <p className="notice">{t("result.duplicate", { ...values, at: outcome.at, by: outcome.by })}</p>;
  return <p className={`notice ${outcome.kind === "queued" ? "success" : ""}`}>{t(`result.${outcome.kind}`, values)}</p>;
}

/** Check-in from the list kept on the device: by badge (camera or typed code) and by name, sent when online. */
export function LocalCheckIn({ device }: { device: DeviceCheckIn }) {
  const { t } = useTranslation(["checkin", "events"]);
  const [query, setQuery] = useState("");
  const [code, setCode] = useState("");
  const people = device.list?.people ?? [];
  const matches = findPeople(people, query);
  if (!device.list) return <p className="notice">{t("device.notSaved")}</p>;
  return (
    <>
      <section className="panel" aria-labelledby="local-code-heading">
        <h2 id="local-code-heading">{t("local.byCode")}</h2>
        <QrScanner onCode={device.checkInCode} />
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            device.checkInCode(code);
            setCode("");
          }}
        >
          <label>
            {t("local.code")}
            <input value={code} onChange={(event) => setCode(event.target.value)} autoComplete="off" autoCapitalize="characters" spellCheck={false} required />
          </label>
          <button type="submit" className="button primary">
            {t("local.checkIn")}
          </button>
        </form>
      </section>
      <section className="panel" aria-labelledby="local-search-heading">
        <h2 id="local-search-heading">{t("local.byName")}</h2>
        <form role="search" className="inline" onSubmit={(event) => event.preventDefault()}>
          <label>
            {t("local.search")}
            <input type="search" value={query} onChange={(event) => setQuery(event.target.value)} autoComplete="off" />
          </label>
        </form>
        {query && matches.length === 0 ? <p>{t("local.noMatch", { q: query })}</p> : null}
        <ul className="check-in-list local-check-in-list">
          {matches.map((person) => {
            const done = isCheckedIn(person, device.scope, device.pending);
            const waiting = device.pending.some((q) => q.delegateId === person.id && (q.programmeItemId ?? EVENT_SCOPE) === device.scope);
            return (
              <li key={person.id}>
                <div>
                  <span lang={person.nameLang} className="strong">
                    {person.name}
                  </span>
                  {person.latin ? <span className="block muted">{person.latin}</span> : null}
                  <span className="block">
                    {person.member} · {t(`events:categories.${person.category}`)}
                  </span>
                  {done ? <span className="badge status-open">{waiting ? t("local.waiting") : t("local.checkedIn")}</span> : null}
                </div>
                {done ? null : (
                  <button type="button" className="button primary" onClick={() => device.checkIn(person)}>
                    {t("local.checkIn")}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}
