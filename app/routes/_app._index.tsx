import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { hasRole, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import { languageNames, type Lng } from "~/i18n";
import { formatDateRange, formatDateTimeZoned } from "~/lib/dates";
import { localized } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { dashboardTasks, recentAnswers, upcomingEvents } from "~/models/dashboard.server";
import { countMessagesByStatus } from "~/models/email-message.server";
import { countMembers } from "~/models/member.server";
import { getStaffTimeZone } from "~/models/secretariat.server";

const DAY = 86_400_000;

/** Whole days from now to `date` (negative once past), for "answers due in 12 days". */
const daysUntil = (date: Date, now: Date) => Math.ceil((date.getTime() - now.getTime()) / DAY);

/**
 * The secretariat's start page: upcoming events with their deadline and answers, the mail queue, the latest
 * answers, and what needs attention. Every figure comes from an aggregate query; nothing here grows with the
 * size of an event.
 */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const locale = args.context.locale;
  const db = getDb();
  const now = new Date();
  const [events, mail, answers, tasks, members, zone] = await Promise.all([
    upcomingEvents(db, { now }),
    countMessagesByStatus(db),
    recentAnswers(db, { limit: 8 }),
    dashboardTasks(db, { now }),
    countMembers(db),
    getStaffTimeZone(db),
  ]);
  return {
    displayName: user.displayName,
    canEdit: hasRole(user, "staff"),
    isAdmin: hasRole(user, "admin"),
    members,
    events: events.map((e) => ({
      id: e.id,
      title: localized(e.title, locale),
      status: e.status,
      dates: formatDateRange(e.startsAt, e.endsAt, locale, e.timeZone),
      deadline: e.rsvpDeadline ? { at: formatDateTimeZoned(e.rsvpDeadline, locale, e.timeZone), days: daysUntil(e.rsvpDeadline, now) } : null,
      invited: e.invited,
      answered: e.answered,
      attending: e.attending,
      declining: e.declining,
      people: e.people,
      untitled: e.untitledLanguages.map((lng) => languageNames[lng as Lng] ?? lng),
    })),
    mail: {
      waiting: (mail.queued ?? 0) + (mail.sending ?? 0),
      deferred: mail.deferred ?? 0,
      bounced: (mail.bounced ?? 0) + (mail.failed ?? 0),
    },
    answers: answers.map((a) => ({
      id: a.id,
      at: formatDateTimeZoned(new Date(a.at), locale, zone),
      member: localized(a.memberNames, locale),
      event: localized(a.eventTitle, locale),
      href: `/events/${a.eventId}/replies/${a.invitationId}`,
      response: a.response,
      byStaff: a.actorKind === "staff",
    })),
    tasks: {
      unreachable: tasks.unreachableMembers,
      passports: tasks.passportsDue,
      passportsAt: tasks.passportsDueAt ? formatDateTimeZoned(tasks.passportsDueAt, locale, zone) : null,
    },
  };
}

export const handle = { i18n: ["common", "events", "invitations"], title: "common:dashboard.title" satisfies PageTitle };

/** A labelled bar: answered out of invited, with attending and declining as parts of it. */
function AnswerBar({ invited, attending, declining, answered }: { invited: number; attending: number; declining: number; answered: number }) {
  const { t } = useTranslation("common");
  // drawn in SVG: the CSP allows no inline styles, and SVG geometry is not a style
  const share = (n: number) => (invited ? (n / invited) * 100 : 0);
  const other = Math.max(0, answered - attending - declining);
  return (
    <div className="answer-bar">
      <svg className="answer-bar-track" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect x="0" y="0" width="100" height="8" className="answer-bar-rest" />
        <rect x="0" y="0" width={share(attending)} height="8" className="answer-bar-attending" />
        <rect x={share(attending)} y="0" width={share(declining)} height="8" className="answer-bar-declining" />
        <rect x={share(attending + declining)} y="0" width={share(other)} height="8" className="answer-bar-other" />
      </svg>
      <p className="small">
        {t("dashboard.events.answeredOf", { answered, invited })} · <span className="legend-dot attending" aria-hidden="true" />
        {t("dashboard.events.attending", { count: attending })} · <span className="legend-dot declining" aria-hidden="true" />
        {t("dashboard.events.declining", { count: declining })}
      </p>
    </div>
  );
}

export default function DashboardRoute() {
  const { t } = useTranslation("common");
  const data = useLoaderData<typeof loader>();
  const steps = [
    { to: "/members", title: t("dashboard.steps.directory.title"), body: t("dashboard.steps.directory.body") },
    { to: "/events", title: t("dashboard.steps.event.title"), body: t("dashboard.steps.event.body") },
    { to: "/mail", title: t("dashboard.steps.invite.title"), body: t("dashboard.steps.invite.body") },
  ];
  const tasks = [
    data.tasks.unreachable ? { key: "unreachable", to: "/members", text: t("dashboard.tasks.unreachable", { count: data.tasks.unreachable }) } : null,
    data.tasks.passports
      ? {
          key: "passports",
          to: "/settings/system",
          text: t("dashboard.tasks.passports", { count: data.tasks.passports, at: data.tasks.passportsAt ?? "" }),
        }
      : null,
    ...data.events
      .filter((e) => e.untitled.length)
      .map((e) => ({
        key: `untitled-${e.id}`,
        to: `/events/${e.id}/edit`,
        text: t("dashboard.tasks.untitled", { event: e.title, languages: e.untitled.join(", ") }),
      })),
  ].filter((task) => task !== null);
  const fresh = data.members === 0 && data.events.length === 0;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{t("dashboard.title")}</h1>
          <p className="lead">{t("dashboard.welcome", { name: data.displayName })}</p>
        </div>
        {data.canEdit ? (
          <div className="actions">
            <Link to="/events/new" className="button primary">
              {t("dashboard.newEvent")}
            </Link>
          </div>
        ) : null}
      </div>

      {fresh ? (
        <section aria-labelledby="getting-started">
          <h2 id="getting-started">{t("dashboard.gettingStarted")}</h2>
          <ol className="steps">
            {steps.map((step) => (
              <li key={step.to}>
                <Link to={step.to}>{step.title}</Link>
                <p>{step.body}</p>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <div className="dashboard-grid">
        <section className="panel dashboard-events" aria-labelledby="upcoming-heading">
          <h2 id="upcoming-heading">{t("dashboard.events.title")}</h2>
          {data.events.length ? (
            <ul className="card-list">
              {data.events.map((e) => (
                <li key={e.id} className="event-card">
                  <div className="event-card-head">
                    <Link to={`/events/${e.id}`} className="event-card-title">
                      {e.title}
                    </Link>
                    <span className={`badge status-${e.status}`}>{t(`events:statuses.${e.status}`)}</span>
                  </div>
                  <p className="muted small">{e.dates}</p>
                  {e.deadline ? (
                    <p className={`small ${e.deadline.days >= 0 && e.deadline.days <= 7 ? "deadline-soon" : ""}`}>
                      {e.deadline.days >= 0
                        ? t("dashboard.events.deadlineIn", { count: e.deadline.days, at: e.deadline.at })
                        : t("dashboard.events.deadlinePassed", { at: e.deadline.at })}
                    </p>
                  ) : null}
                  {e.invited ? (
                    <AnswerBar invited={e.invited} attending={e.attending} declining={e.declining} answered={e.answered} />
                  ) : (
                    <p className="small muted">{t("dashboard.events.noInvitations")}</p>
                  )}
                  {e.people ? <p className="small">{t("dashboard.events.people", { count: e.people })}</p> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="empty-inline">
              {t("dashboard.events.none")}{" "}
              {data.canEdit ? <Link to="/events/new">{t("dashboard.newEvent")}</Link> : <Link to="/events?when=past">{t("dashboard.events.past")}</Link>}
            </p>
          )}
        </section>

        <section className="panel" aria-labelledby="mail-heading">
          <h2 id="mail-heading">{t("dashboard.mail.title")}</h2>
          <dl className="stat-list">
            <div>
              <dt>
                <Link to="/mail?status=queued,sending">{t("dashboard.mail.waiting")}</Link>
              </dt>
              <dd className="num">{data.mail.waiting}</dd>
            </div>
            <div className={data.mail.deferred ? "warn" : undefined}>
              <dt>
                <Link to="/mail?status=deferred">{t("dashboard.mail.deferred")}</Link>
              </dt>
              <dd className="num">{data.mail.deferred}</dd>
            </div>
            <div className={data.mail.bounced ? "alert" : undefined}>
              <dt>
                <Link to="/mail?status=bounced,failed">{t("dashboard.mail.bounced")}</Link>
              </dt>
              <dd className="num">{data.mail.bounced}</dd>
            </div>
          </dl>
        </section>

        <section className="panel" aria-labelledby="tasks-heading">
          <h2 id="tasks-heading">{t("dashboard.tasks.title")}</h2>
          {tasks.length ? (
            <ul className="compact-list">
              {tasks.map((task) => (
                <li key={task.key}>
                  <Link to={task.to}>{task.text}</Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("dashboard.tasks.none")}</p>
          )}
        </section>

        <section className="panel" aria-labelledby="answers-heading">
          <h2 id="answers-heading">{t("dashboard.answers.title")}</h2>
          {data.answers.length ? (
            <ol className="history">
              {data.answers.map((a) => (
                <li key={a.id}>
                  <span className="small muted">{a.at}</span> · <Link to={a.href}>{a.member}</Link>{" "}
                  <span className={`badge answer-${a.response}`}>{t(`invitations:responses.${a.response}`)}</span>
                  <span className="secondary-name">
                    {a.event}
                    {a.byStaff ? ` · ${t("dashboard.answers.byStaff")}` : ""}
                  </span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">{t("dashboard.answers.none")}</p>
          )}
        </section>
      </div>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
