import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, hasRole, requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { AnswersChart, type ChartPoint } from "~/components/answers-chart";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventTools } from "~/components/event-tools";
import { getDb } from "~/db.server";
import { actionError } from "~/lib/action-error";
import { answerTallies } from "~/lib/answer-timeline";
import { AWAITING_RESPONSES } from "~/lib/answers";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import { COUNTRY_CODES, countryName, localized } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { delegateLine } from "~/mail/replies.server";
import { audited } from "~/models/audit.server";
import { setPassportCollection } from "~/models/event.server";
import { listInvitations } from "~/models/invitation.server";
import { countReplies, listAnswerTimeline, listChanges } from "~/models/reply.server";
import { eventSummary, requireEvent } from "~/services/event-view.server";

const ANSWERS = ["attending", "representative", "declining", "undecided"] as const;
/** Members still owing an answer named on the page; the rest are counted and listed on the event page. */
const WAITING_NAMED = 100;

/** The event's replies at a glance: counts by country, answers over time, who has not answered, the latest changes. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const event = await requireEvent(args.params.eventId);
  const locale = args.context.locale;
  const db = getDb();
  const [counts, timeline, changes, waiting] = await Promise.all([
    countReplies(db, { eventId: event.id }),
    listAnswerTimeline(db, { eventId: event.id }),
    listChanges(db, { eventId: event.id }, 30),
    // named one by one while they fit; beyond, a count and the event page's filtered list
    listInvitations(db, { eventId: event.id, responses: [...AWAITING_RESPONSES], limit: WAITING_NAMED }),
  ]);
  // replay every change of answer into the chart's points (a few hundred at most, whatever the event's size)
  const points: ChartPoint[] = answerTallies(timeline).map(({ at, ...tally }) => ({
    at: at.toISOString(),
    label: formatDateTimeZoned(at, locale, event.timeZone),
    ...tally,
  }));
  return {
    event: { ...eventSummary(event, locale), passportCountries: event.passportCountries, retentionDays: event.passportRetentionDays },
    total: counts.total,
    byCountry: counts.byCountry.map((row) => ({ ...row, name: countryName(row.country, locale) })).sort((a, b) => a.name.localeCompare(b.name, locale)),
    points,
    feed: changes.map((c) => ({
      id: c.id,
      invitationId: c.invitationId,
      member: localized(c.memberNames, locale),
      at: formatDateTimeZoned(new Date(c.at), locale, event.timeZone),
      actor: c.actorKind === "staff" ? c.staffLabel : null,
      reason: c.reason,
      after: c.responseAfter,
      size: c.summary.size,
      head: c.summary.delegates[0] ? delegateLine(c.summary.delegates[0], locale) : null,
    })),
    waiting: waiting.map((i) => ({ id: i.id, member: localized(i.memberNames, locale), response: i.response })),
    waitingCount: counts.total.noAnswer + counts.total.undecided,
    countries: COUNTRY_CODES.map((code) => ({ code, name: countryName(code, locale) })),
    memberCountries: counts.byCountry.map((row) => row.country),
    isAdmin: hasRole(user, "admin"),
    visaLetters: canHandlePassports(user),
  };
}

const PassportSchema = z.object({
  countries: z.array(z.string().refine((code) => COUNTRY_CODES.includes(code))).max(COUNTRY_CODES.length),
  retentionDays: z.coerce.number().int().min(0).max(3650),
});

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "admin");
  const event = await requireEvent(args.params.eventId);
  const formData = await readForm(args.request);
  const parsed = PassportSchema.safeParse({ countries: formData.getAll("countries"), retentionDays: formData.get("retentionDays") });
  if (!parsed.success) return actionError("reply:overview.passportInvalid", 400);
  await audited(getDb(), (trx) => setPassportCollection(trx, { id: event.id, ...parsed.data }), {
    actor: user,
    action: "events.passport_collection_changed",
    objectType: "event",
    objectId: event.id,
    ip: args.context.clientIp,
    details: { countries: parsed.data.countries, retentionDays: parsed.data.retentionDays },
  });
  return redirect(`/events/${event.id}/replies?passport=1`, 303);
}

export const handle = { i18n: ["common", "events", "invitations", "reply", "rosters"], title: "reply:overview.title" satisfies PageTitle };

export default function RepliesOverviewRoute() {
  const { t } = useTranslation("reply");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { total } = data;
  const stats = [
    ["invited", total.invited],
    ["delivered", total.delivered],
    ["opened", total.opened],
    ["answered", total.answered],
    ["attending", total.attending],
    ["representative", total.representative],
    ["declining", total.declining],
    ["undecided", total.undecided],
    ["noAnswer", total.noAnswer],
    ["people", total.people],
  ] as const;
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/events/${data.event.id}`}>{data.event.title}</Link>
      </p>
      <h1>{t("overview.title")}</h1>
      <EventTools eventId={data.event.id} visaLetters={data.visaLetters} />
      <ActionErrorAlert data={actionData} />
      {total.invited === 0 ? (
        <EmptyState title={t("overview.emptyTitle")} body={t("overview.emptyBody")} />
      ) : (
        <>
          <ul className="stat-cards" aria-label={t("overview.counts")}>
            {stats.map(([key, value]) => (
              <li key={key} className={`stat stat-${key}`}>
                <span className="stat-value">{value}</span>
                <span className="stat-label">{t(`overview.stats.${key}`)}</span>
              </li>
            ))}
          </ul>
          <section className="panel" aria-labelledby="chart-heading">
            <h2 id="chart-heading">{t("overview.chart")}</h2>
            <AnswersChart points={data.points} invited={total.invited} />
          </section>
          <section className="panel" aria-labelledby="country-heading">
            <h2 id="country-heading">{t("overview.byCountry")}</h2>
            <div className="table-wrap">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t("overview.country")}</th>
                    {(["invited", "delivered", "opened", ...ANSWERS, "noAnswer", "people"] as const).map((key) => (
                      <th scope="col" key={key} className="numeric">
                        {t(`overview.stats.${key}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.byCountry.map((row) => (
                    <tr key={row.country}>
                      <th scope="row">{row.name}</th>
                      {(["invited", "delivered", "opened", ...ANSWERS, "noAnswer", "people"] as const).map((key) => (
                        <td key={key} className="numeric">
                          {row[key]}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="panel" aria-labelledby="waiting-heading">
            <h2 id="waiting-heading">{t("overview.waiting", { count: data.waitingCount })}</h2>
            {data.waiting.length ? (
              <>
                <ul className="compact-list">
                  {data.waiting.map((i) => (
                    <li key={i.id}>
                      <Link to={`/events/${data.event.id}/replies/${i.id}`}>{i.member}</Link>
                      {i.response === "undecided" ? <span className="small muted"> ({t("answer.undecided")})</span> : null}
                    </li>
                  ))}
                </ul>
                {data.waitingCount > data.waiting.length ? (
                  <p>
                    <Link to={`/events/${data.event.id}?answer=awaiting#invitations`}>
                      {t("overview.waitingMore", { count: data.waitingCount - data.waiting.length })}
                    </Link>
                  </p>
                ) : null}
                <Link className="button" to={`/events/${data.event.id}#invitations`}>
                  {t("overview.remind")}
                </Link>
              </>
            ) : (
              <p className="muted">{t("overview.allAnswered")}</p>
            )}
          </section>
          <section className="panel" aria-labelledby="feed-heading">
            <h2 id="feed-heading">{t("overview.feed")}</h2>
            {data.feed.length ? (
              <ol className="history">
                {data.feed.map((f) => (
                  <li key={f.id}>
                    <strong>{f.at}</strong> · <Link to={`/events/${data.event.id}/replies/${f.invitationId}`}>{f.member}</Link>:{" "}
                    <span className={`badge answer-${f.after}`}>{t(`answer.${f.after}`)}</span>
                    {f.size ? <span className="small"> · {t("overview.people", { count: f.size, head: f.head ?? "" })}</span> : null}
                    <span className="small muted"> · {f.actor ? t("staff.byStaff", { user: f.actor }) : t("staff.byLink")}</span>
                    {f.reason ? <span className="small muted"> ({f.reason})</span> : null}
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">{t("overview.feedEmpty")}</p>
            )}
          </section>
        </>
      )}
      {data.isAdmin ? (
        <details className="panel editor">
          <summary>{t("overview.passport")}</summary>
          <p className="muted">{t("overview.passportHint")}</p>
          <Form method="post" className="stacked-form">
            <fieldset className="checkbox-group">
              <legend>{t("overview.passportCountries")}</legend>
              {data.countries
                .filter((c) => data.memberCountries.includes(c.code) || data.event.passportCountries.includes(c.code))
                .map((c) => (
                  <label key={c.code} className="checkbox">
                    <input type="checkbox" name="countries" value={c.code} defaultChecked={data.event.passportCountries.includes(c.code)} /> {c.name}
                  </label>
                ))}
            </fieldset>
            <div className="field">
              <label htmlFor="retention-days">{t("overview.retentionDays")}</label>
              <input id="retention-days" name="retentionDays" type="number" min={0} max={3650} defaultValue={data.event.retentionDays} required />
            </div>
            <div className="form-actions">
              <button type="submit" className="button primary">
                {t("overview.passportSave")}
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
