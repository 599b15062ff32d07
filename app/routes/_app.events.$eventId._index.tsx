import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, hasRole, requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { EmptyState } from "~/components/app-shell";
import { BulkBar, BulkNotice, BulkRowCheckbox, BulkSelectPage } from "~/components/bulk-bar";
import { DeliveryProgress } from "~/components/delivery-progress";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventSummary } from "~/components/event-summary";
import { EventTools } from "~/components/event-tools";
import { ConfirmAction } from "~/components/forms";
import { Pagination } from "~/components/pagination";
import { RowActions } from "~/components/row-actions";
import { SendWaveProgress } from "~/components/send-wave-progress";
import { SortableHeader } from "~/components/sortable-header";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { languageNames } from "~/i18n";
import { actionError } from "~/lib/action-error";
import { AWAITING_RESPONSES } from "~/lib/answers";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned, formatSlot, utcToLocalInput } from "~/lib/dates";
import { deliveryOf } from "~/lib/delivery";
import { localized } from "~/lib/directory";
import { EventPageActionSchema } from "~/lib/event-schemas";
import { allowedTransitions } from "~/lib/event-status";
import { titleFrom } from "~/lib/page-title";
import { pageWindow } from "~/lib/paging";
import { waveFinished, waveProgress } from "~/lib/send-wave";
import { sortFrom } from "~/lib/sorting";
import { EventNotOpenError, linkKeys, startReminders } from "~/mail/invitations.server";
import { wakeSendWaveRunners } from "~/mail/send-waves.server";
import { audited } from "~/models/audit.server";
import { eventCounts } from "~/models/dashboard.server";
import { countMessagesByStatus, getQueueState } from "~/models/email-message.server";
import { ConflictError } from "~/models/errors";
import { duplicateEvent, InvalidTransitionError, listProgramme, ReasonRequiredError, transitionEvent } from "~/models/event.server";
import {
  countInvitationsByResponse,
  INVITATION_SORTS,
  invitationOfEvent,
  listInvitations,
  reissueLinkToken,
  revokeLinkToken,
} from "~/models/invitation.server";
import { getSendWave, listOpenSendWaves } from "~/models/send-wave.server";
import { eventDetails, requireEvent } from "~/services/event-view.server";
import { INVITATION_RESPONSES, type InvitationResponse } from "../../db/schema";

/** Invitations shown at a time: a 5,000-invitation event stays a light page (issue 15). */
const INVITATIONS_PAGE = 100;
const AWAITING: InvitationResponse[] = [...AWAITING_RESPONSES];
const AnswerFilterSchema = z.enum(["all", "awaiting", ...INVITATION_RESPONSES]);

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const locale = args.context.locale;
  const event = await requireEvent(args.params.eventId);
  const url = new URL(args.request.url);
  const waveId = z.string().uuid().safeParse(url.searchParams.get("wave"));
  // a long list comes a page at a time (issue 15), filtered by answer in the URL; counts from one aggregate
  const answer = AnswerFilterSchema.catch("all").parse(url.searchParams.get("answer") ?? undefined);
  const responses = answer === "all" ? undefined : answer === "awaiting" ? AWAITING : [answer];
  const byResponse = await countInvitationsByResponse(getDb(), { eventId: event.id });
  const listed = responses ? responses.reduce((sum, r) => sum + byResponse[r], 0) : Object.values(byResponse).reduce((a, b) => a + b, 0);
  const window = pageWindow(listed, url.searchParams.get("page"), INVITATIONS_PAGE);
  // sorted on the server by the column asked for in the URL (issue 17), a page at a time
  const sort = sortFrom(url.searchParams, INVITATION_SORTS, "member");
  const awaiting = AWAITING.reduce((sum, r) => sum + byResponse[r], 0);
  const [programme, invitations, remindable, counts, queue, summary, waves, sentWave] = await Promise.all([
    listProgramme(getDb(), { eventId: event.id }),
    listInvitations(getDb(), { eventId: event.id, responses, limit: window.size, offset: window.offset, sort }),
    // the reminder panel ticks each member by name while they fit on a page; beyond, it reminds them all
    awaiting && awaiting <= INVITATIONS_PAGE ? listInvitations(getDb(), { eventId: event.id, responses: AWAITING }) : [],
    countMessagesByStatus(getDb(), { eventId: event.id }),
    getQueueState(getDb()),
    eventCounts(getDb(), { eventId: event.id }),
    listOpenSendWaves(getDb(), { eventId: event.id }),
    waveId.success ? getSendWave(getDb(), { eventId: event.id, id: waveId.data }) : undefined,
  ]);
  // a year later, same venue time: the usual starting point for next year's meeting
  const nextYear = new Date(event.startsAt);
  nextYear.setUTCFullYear(nextYear.getUTCFullYear() + 1);
  return {
    event: eventDetails(event, locale),
    summary,
    deadline: event.rsvpDeadline
      ? {
          at: formatDateTimeZoned(new Date(event.rsvpDeadline), locale, event.timeZone),
          days: Math.ceil((new Date(event.rsvpDeadline).getTime() - Date.now()) / 86_400_000),
        }
      : null,
    programme: programme.map((item) => ({
      id: item.id,
      kind: item.kind,
      title: localized(item.title, locale),
      place: localized(item.place, locale),
      slot: formatSlot(new Date(item.startsAt), new Date(item.endsAt), locale, event.timeZone),
      attendanceAsked: item.attendanceAsked,
      capacity: item.capacity,
    })),
    invitations: invitations.map((i) => ({
      id: i.id,
      member: localized(i.memberNames, locale),
      country: i.country,
      locale: i.letterLocale,
      response: i.response,
      people: Number(i.people),
      changedAt: i.changedAt ? formatDateTimeZoned(new Date(i.changedAt), locale, event.timeZone) : null,
      lastStatus: i.lastStatus,
      lastKind: i.lastKind,
      undelivered: i.lastUndelivered,
      emailedReply: i.lastEmailedReplyAt ? formatDateTimeZoned(i.lastEmailedReplyAt, locale, event.timeZone) : null,
    })),
    list: {
      answer,
      sort,
      page: window.page,
      pages: window.pages,
      listed,
      from: window.from,
      to: window.to,
      invited: Object.values(byResponse).reduce((a, b) => a + b, 0),
      awaiting,
    },
    remindable: remindable.map((i) => ({ id: i.id, member: localized(i.memberNames, locale), locale: i.letterLocale, response: i.response })),
    reminderBatch: crypto.randomUUID(),
    // sending paused (a broken relay password, or the relay asking to slow down): said where staff send
    queuePaused: queue.pausedAt ? queue.pauseKind : null,
    mail: deliveryOf(counts),
    // send waves being prepared (a progress bar each), and the one this page was sent to after it was started
    waves: waves.map(waveProgress),
    sentWave: sentWave && waveFinished(sentWave) ? waveProgress(sentWave) : null,
    linkChanged: url.searchParams.get("link"),
    transitions: allowedTransitions(event.status),
    duplicateStart: utcToLocalInput(nextYear, event.timeZone),
    canEdit: hasRole(user, "staff"),
    visaLetters: canHandlePassports(user),
    saved: url.searchParams.get("saved") === "1",
    conflict: url.searchParams.get("conflict") === "1",
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const formData = await readForm(args.request);
  const parsed = EventPageActionSchema.safeParse({ ...Object.fromEntries(formData), remindId: formData.getAll("remindId") });
  if (!parsed.success) {
    if (formData.get("intent") === "duplicate") return actionError("events:validation.dateTime", 400);
    throw new Response("Bad Request", { status: 400 });
  }
  const form = parsed.data;
  const db = getDb();
  const ip = args.context.clientIp;
  switch (form.intent) {
    case "reissue":
    case "revoke": {
      const { invitationId } = form;
      if (!(await invitationOfEvent(db, { eventId: event.id, invitationId }))) throw new Response("Not Found", { status: 404 });
      await audited(
        db,
        async (trx) => {
          if (form.intent === "reissue") await reissueLinkToken(trx, { invitationId, keys: linkKeys(getEnv()) });
          else await revokeLinkToken(trx, { invitationId });
        },
        { actor: user, action: `invitations.link_${form.intent}d`, objectType: "invitation", objectId: invitationId, ip },
      );
      return redirect(`/events/${event.id}?link=${form.intent}#invitations`);
    }
    case "remind": {
      const picked = form.picked === "1" ? form.remindId : undefined;
      if (picked && picked.length === 0) return actionError("invitations:remindNone", 400);
      try {
        const started = await startReminders(db, { env: getEnv(), eventId: event.id, batch: form.batch, invitationIds: picked, user, ip });
        if (started.wave) {
          wakeSendWaveRunners();
          return redirect(`/events/${event.id}?wave=${started.wave.id}#invitations`);
        }
        return redirect(`/events/${event.id}?bulk=remind&bulkCount=${started.queued}#invitations`);
      } catch (error) {
        if (error instanceof EventNotOpenError) return actionError("invitations:notOpen", 409);
        throw error;
      }
    }
    case "duplicate": {
      const { id } = await audited(
        db,
        (trx) => duplicateEvent(trx, { id: event.id, start: form.start }),
        ({ id }) => ({ actor: user, action: "events.duplicated", objectType: "event", objectId: id, ip, details: { from: event.id } }),
      );
      return redirect(`/events/${id}/edit`);
    }
    case "transition": {
      const { intent: _intent, ...transition } = form;
      try {
        await audited(
          db,
          (trx) => transitionEvent(trx, { id: event.id, ...transition }),
          ({ from, to }) => ({ actor: user, action: "events.status_changed", objectType: "event", objectId: event.id, ip, details: { from, to } }),
        );
      } catch (error) {
        if (error instanceof ConflictError) return redirect(`/events/${event.id}?conflict=1`);
        if (error instanceof InvalidTransitionError) {
          return actionError("events:status.invalid", 409, { from: { key: `events:statuses.${error.from}` }, to: { key: `events:statuses.${error.to}` } });
        }
        if (error instanceof ReasonRequiredError) return actionError("events:status.reasonRequired", 400);
        throw error;
      }
      return redirect(`/events/${event.id}`);
    }
  }
}

export const handle = {
  i18n: ["common", "directory", "events", "invitations", "rosters", "design", "bulk"],
  title: titleFrom<typeof loader>((data) => (data?.event?.title ? { text: data.event.title } : null)),
};

export default function EventRoute() {
  const { t } = useTranslation("events");
  const {
    queuePaused,
    event,
    summary,
    deadline,
    programme,
    invitations,
    list,
    remindable,
    mail,
    waves,
    sentWave,
    linkChanged,
    reminderBatch,
    transitions,
    duplicateStart,
    canEdit,
    visaLetters,
    saved,
    conflict,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const missingTexts = (["title", "venue", "description"] as const).filter((k) => event.missing[k].length);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/events">{t("common:nav.events")}</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{event.title}</h1>
          <p className="muted">
            {t(`kinds.${event.kind}`)}
            {event.subcommittee ? ` · ${event.subcommittee}` : ""} <span className={`badge status-${event.status}`}>{t(`statuses.${event.status}`)}</span>
            {event.isDemo ? <span className="badge">{t("directory:demo.badge")}</span> : null}
          </p>
        </div>
        <div className="actions">
          <a href={`/events/${event.id}/calendar.ics`} className="button" download>
            {t("detail.downloadIcs")}
          </a>
          {canEdit ? (
            <Link to={`/events/${event.id}/edit`} className="button">
              {t("detail.edit")}
            </Link>
          ) : null}
        </div>
      </div>
      <EventTools eventId={event.id} visaLetters={visaLetters} />
      <EventSummary counts={summary} deadline={deadline} />
      {saved ? (
        <p className="notice success" role="status">
          {t("directory:form.saved")}
        </p>
      ) : null}
      {conflict ? (
        <p className="notice" role="alert">
          {t("directory:form.conflict")}
        </p>
      ) : null}
      <ActionErrorAlert data={actionData} />
      {event.status === "cancelled" && event.cancelReason ? (
        <p className="notice" role="status">
          {t("detail.cancelledBecause", { reason: event.cancelReason })}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="facts-heading">
        <h2 id="facts-heading">{t("detail.facts")}</h2>
        <dl className="facts">
          <dt>{t("fields.when")}</dt>
          <dd>{event.dates}</dd>
          <dt>{t("fields.timeZone")}</dt>
          <dd>
            {event.timeZone} ({event.offset})
          </dd>
          {event.host ? (
            <>
              <dt>{t("fields.host")}</dt>
              <dd>{event.host}</dd>
            </>
          ) : null}
          <dt>{t("fields.format")}</dt>
          <dd>
            {t(`formats.${event.format}`)}
            {event.meetingUrl ? (
              <a href={event.meetingUrl} rel="noreferrer noopener" target="_blank">
                {event.meetingUrl}
              </a>
            ) : null}
          </dd>
          <dt>{t("fields.rsvpDeadline")}</dt>
          <dd>{event.deadline ?? <span className="muted">{t("detail.noDeadline")}</span>}</dd>
          {event.reminderDays.length ? (
            <>
              <dt>{t("fields.reminderDays")}</dt>
              <dd>{t("detail.reminderDays", { days: event.reminderDays.join(", ") })}</dd>
            </>
          ) : null}
          <dt>{t("fields.quota")}</dt>
          <dd>{t("detail.quota", { count: event.quota })}</dd>
          <dt>{t("fields.categories")}</dt>
          <dd>{event.categories.map((c) => t(`categories.${c}`)).join(", ")}</dd>
          {event.contact.name || event.contact.email ? (
            <>
              <dt>{t("fields.contact")}</dt>
              <dd>{[event.contact.name, event.contact.email, event.contact.phone].filter(Boolean).join(" · ")}</dd>
            </>
          ) : null}
        </dl>
        {event.description ? <p className="pre description">{event.description}</p> : null}
        {missingTexts.length ? (
          <p className="small muted">
            {missingTexts
              .map((k) => t("detail.missing", { what: t(`fields.${k}`), languages: event.missing[k].map((l) => languageNames[l]).join(", ") }))
              .join(" ")}
          </p>
        ) : null}
      </section>

      {canEdit && transitions.length ? (
        <section className="panel" aria-labelledby="status-heading">
          <h2 id="status-heading">{t("status.title")}</h2>
          <p className="muted">{t(`status.explain.${event.status}`)}</p>
          <div className="actions">
            {transitions.map((to) => (
              <details key={to} className="confirm">
                <summary className={to === "cancelled" ? "button danger-outline" : "button"}>{t(`status.to.${to}`)}</summary>
                <div className="confirm-panel">
                  <p>{t(`status.confirm.${to}`)}</p>
                  <Form method="post" className="stacked-form">
                    <input type="hidden" name="version" value={event.version} />
                    {to === "cancelled" ? (
                      <div className="field">
                        <label htmlFor="reason">{t("status.reason")}</label>
                        <textarea id="reason" name="reason" rows={2} required maxLength={1000} />
                      </div>
                    ) : null}
                    <button type="submit" name="to" value={to} className={to === "cancelled" ? "button danger" : "button primary"}>
                      {t(`status.to.${to}`)}
                    </button>
                  </Form>
                </div>
              </details>
            ))}
          </div>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="programme-heading">
        <div className="section-header">
          <h2 id="programme-heading">{t("programme.title")}</h2>
          {canEdit ? (
            <Link to={`/events/${event.id}/programme/new`} className="button">
              {t("programme.add")}
            </Link>
          ) : null}
        </div>
        {programme.length === 0 ? (
          <p className="empty-inline">{t("programme.empty")}</p>
        ) : (
          <ol className="programme">
            {programme.map((item) => (
              <li key={item.id}>
                <div className="programme-time">{item.slot}</div>
                <div>
                  <strong>{item.title}</strong> <span className="badge">{t(`programme.kinds.${item.kind}`)}</span>
                  {item.place ? <div className="muted">{item.place}</div> : null}
                  {item.attendanceAsked ? (
                    <div className="small">{item.capacity ? t("programme.attendanceCapacity", { count: item.capacity }) : t("programme.attendanceAsked")}</div>
                  ) : null}
                  <div className="small">
                    <a href={`/events/${event.id}/programme/${item.id}/calendar.ics`} download>
                      {t("programme.ics")}
                    </a>
                    {canEdit ? (
                      <>
                        {" · "}
                        <Link to={`/events/${event.id}/programme/${item.id}`}>{t("programme.edit")}</Link>
                      </>
                    ) : null}
                  </div>
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="invitations-heading" id="invitations" className="panel">
        <div className="section-header">
          <h2 id="invitations-heading">{t("invitations.title")}</h2>
          {canEdit && event.status === "open" ? (
            <div className="actions">
              <Link to={`/events/${event.id}/invitations`} className="button primary">
                {t("invitations:invite")}
              </Link>
              <Link to={`/events/${event.id}/letters`} className="button">
                {t("invitations:editLetters")}
              </Link>
            </div>
          ) : null}
          {list.invited ? (
            <Link to={`/events/${event.id}/replies`} className="button">
              {t("invitations:repliesOverview")}
            </Link>
          ) : null}
        </div>
        {waves.map((wave) => (
          <SendWaveProgress key={wave.id} eventId={event.id} wave={wave} />
        ))}
        {sentWave?.status === "done" ? (
          <p className="notice success" role="status">
            {sentWave.kind === "reminder" ? t("bulk:done.remind", { count: sentWave.queued }) : t("invitations:queued", { count: sentWave.queued })}
          </p>
        ) : null}
        {sentWave?.status === "stopped" ? (
          <p className="notice warning" role="alert">
            {t("invitations:wave.stopped", { done: sentWave.done, total: sentWave.total })}
          </p>
        ) : null}
        <BulkNotice />
        {linkChanged === "reissue" || linkChanged === "revoke" ? (
          <p className="notice success" role="status">
            {t(`invitations:links.${linkChanged}d`)}
          </p>
        ) : null}
        {list.invited === 0 ? (
          <EmptyState title={t("invitations.emptyTitle")} body={t("invitations.emptyBody")} />
        ) : (
          <>
            {queuePaused ? (
              <p className="notice warning" role="alert">
                {t(queuePaused === "rate" ? "invitations:queueSlowed" : "invitations:queuePaused")} <Link to="/mail">{t("common:nav.mail")}</Link>
              </p>
            ) : null}
            <DeliveryProgress eventId={event.id} initial={mail} />
            <Form method="get" className="filters" role="search" aria-label={t("invitations:list.filterAnswer")} preventScrollReset>
              {sentWave ? <input type="hidden" name="wave" value={sentWave.id} /> : null}
              {list.sort.key !== "member" || list.sort.dir !== "asc" ? (
                <>
                  <input type="hidden" name="sort" value={list.sort.key} />
                  <input type="hidden" name="dir" value={list.sort.dir} />
                </>
              ) : null}
              <div className="field">
                <label htmlFor="answer-filter">{t("invitations:list.filterAnswer")}</label>
                <select id="answer-filter" name="answer" defaultValue={list.answer}>
                  <option value="all">{t("invitations:list.allAnswers")}</option>
                  <option value="awaiting">{t("invitations:list.awaiting")}</option>
                  {INVITATION_RESPONSES.map((r) => (
                    <option key={r} value={r}>
                      {t(`invitations:responses.${r}`)}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" className="button">
                {t("invitations:mail.apply")}
              </button>
              <p className="muted small" aria-live="polite">
                {t("invitations:list.shown", { from: list.from, to: list.to, total: list.listed })}
              </p>
            </Form>
            <div className="table-wrap">
              <table className="data-table">
                <thead>
                  <tr>
                    {canEdit ? (
                      <td className="bulk-cell">
                        <BulkSelectPage eventId={event.id} />
                      </td>
                    ) : null}
                    <SortableHeader label={t("invitations:columns.member")} sortKey="member" sort={list.sort} />
                    <th scope="col">{t("invitations:columns.language")}</th>
                    <th scope="col">{t("invitations:columns.delivery")}</th>
                    <SortableHeader label={t("invitations:columns.answer")} sortKey="answer" sort={list.sort} />
                    <SortableHeader label={t("invitations:columns.people")} sortKey="people" sort={list.sort} className="num" />
                    <SortableHeader label={t("invitations:columns.changed")} sortKey="changed" sort={list.sort} />
                    {canEdit ? (
                      <th scope="col" className="actions-cell">
                        <span className="visually-hidden">{t("design:rowActions.button")}</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {invitations.map((i) => (
                    <tr key={i.id}>
                      {canEdit ? (
                        <td className="bulk-cell">
                          <BulkRowCheckbox eventId={event.id} invitationId={i.id} member={i.member} />
                        </td>
                      ) : null}
                      <td>
                        <Link to={`/events/${event.id}/replies/${i.id}`}>{i.member}</Link>
                      </td>
                      <td>{languageNames[i.locale]}</td>
                      <td>
                        {i.lastStatus ? <span className={`badge mail-${i.lastStatus}`}>{t(`invitations:status.${i.lastStatus}`)}</span> : "—"}
                        {i.lastKind && i.lastKind !== "invitation" ? <span className="small muted"> ({t(`invitations:kinds.${i.lastKind}`)})</span> : null}
                        {i.undelivered.length ? (
                          <span className="secondary-name field-errors">{t("invitations:undeliveredTo", { addresses: i.undelivered.join(", ") })}</span>
                        ) : null}
                      </td>
                      <td>
                        <span className={`badge answer-${i.response}`}>{t(`invitations:responses.${i.response}`)}</span>
                        {i.emailedReply ? (
                          <Link className="secondary-name" to={`/events/${event.id}/replies/${i.id}#emailed-replies`}>
                            {t("invitations:emailedReply", { at: i.emailedReply })}
                          </Link>
                        ) : null}
                      </td>
                      <td className="numeric">{i.people || "—"}</td>
                      <td className="small">{i.changedAt ?? "—"}</td>
                      {canEdit ? (
                        <td className="actions-cell">
                          <RowActions
                            name={i.member}
                            actions={[
                              { key: "reply", label: t("design:rowActions.openReply"), to: `/events/${event.id}/replies/${i.id}` },
                              ...(["reissue", "revoke"] as const).map((action) => ({
                                key: action,
                                label: t(`invitations:links.${action}`),
                                question: t(`invitations:links.${action}Confirm`, { member: i.member }),
                                intent: "intent",
                                value: action,
                                hidden: { invitationId: i.id },
                                danger: action === "revoke",
                              })),
                            ]}
                          />
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {canEdit ? <BulkBar eventId={event.id} pageIds={invitations.map((i) => i.id)} /> : null}
            <Pagination page={list.page} pages={list.pages} label={t("invitations:list.listLabel")} hash="#invitations" />
            {canEdit && event.status === "open" && !list.awaiting ? <p className="muted">{t("invitations:allAnswered")}</p> : null}
            {canEdit && event.status === "open" && list.awaiting ? (
              <ConfirmAction
                label={t("invitations:remind")}
                question={t("invitations:remindConfirm")}
                intent="intent"
                value="remind"
                hidden={{ batch: reminderBatch, picked: remindable.length ? "1" : "0" }}
                className="remind"
              >
                {remindable.length ? (
                  <fieldset className="remind-whom">
                    <legend>{t("invitations:remindWhom", { count: list.awaiting })}</legend>
                    {remindable.map((i) => (
                      <label key={i.id} className="checkbox">
                        <input type="checkbox" name="remindId" value={i.id} defaultChecked /> {i.member}{" "}
                        <span className="muted small">
                          ({i.response === "undecided" ? `${t("invitations:responses.undecided")}, ` : ""}
                          {languageNames[i.locale]})
                        </span>
                      </label>
                    ))}
                  </fieldset>
                ) : (
                  <p>{t("invitations:list.remindAll", { count: list.awaiting })}</p>
                )}
              </ConfirmAction>
            ) : null}
          </>
        )}
      </section>

      {canEdit ? (
        <details className="panel editor">
          <summary>{t("duplicate.title")}</summary>
          <p className="muted">{t("duplicate.explain")}</p>
          <Form method="post" className="form-grid">
            <div className="field">
              <label htmlFor="duplicate-start">{t("duplicate.start")}</label>
              <input id="duplicate-start" type="datetime-local" name="start" defaultValue={duplicateStart} required />
            </div>
            <div className="form-actions">
              <button type="submit" name="intent" value="duplicate" className="button primary">
                {t("duplicate.submit")}
              </button>
            </div>
          </Form>
        </details>
      ) : null}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
