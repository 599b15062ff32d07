import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, hasRole, requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CategorySelect, EventTools, ListLanguageSelect } from "~/components/event-tools";
import { Pagination } from "~/components/pagination";
import { ParticipantListPanel } from "~/components/participant-list-panel";
import { getDb } from "~/db.server";
import { isSupportedLng, supportedLngs } from "~/i18n";
import { actionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import { countryName, localized } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { type PageWindow, pageWindow } from "~/lib/paging";
import { protocolCountryName } from "~/lib/protocol";
import { audited } from "~/models/audit.server";
import { listProgramme } from "~/models/event.server";
import { listInvitedMembers } from "~/models/invitation.server";
import { getParticipantListSummary, publishParticipantList, unpublishParticipantList } from "~/models/participant-list.server";
import { freezeRosterVersion, getRosterVersion, listRosterVersions, saveProtocol, setDelegateCategory } from "~/models/roster.server";
import { eventSummary, requireEvent } from "~/services/event-view.server";
import { buildRoster, buildRosterPage, diffRosters, flatten, regroup, rosterFilterFrom, type RosterLine, type RosterView } from "~/services/roster-view.server";
import { PARTICIPANT_CATEGORIES, type ProtocolOrder, ROSTER_KINDS } from "../../db/schema";

import "~/lib/validation";

/** People shown at a time on the page (the PDF, print view and exports always hold everyone). */
const ROSTER_PAGE = 200;

/** The List of Participants: live or a frozen version, in any of the six languages, with filters, versions and diffs. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const event = await requireEvent(args.params.eventId);
  const locale = args.context.locale;
  const url = new URL(args.request.url);
  const lngParam = url.searchParams.get("lang");
  const lang = isSupportedLng(lngParam) ? lngParam : locale;
  const filter = rosterFilterFrom(url);
  const db = getDb();
  // the order of precedence is edited on request: its form names every invited member (2,000 at a large meeting)
  const editProtocol = hasRole(user, "staff") && url.searchParams.get("edit") === "protocol";
  const [versions, programme, invited, published] = await Promise.all([
    listRosterVersions(db, { eventId: event.id }),
    listProgramme(db, { eventId: event.id }),
    editProtocol ? listInvitedMembers(db, { eventId: event.id }) : [],
    getParticipantListSummary(db, { eventId: event.id }),
  ]);
  const versionNumber = Number(url.searchParams.get("version")) || null;
  const frozen = versionNumber ? await getRosterVersion(db, { eventId: event.id, number: versionNumber }) : undefined;
  if (versionNumber && !frozen) throw new Response("Not Found", { status: 404 });
  // a 10,000-person list comes a page at a time; each page repeats the headings of the delegation it starts in
  const pageParam = url.searchParams.get("page");
  let view: RosterView;
  let window: PageWindow;
  if (frozen) {
    const lines = frozen.rows as RosterLine[];
    window = pageWindow(lines.length, pageParam, ROSTER_PAGE);
    view = { ...regroup(frozen.locale, lines.slice(window.offset, window.offset + window.size)), count: lines.length };
  } else {
    // the page asked for, read once the list's size is known (a page past the end shows the last one)
    const requested = pageWindow(Number.MAX_SAFE_INTEGER, pageParam, ROSTER_PAGE);
    view = await buildRosterPage(db, event, { lang, filter, offset: requested.offset, limit: ROSTER_PAGE });
    window = pageWindow(view.count, pageParam, ROSTER_PAGE);
    if (window.page !== requested.page) view = await buildRosterPage(db, event, { lang, filter, offset: window.offset, limit: ROSTER_PAGE });
  }

  const compareA = Number(url.searchParams.get("from")) || null;
  const compareB = Number(url.searchParams.get("to")) || null;
  let diff = null;
  if (compareA && compareB) {
    const [a, b] = await Promise.all([
      getRosterVersion(db, { eventId: event.id, number: compareA }),
      getRosterVersion(db, { eventId: event.id, number: compareB }),
    ]);
    if (a && b) diff = { from: compareA, to: compareB, ...diffRosters(a.rows as RosterLine[], b.rows as RosterLine[]) };
  }

  const members = invited
    .map((m) => ({ id: m.id, country: m.country, name: localized(m.names, locale), nameEn: m.names.en ?? "" }))
    .sort((a, b) => a.country.localeCompare(b.country) || a.nameEn.localeCompare(b.nameEn));
  const countries = [...new Set(members.map((m) => m.country))].sort((a, b) => protocolCountryName(a).localeCompare(protocolCountryName(b)));
  return {
    event: eventSummary(event, locale),
    lang: view.lang,
    view,
    window,
    filter,
    frozen: frozen
      ? { number: frozen.number, kind: frozen.kind, at: formatDateTimeZoned(new Date(frozen.createdAt), locale, event.timeZone), by: frozen.createdByLabel }
      : null,
    versions: versions.map((v) => ({ ...v, at: formatDateTimeZoned(new Date(v.createdAt), locale, event.timeZone) })),
    // issue 18 §2: the published List of Participants (a version, consenting people only)
    published: published
      ? {
          number: published.versionNumber,
          kind: published.kind,
          isPublic: published.isPublic,
          at: formatDateTimeZoned(new Date(published.publishedAt), locale, event.timeZone),
        }
      : null,
    diff,
    programme: programme.filter((p) => p.attendanceAsked).map((p) => ({ id: p.id, title: localized(p.title, locale) })),
    categories: event.categories.length ? event.categories : [...PARTICIPANT_CATEGORIES],
    protocol: event.protocol ?? {},
    hostMemberId: event.hostMemberId,
    countries: countries.map((code) => ({ code, name: countryName(code, locale) })),
    members,
    canEdit: hasRole(user, "staff"),
    // one category form per person only on request: a list of 2,000 stays light
    editCategories: hasRole(user, "staff") && url.searchParams.get("edit") === "categories",
    editProtocol,
    visaLetters: canHandlePassports(user),
  };
}

const ProtocolSchema = z.object({
  intent: z.literal("protocol"),
  chairMemberId: z.string().uuid().optional(),
  chairFirst: z.literal("on").optional(),
  hostFirst: z.literal("on").optional(),
});
const FreezeSchema = z.object({ intent: z.literal("freeze"), kind: z.enum(ROSTER_KINDS), lang: z.enum(supportedLngs) });
const CategorySchema = z.object({ intent: z.literal("category"), delegateId: z.string().uuid(), category: z.enum(PARTICIPANT_CATEGORIES) });
const PublishSchema = z.object({ intent: z.literal("publish"), version: z.coerce.number().int().min(1), isPublic: z.literal("on").optional() });
const UnpublishSchema = z.object({ intent: z.literal("unpublish") });
/** The page's forms, one schema: which form by its intent, then its fields. */
const RosterActionSchema = z.discriminatedUnion("intent", [ProtocolSchema, FreezeSchema, CategorySchema, PublishSchema, UnpublishSchema]);
const REFUSALS = {
  protocol: "rosters:errors.protocol",
  freeze: "rosters:errors.freeze",
  category: "rosters:errors.category",
  publish: "delegation:publish.noVersions",
} as const;

/** Order ranks typed next to each country/member ("1", "2", …; empty = alphabetical after the ranked ones). */
function ranked(form: FormData, prefix: string) {
  return [...form.entries()]
    .filter(([key, value]) => key.startsWith(prefix) && typeof value === "string" && /^\d{1,3}$/.test(value.trim()))
    .map(([key, value]) => ({ id: key.slice(prefix.length), rank: Number(String(value).trim()) }))
    .sort((a, b) => a.rank - b.rank)
    .map((entry) => entry.id);
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const form = await readForm(args.request);
  const db = getDb();
  const back = new URL(args.request.url);
  back.searchParams.delete("saved");
  // the protocol form's ranks (`country.KR`, `member.<id>`) are read apart (ranked()); empty fields are not sent
  const parsed = RosterActionSchema.safeParse(Object.fromEntries([...form.entries()].filter(([k, v]) => !k.includes(".") && v !== "")));
  if (!parsed.success) {
    const intent = String(form.get("intent"));
    return actionError(intent in REFUSALS ? REFUSALS[intent as keyof typeof REFUSALS] : "rosters:errors.unknown", 400);
  }
  const data = parsed.data;
  switch (data.intent) {
    case "protocol": {
      const protocol: ProtocolOrder = {
        countryOrder: ranked(form, "country.").filter((code) => /^[A-Z]{2}$/.test(code)),
        memberOrder: ranked(form, "member.").filter((id) => z.string().uuid().safeParse(id).success),
        chairMemberId: data.chairMemberId ?? null,
        chairFirst: Boolean(data.chairFirst),
        hostFirst: Boolean(data.hostFirst),
      };
      await audited(db, (trx) => saveProtocol(trx, { eventId: event.id, protocol }), {
        actor: user,
        action: "roster.protocol_changed",
        objectType: "event",
        objectId: event.id,
        ip: args.context.clientIp,
        details: protocol,
      });
      back.searchParams.set("saved", "protocol");
      back.searchParams.delete("edit");
      return redirect(`${back.pathname}${back.search}`);
    }
    case "freeze": {
      const { kind, lang } = data;
      const filter = rosterFilterFrom(back);
      const view = await buildRoster(db, event, { lang, filter });
      const number = await audited(
        db,
        (trx) =>
          freezeRosterVersion(trx, {
            eventId: event.id,
            kind,
            locale: lang,
            createdBy: { id: user.id, label: user.displayName || user.email },
            filters: filter,
            rows: flatten(view),
          }),
        (number) => ({
          actor: user,
          action: "roster.version_frozen",
          objectType: "event",
          objectId: event.id,
          ip: args.context.clientIp,
          details: { number, kind, rows: view.count },
        }),
      );
      return redirect(`/events/${event.id}/roster?version=${number}`);
    }
    case "publish": {
      const isPublic = Boolean(data.isPublic);
      const ok = await audited(
        db,
        (trx) => publishParticipantList(trx, { eventId: event.id, versionNumber: data.version, isPublic, by: user.id }),
        (ok) =>
          ok
            ? {
                actor: user,
                action: "roster.list_published",
                objectType: "event",
                objectId: event.id,
                ip: args.context.clientIp,
                details: { version: data.version, public: isPublic },
              }
            : null,
      );
      if (!ok) return actionError(REFUSALS.publish, 400);
      return redirect(`/events/${event.id}/roster?list=published`);
    }
    case "unpublish": {
      await audited(
        db,
        (trx) => unpublishParticipantList(trx, { eventId: event.id }),
        (done) => (done ? { actor: user, action: "roster.list_unpublished", objectType: "event", objectId: event.id, ip: args.context.clientIp } : null),
      );
      return redirect(`/events/${event.id}/roster?list=withdrawn`);
    }
    case "category": {
      const ok = await setDelegateCategory(db, { eventId: event.id, delegateId: data.delegateId, category: data.category });
      if (!ok) throw new Response("Not Found", { status: 404 });
      back.searchParams.set("saved", "category");
      return redirect(`${back.pathname}${back.search}`);
    }
  }
}

export const handle = { i18n: ["common", "events", "reply", "rosters", "delegation"], title: "rosters:roster.title" satisfies PageTitle };

/** One frozen version of the list, to compare with another. */
function VersionSelect({
  label,
  name,
  value,
  versions,
}: {
  label: string;
  name: string;
  value: number;
  versions: { id: string; number: number; kind: string }[];
}) {
  const { t } = useTranslation("rosters");
  return (
    <label>
      {label}
      <select name={name} defaultValue={value}>
        {versions.map((v) => (
          <option key={v.id} value={v.number}>
            #{v.number} {t(`versions.kinds.${v.kind}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A rank number per country or member (`<prefix>.<id>`), prefilled from the saved order; empty = alphabetical. */
function RankFields({ legend, prefix, order, items }: { legend: string; prefix: string; order?: string[]; items: { id: string; label: string }[] }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="rank-grid">
        {items.map((item) => {
          const rank = order?.indexOf(item.id) ?? -1;
          return (
            <label key={item.id}>
              <input
                type="number"
                min={1}
                max={999}
                inputMode="numeric"
                name={`${prefix}.${item.id}`}
                defaultValue={rank >= 0 ? rank + 1 : ""}
                className="rank"
              />{" "}
              {item.label}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

/** The list's query with the per-person category forms switched on or off. */
/** The page's query with one editing mode on (`?edit=categories`, `?edit=protocol`) or none. */
function editToggle(query: URLSearchParams, mode: "categories" | "protocol" | null) {
  const next = new URLSearchParams(query);
  next.delete("page");
  if (mode) next.set("edit", mode);
  else next.delete("edit");
  return next.toString();
}

/** People added to or removed from the list between two versions. */
function PeopleList({ title, lines }: { title: string; lines: Pick<RosterLine, "key" | "name" | "nameLang" | "latin" | "member">[] }) {
  if (!lines.length) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul>
        {lines.map((l) => (
          <li key={l.key}>
            <span lang={l.nameLang}>{l.name}</span> {l.latin ? `(${l.latin})` : ""} — {l.member}
          </li>
        ))}
      </ul>
    </>
  );
}

export default function RosterRoute() {
  const { t } = useTranslation("rosters");
  const data = useLoaderData<typeof loader>();
  const { event, view, frozen, versions, diff, canEdit } = data;
  const [params] = useSearchParams();
  const query = new URLSearchParams(params);
  query.delete("saved");
  query.delete("from");
  query.delete("to");
  query.delete("edit");
  if (!query.get("lang")) query.set("lang", data.lang);
  const qs = query.toString();
  const saved = params.get("saved");
  const actionData = useActionData<typeof action>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/events">{t("common:nav.events")}</Link> › <Link to={`/events/${event.id}`}>{event.title}</Link>
      </p>
      <ActionErrorAlert data={actionData} />
      <div className="page-header">
        <div>
          <h1>{t("roster.title")}</h1>
          <p className="muted">
            {event.title} · {event.dates}
          </p>
        </div>
        <div className="actions">
          <a className="button primary" href={`/events/${event.id}/roster.pdf?${qs}`} download>
            {t("roster.pdf")}
          </a>
          <a className="button" href={`/events/${event.id}/roster/print?${qs}`} target="_blank" rel="noreferrer">
            {t("roster.print")}
          </a>
          <a className="button" href={`/events/${event.id}/roster.csv?${qs}`} download>
            CSV
          </a>
          <a className="button" href={`/events/${event.id}/roster.xlsx?${qs}`} download>
            XLSX
          </a>
        </div>
      </div>
      <EventTools eventId={event.id} visaLetters={data.visaLetters} />
      {saved ? (
        <p className="notice success" role="status">
          {t(`roster.saved.${saved === "protocol" ? "protocol" : "category"}`)}
        </p>
      ) : null}

      {frozen ? (
        <p className="notice" role="status">
          {t(`roster.viewingVersion.${frozen.kind}`, { number: frozen.number, at: frozen.at, by: frozen.by })}{" "}
          <Link to={`/events/${event.id}/roster?lang=${data.lang}`}>{t("roster.backToLive")}</Link>
        </p>
      ) : (
        <Form method="get" className="filters" aria-label={t("roster.filters")}>
          <ListLanguageSelect value={data.lang} />
          <CategorySelect categories={data.categories} value={data.filter.category} />
          {data.programme.length ? (
            <label>
              {t("roster.programmeItem")}
              <select name="programme" defaultValue={data.filter.programmeItemId ?? ""}>
                <option value="">{t("roster.wholeEvent")}</option>
                {data.programme.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label>
            {t("roster.attendance")}
            <select name="attendance" defaultValue={data.filter.attendance ?? "confirmed"}>
              {(["confirmed", "all", "checked_in", "not_checked_in"] as const).map((a) => (
                <option key={a} value={a}>
                  {t(`roster.attendanceOptions.${a}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button">
            {t("roster.apply")}
          </button>
        </Form>
      )}

      {view.count === 0 ? (
        <EmptyState title={t("roster.empty.title")} body={t("roster.empty.body")} />
      ) : (
        <div className="table-wrap">
          {canEdit && !frozen ? (
            <p className="actions">
              <Link className="button small" to={`?${editToggle(query, data.editCategories ? null : "categories")}`}>
                {data.editCategories ? t("roster.doneCategories") : t("roster.editCategories")}
              </Link>
            </p>
          ) : null}
          <table className="roster">
            <caption>{t("roster.caption", { count: view.count })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("columns.name")}</th>
                <th scope="col">{t("columns.title")}</th>
                <th scope="col">{t("columns.role")}</th>
                <th scope="col">{t("columns.category")}</th>
              </tr>
            </thead>
            {view.sections.map((section, si) => (
              <tbody key={`${section.heading}-${si}`}>
                <tr className="roster-section">
                  <th colSpan={4} scope="colgroup">
                    {section.heading}
                  </th>
                </tr>
                {section.members.map((member) => [
                  <tr key={`m-${member.memberId}`} className="roster-member">
                    <th colSpan={4} scope="rowgroup">
                      {member.heading}
                    </th>
                  </tr>,
                  ...member.lines.map((line) => (
                    <tr key={line.key}>
                      <td>
                        <span lang={line.nameLang}>{line.name}</span>
                        {line.latin ? <span className="muted block">{line.latin}</span> : null}
                      </td>
                      <td>{line.title}</td>
                      <td>{line.roleLabel}</td>
                      <td>
                        {data.editCategories && !frozen ? (
                          <Form method="post" className="inline">
                            <input type="hidden" name="intent" value="category" />
                            <input type="hidden" name="delegateId" value={line.key} />
                            <label className="visually-hidden" htmlFor={`cat-${line.key}`}>
                              {t("roster.categoryFor", { name: line.latin || line.name })}
                            </label>
                            <select id={`cat-${line.key}`} name="category" defaultValue={line.category}>
                              {PARTICIPANT_CATEGORIES.map((c) => (
                                <option key={c} value={c}>
                                  {t(`events:categories.${c}`)}
                                </option>
                              ))}
                            </select>
                            <button type="submit" className="button small">
                              {t("roster.setCategory")}
                            </button>
                          </Form>
                        ) : (
                          line.categoryLabel
                        )}
                      </td>
                    </tr>
                  )),
                ])}
              </tbody>
            ))}
          </table>
          <Pagination page={data.window.page} pages={data.window.pages} label={t("roster.pages")} window={data.window} />
        </div>
      )}

      <section className="panel" aria-labelledby="versions-heading">
        <h2 id="versions-heading">{t("versions.title")}</h2>
        <p className="muted">{t("versions.intro")}</p>
        {canEdit && !frozen ? (
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="freeze" />
            <input type="hidden" name="lang" value={data.lang} />
            <label>
              {t("versions.kind")}
              <select name="kind" defaultValue="provisional">
                {ROSTER_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`versions.kinds.${k}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button">
              {t("versions.freeze")}
            </button>
          </Form>
        ) : null}
        {versions.length ? (
          <>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t("versions.number")}</th>
                  <th scope="col">{t("versions.kind")}</th>
                  <th scope="col">{t("versions.at")}</th>
                  <th scope="col">{t("versions.by")}</th>
                  <th scope="col">{t("versions.rows")}</th>
                  <th scope="col">{t("versions.files")}</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id}>
                    <td>
                      <Link to={`/events/${event.id}/roster?version=${v.number}`}>#{v.number}</Link>
                    </td>
                    <td>{t(`versions.kinds.${v.kind}`)}</td>
                    <td>{v.at}</td>
                    <td>{v.createdByLabel}</td>
                    <td>{v.rowCount}</td>
                    <td>
                      <a href={`/events/${event.id}/roster.pdf?version=${v.number}`} download>
                        PDF
                      </a>{" "}
                      · <a href={`/events/${event.id}/roster.csv?version=${v.number}`}>CSV</a> ·{" "}
                      <a href={`/events/${event.id}/roster.xlsx?version=${v.number}`}>XLSX</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {versions.length > 1 ? (
              <Form method="get" className="inline">
                <VersionSelect label={t("versions.compareFrom")} name="from" value={diff?.from ?? versions[1].number} versions={versions} />
                <VersionSelect label={t("versions.compareTo")} name="to" value={diff?.to ?? versions[0].number} versions={versions} />
                <button type="submit" className="button">
                  {t("versions.compare")}
                </button>
              </Form>
            ) : null}
          </>
        ) : (
          <p>{t("versions.none")}</p>
        )}
        {diff ? (
          <div aria-live="polite" className="diff">
            <h3>{t("versions.diffTitle", { from: diff.from, to: diff.to })}</h3>
            {diff.added.length + diff.removed.length + diff.changed.length === 0 ? <p>{t("versions.noChanges")}</p> : null}
            <PeopleList title={t("versions.added", { count: diff.added.length })} lines={diff.added} />
            <PeopleList title={t("versions.removed", { count: diff.removed.length })} lines={diff.removed} />
            {diff.changed.length ? (
              <>
                <h4>{t("versions.changed", { count: diff.changed.length })}</h4>
                <ul>
                  {diff.changed.map((c) => (
                    <li key={c.after.key}>
                      <span lang={c.after.nameLang}>{c.after.name}</span> — {c.after.member}:{" "}
                      {c.fields
                        .map((f) =>
                          t("versions.changedField", {
                            field: t(`columns.${f}`),
                            before:
                              f === "role" ? c.before.roleLabel : f === "category" ? c.before.categoryLabel : f === "memberId" ? c.before.member : c.before[f],
                            after: f === "role" ? c.after.roleLabel : f === "category" ? c.after.categoryLabel : f === "memberId" ? c.after.member : c.after[f],
                          }),
                        )
                        .join("; ")}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        ) : null}
      </section>
      <ParticipantListPanel eventId={event.id} versions={versions} published={data.published} canEdit={canEdit} />

      {canEdit && !data.editProtocol ? (
        <section className="panel" aria-labelledby="protocol-heading">
          <h2 id="protocol-heading">{t("protocol.title")}</h2>
          <p className="muted">{t("protocol.intro")}</p>
          <Link className="button" to={`?${editToggle(query, "protocol")}#protocol-heading`}>
            {t("protocol.edit")}
          </Link>
        </section>
      ) : null}
      {canEdit && data.editProtocol ? (
        <section className="panel" aria-labelledby="protocol-heading">
          <h2 id="protocol-heading">{t("protocol.title")}</h2>
          <p className="muted">{t("protocol.intro")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="protocol" />
            <RankFields
              legend={t("protocol.countries")}
              prefix="country"
              order={data.protocol.countryOrder}
              items={data.countries.map((c) => ({ id: c.code, label: c.name }))}
            />
            <RankFields
              legend={t("protocol.members")}
              prefix="member"
              order={data.protocol.memberOrder}
              items={data.members.map((m) => ({ id: m.id, label: `${m.name} (${m.country})` }))}
            />
            <fieldset>
              <legend>{t("protocol.leading")}</legend>
              <label>
                {t("protocol.chair")}
                <select name="chairMemberId" defaultValue={data.protocol.chairMemberId ?? ""}>
                  <option value="">{t("protocol.noChair")}</option>
                  {data.members.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </select>
              </label>
              <label className="checkbox">
                <input type="checkbox" name="chairFirst" defaultChecked={Boolean(data.protocol.chairFirst)} /> {t("protocol.chairFirst")}
              </label>
              <label className="checkbox">
                <input type="checkbox" name="hostFirst" defaultChecked={Boolean(data.protocol.hostFirst)} disabled={!data.hostMemberId} />{" "}
                {t("protocol.hostFirst")}
              </label>
            </fieldset>
            <div className="actions">
              <button type="submit" className="button primary">
                {t("protocol.save")}
              </button>
              <Link className="button" to={`?${editToggle(query, null)}`}>
                {t("protocol.cancel")}
              </Link>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
