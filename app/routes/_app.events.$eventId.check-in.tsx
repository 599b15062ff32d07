import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, hasRole, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventTools } from "~/components/event-tools";
import { DeviceOutcomeLine, DeviceStatus, LocalCheckIn, useDeviceCheckIn } from "~/components/offline-check-in";
import { QrScanner } from "~/components/qr-scanner";
import { getDb } from "~/db.server";
import { htmlLang } from "~/i18n";
import { type ActionError, actionError, describeActionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { EVENT_SCOPE, foldForSearch, isCheckedIn, searchText } from "~/lib/check-in";
import { formatTimeZoned } from "~/lib/dates";
import { localized } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { protocolOrder } from "~/lib/protocol";
import { listCheckInNotes } from "~/models/check-in.server";
import { listProgramme } from "~/models/event.server";
import { findByCheckInCode, listRosterPeople, setCheckedIn } from "~/models/roster.server";
import { eventSummary, requireEvent } from "~/services/event-view.server";
import { nameForms } from "~/services/roster-view.server";

import "~/lib/validation";

/** The door: find a delegate by any form of their name or by the badge's code, mark arrival, see arrivals per delegation. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const event = await requireEvent(args.params.eventId);
  const locale = args.context.locale;
  const url = new URL(args.request.url);
  const q = (url.searchParams.get("q") ?? "").slice(0, 100);
  const db = getDb();
  const people = protocolOrder(await listRosterPeople(db, { eventId: event.id }), event.protocol ?? {}, event.hostMemberId);
  const time = (at: Date | null) => (at ? formatTimeZoned(new Date(at), locale, event.timeZone) : null);
  const needle = foldForSearch(q);
  const matches = needle
    ? people
        .filter((p) =>
          searchText([
            p.givenName,
            p.familyName,
            p.patronymic,
            p.latinGivenName,
            p.latinFamilyName,
            `${p.familyName ?? ""}${p.givenName}`,
            `${p.latinGivenName ?? ""} ${p.latinFamilyName ?? ""}`,
            `${p.latinFamilyName ?? ""} ${p.latinGivenName ?? ""}`,
            ...Object.values(p.memberNames),
            p.checkInCode,
          ]).includes(needle),
        )
        .slice(0, 30)
    : [];
  const delegations = new Map<string, { member: string; arrived: number; total: number }>();
  for (const p of people) {
    const entry = delegations.get(p.memberId) ?? { member: localized(p.memberNames, locale), arrived: 0, total: 0 };
    entry.total += 1;
    if (p.checkedInAt) entry.arrived += 1;
    delegations.set(p.memberId, entry);
  }
  const [programme, notes] = await Promise.all([listProgramme(db, { eventId: event.id }), listCheckInNotes(db, { eventId: event.id })]);
  const byId = new Map(people.map((p) => [p.delegateId, p]));
  return {
    event: eventSummary(event, locale),
    timeZone: event.timeZone,
    programme: programme.map((item) => ({ id: item.id, title: localized(item.title, locale) })),
    // a second check-in of someone already checked in (two devices at the door): kept as a note, who and when
    notes: notes.map((note) => {
      const person = byId.get(note.delegateId);
      const item = note.programmeItemId ? programme.find((i) => i.id === note.programmeItemId) : undefined;
      return {
        id: note.id,
        name: person ? nameForms(person).latin || nameForms(person).name : "",
        member: person ? localized(person.memberNames, locale) : "",
        scope: item ? localized(item.title, locale) : null,
        at: time(note.at),
        by: note.by ?? "",
      };
    }),
    q,
    matches: matches.map((p) => ({
      id: p.delegateId,
      ...nameForms(p),
      nameLang: htmlLang[p.nameLocale],
      member: localized(p.memberNames, locale),
      role: p.role,
      arrivedAt: time(p.checkedInAt),
    })),
    arrived: people.filter((p) => p.checkedInAt).length,
    total: people.length,
    delegations: [...delegations.entries()].map(([id, d]) => ({ id, ...d })),
    canCheckIn: hasRole(user, "staff"),
    visaLetters: canHandlePassports(user),
  };
}

const CheckInSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("arrive"), delegateId: z.string().uuid() }),
  z.object({ intent: z.literal("undo"), delegateId: z.string().uuid() }),
  z.object({ intent: z.literal("code"), code: z.string().trim().min(1).max(64) }),
]);

export type CheckInResult =
  | { ok: true; status: "checked_in" | "already" | "undone" | "not_checked_in"; name: string; latin: string; member: string; at: string | null }
  | { ok: false; error: ActionError };

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const parsed = CheckInSchema.safeParse(Object.fromEntries(await readForm(args.request)));
  if (!parsed.success) return actionError("rosters:checkIn.invalid", 400, undefined, { ok: false });
  const db = getDb();
  let delegateId: string;
  if (parsed.data.intent === "code") {
    // a badge's QR holds the bare code; a code typed by hand may carry spaces or dashes
    const found = await findByCheckInCode(db, { eventId: event.id, code: parsed.data.code });
    if (!found) return actionError("rosters:checkIn.unknownCode", 404, undefined, { ok: false });
    delegateId = found.id;
  } else delegateId = parsed.data.delegateId;
  const outcome = await setCheckedIn(db, { eventId: event.id, delegateId, by: user.id, arrived: parsed.data.intent !== "undo" });
  if (outcome.status === "not_found") return actionError("rosters:checkIn.unknownPerson", 404, undefined, { ok: false });
  const [person] = await listRosterPeople(db, { eventId: event.id, filter: { attendance: "all", delegateId } });
  const locale = args.context.locale;
  return Response.json({
    ok: true,
    status: outcome.status,
    ...(person ? nameForms(person) : { name: "", latin: "" }),
    member: person ? localized(person.memberNames, locale) : "",
    at: outcome.at ? formatTimeZoned(new Date(outcome.at), locale, event.timeZone) : null,
  } satisfies CheckInResult);
}

export const handle = { i18n: ["common", "events", "reply", "rosters", "checkin"], title: "rosters:checkIn.title" satisfies PageTitle };

/** The page can be installed on a phone or tablet at the door and opened without a connection (offline check-in). */
export const meta: MetaFunction = ({ params }) => [
  { tagName: "link", rel: "manifest", href: `/events/${params.eventId}/check-in.webmanifest`, crossOrigin: "use-credentials" },
];

export default function CheckInRoute() {
  const { t } = useTranslation("rosters");
  const data = useLoaderData<typeof loader>();
  const fetcher = useFetcher<CheckInResult>();
  const revalidator = useRevalidator();
  const [params] = useSearchParams();
  const device = useDeviceCheckIn({ eventId: data.event.id, timeZone: data.timeZone, onSynced: () => revalidator.revalidate() });
  // arrivals at other doors show up here within 15 seconds (not while offline: the page then works from the device's list)
  useEffect(() => {
    const timer = setInterval(
      () => revalidator.state === "idle" && document.visibilityState === "visible" && navigator.onLine && revalidator.revalidate(),
      15000,
    );
    return () => clearInterval(timer);
  }, [revalidator]);
  // offline, or checking in for a programme item: the list kept on the device, check-ins queued and sent when online
  const local = data.canCheckIn && device.hydrated && (!device.online || device.scope !== EVENT_SCOPE);
  const localPeople = device.list?.people ?? [];
  const arrived = local ? localPeople.filter((p) => isCheckedIn(p, device.scope, device.pending)).length : data.arrived;
  const total = local ? localPeople.length : data.total;
  // a check-in or undo made online at once updates the list kept on the device too
  const refreshDevice = device.refresh;
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) void refreshDevice();
  }, [fetcher.state, fetcher.data, refreshDevice]);
  const actionData = useActionData<CheckInResult>();
  // with JavaScript the answer comes to the fetcher; without it, the form posts the page and the answer comes back with it
  const result = fetcher.data ?? actionData;
  const busy = fetcher.state !== "idle";
  return (
    <div className="check-in">
      <p className="breadcrumb">
        <Link to={`/events/${data.event.id}`}>{data.event.title}</Link>
      </p>
      <h1>{t("checkIn.title")}</h1>
      <EventTools eventId={data.event.id} visaLetters={data.visaLetters} />
      <p className="check-in-count" aria-live="polite">
        <strong>{t("checkIn.arrived", { count: arrived, total })}</strong>
      </p>
      <meter min={0} max={Math.max(1, total)} value={arrived} aria-label={t("checkIn.progress")} className="check-in-meter" />

      <div role="status" aria-live="assertive" className="check-in-result">
        {local ? (
          device.outcome ? (
            <DeviceOutcomeLine outcome={device.outcome} />
          ) : null
        ) : result ? (
          result.ok ? (
            <p className={`notice ${result.status === "undone" || result.status === "not_checked_in" ? "" : "success"}`}>
              {t(`checkIn.result.${result.status}`, { name: result.latin || result.name, member: result.member, at: result.at ?? "" })}
            </p>
          ) : (
            <p className="notice error">{describeActionError(t, result.error)}</p>
          )
        ) : null}
      </div>

      {data.canCheckIn ? <DeviceStatus device={device} programme={data.programme} /> : null}

      {local ? <LocalCheckIn device={device} /> : null}

      {data.canCheckIn && !local ? (
        <section className="panel" aria-labelledby="code-heading">
          <h2 id="code-heading">{t("checkIn.byCode")}</h2>
          <QrScanner onCode={(code) => fetcher.submit({ intent: "code", code }, { method: "post" })} />
          <fetcher.Form method="post" className="inline">
            <input type="hidden" name="intent" value="code" />
            <label>
              {t("checkIn.code")}
              <input name="code" autoComplete="off" autoCapitalize="characters" spellCheck={false} inputMode="text" required />
            </label>
            <button type="submit" className="button primary" disabled={busy}>
              {t("checkIn.checkInCode")}
            </button>
          </fetcher.Form>
        </section>
      ) : null}

      {local ? null : (
        <section className="panel" aria-labelledby="search-heading">
          <h2 id="search-heading">{t("checkIn.byName")}</h2>
          <Form method="get" role="search" className="inline">
            <label>
              {t("checkIn.search")}
              <input type="search" name="q" defaultValue={params.get("q") ?? ""} autoComplete="off" />
            </label>
            <button type="submit" className="button">
              {t("checkIn.find")}
            </button>
          </Form>
          {data.q && data.matches.length === 0 ? <p>{t("checkIn.noMatch", { q: data.q })}</p> : null}
          <ul className="check-in-list">
            {data.matches.map((m) => (
              <li key={m.id}>
                <div>
                  <span lang={m.nameLang} className="strong">
                    {m.name}
                  </span>
                  {m.latin ? <span className="block muted">{m.latin}</span> : null}
                  <span className="block">
                    {m.member} · {t(`reply:roles.${m.role}`)}
                  </span>
                  {m.arrivedAt ? <span className="badge status-open">{t("checkIn.arrivedAt", { at: m.arrivedAt })}</span> : null}
                </div>
                {data.canCheckIn ? (
                  <fetcher.Form method="post">
                    <input type="hidden" name="delegateId" value={m.id} />
                    {m.arrivedAt ? (
                      <button type="submit" name="intent" value="undo" className="button" disabled={busy}>
                        {t("checkIn.undo")}
                      </button>
                    ) : (
                      <button type="submit" name="intent" value="arrive" className="button primary" disabled={busy}>
                        {t("checkIn.checkIn")}
                      </button>
                    )}
                  </fetcher.Form>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      )}

      {data.notes.length ? (
        <section className="panel" aria-labelledby="notes-heading">
          <h2 id="notes-heading">{t("checkin:notes.title")}</h2>
          <ul className="check-in-notes">
            {data.notes.map((note) => (
              <li key={note.id}>
                {t("checkin:notes.item", {
                  name: note.name,
                  member: note.member,
                  scope: note.scope ?? t("checkin:notes.event"),
                  at: note.at,
                  by: note.by,
                })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="delegations-heading">
        <h2 id="delegations-heading">{t("checkIn.delegations")}</h2>
        {data.delegations.length ? (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("columns.member")}</th>
                <th scope="col">{t("checkIn.arrivedColumn")}</th>
              </tr>
            </thead>
            <tbody>
              {data.delegations.map((d) => (
                <tr key={d.id}>
                  <td>{d.member}</td>
                  <td>{`${d.arrived} / ${d.total}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t("roster.empty.body")}</p>
        )}
      </section>
    </div>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
