import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction, Field, FormErrors, formErrorsOf, useZodForm } from "~/components/forms";
import { getDb } from "~/db.server";
import { htmlLang, type Lng } from "~/i18n";
import { actionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { localized } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS } from "~/lib/retention";
import { audited } from "~/models/audit.server";
import { setRetentionMonths } from "~/models/retention.server";
import { getStaffTimeZone } from "~/models/secretariat.server";
import { previewPersonalDataRetention, RetentionChangedError, runPersonalDataRetention } from "~/services/retention.server";

// zod must be configured jitless before this module builds its schema (the CSP forbids eval)
import "~/lib/validation";

const PeriodSchema = z.object({
  months: z.coerce
    .number({ error: "retention:validation.months" })
    .int("retention:validation.months")
    .min(MIN_RETENTION_MONTHS, "retention:validation.months")
    .max(MAX_RETENTION_MONTHS, "retention:validation.months"),
});

/** The run an administrator confirms: the period and the moment of the preview they saw. */
const RunSchema = z.object({ months: z.coerce.number().int().min(MIN_RETENTION_MONTHS).max(MAX_RETENTION_MONTHS), asOf: z.coerce.date() });

/** A confirmed preview older than this is looked at again rather than run. */
const PREVIEW_MAX_AGE_MS = 24 * 3600_000;

const dateOf = (date: Date, locale: Lng, timeZone: string) => new Intl.DateTimeFormat(htmlLang[locale], { dateStyle: "long", timeZone }).format(date);

/** Settings → Data retention (administrators): the period, what the next run anonymises, and running it now. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "admin");
  const { locale } = args.context;
  const db = getDb();
  const now = new Date();
  const [preview, zone] = await Promise.all([previewPersonalDataRetention(db, { now }), getStaffTimeZone(db)]);
  const params = new URL(args.request.url).searchParams;
  const number = (name: string) => (/^\d{1,9}$/.test(params.get(name) ?? "") ? Number(params.get(name)) : null);
  const events = preview.events.map((e) => ({
    id: e.id,
    title: localized(e.title, locale),
    ended: dateOf(e.endsAt, locale, zone),
    delegates: e.delegates,
    contactDetails: e.contactDetails,
    replies: e.replies,
    messages: e.messages,
    rosters: e.rosters,
  }));
  const sum = (key: "delegates" | "contactDetails" | "replies" | "messages" | "rosters") => events.reduce((n, e) => n + e[key], 0);
  return {
    months: preview.months,
    asOf: now.toISOString(),
    cutoff: dateOf(preview.cutoff, locale, zone),
    events,
    total: { delegates: sum("delegates"), contactDetails: sum("contactDetails"), replies: sum("replies"), messages: sum("messages"), rosters: sum("rosters") },
    saved: params.get("saved") === "1",
    done: params.has("events") ? { events: number("events") ?? 0, delegates: number("delegates") ?? 0 } : null,
  };
}

type ActionData = { result?: SubmissionResult<string[]> };

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "admin");
  const db = getDb();
  const ip = args.context.clientIp;
  const formData = await readForm(args.request);
  switch (formData.get("intent")) {
    case "period": {
      const submission = parseWithZod(formData, { schema: PeriodSchema });
      if (submission.status !== "success") return Response.json({ result: submission.reply() } satisfies ActionData, { status: 400 });
      const months = submission.value.months;
      await audited(
        db,
        (trx) => setRetentionMonths(trx, { months }),
        (before) => (before === null ? null : { actor: user, action: "settings.retention_changed", ip, details: { before, after: months } }),
      );
      return redirect("/settings/retention?saved=1");
    }
    case "run": {
      const parsed = RunSchema.safeParse({ months: formData.get("months"), asOf: formData.get("asOf") });
      if (!parsed.success) throw new Response("Bad Request", { status: 400 });
      const { months, asOf } = parsed.data;
      const now = new Date();
      // what the administrator saw is what goes: the events due at the preview's moment, never later ones
      if (asOf.getTime() > now.getTime() + 60_000 || now.getTime() - asOf.getTime() > PREVIEW_MAX_AGE_MS) return actionError("retention:preview.changed", 409);
      try {
        const outcome = await runPersonalDataRetention(db, { now: asOf, months, actor: user, ip });
        return redirect(`/settings/retention?events=${outcome.events}&delegates=${outcome.delegates}`);
      } catch (error) {
        if (error instanceof RetentionChangedError) return actionError("retention:preview.changed", 409);
        throw error;
      }
    }
    default:
      throw new Response("Bad Request", { status: 400 });
  }
}

export const handle = { i18n: ["common", "settings", "retention"], title: "retention:title" satisfies PageTitle };

export default function RetentionRoute() {
  const { t } = useTranslation("retention");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  const [form, fields] = useZodForm(PeriodSchema, { id: "period", defaultValue: { months: String(data.months) }, lastResult: actionData?.result });
  return (
    <>
      <h2>{t("title")}</h2>
      {data.saved ? (
        <p className="notice success" role="status">
          {t("period.saved", { months: data.months })}
        </p>
      ) : null}
      {data.done ? (
        <p className="notice success" role="status">
          {t("preview.done", data.done)}
        </p>
      ) : null}
      <ActionErrorAlert data={actionData} />
      <p className="muted">{t("lead")}</p>
      <p className="field-hint">{t("passportNote")}</p>

      <section className="panel" aria-labelledby="period-heading">
        <h3 id="period-heading">{t("period.title")}</h3>
        <Form method="post" {...getFormProps(form)} className="stacked-form">
          <input type="hidden" name="intent" value="period" />
          <FormErrors errors={formErrorsOf(actionData?.result)} />
          <Field meta={fields.months} label={t("period.months")} hint={t("period.hint")} type="number" />
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
              {t("period.save")}
            </button>
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="preview-heading">
        <h3 id="preview-heading">{t("preview.title")}</h3>
        <p className="field-hint">{t("automatic")}</p>
        {data.events.length === 0 ? (
          <p className="empty-inline">{t("preview.none", { date: data.cutoff })}</p>
        ) : (
          <>
            <p>{t("preview.cutoff", { date: data.cutoff })}</p>
            <div className="table-wrap">
              <table className="data-table">
                <caption className="visually-hidden">{t("preview.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("preview.event")}</th>
                    <th scope="col">{t("preview.ended")}</th>
                    <th scope="col" className="numeric">
                      {t("preview.delegates")}
                    </th>
                    <th scope="col" className="numeric">
                      {t("preview.contactDetails")}
                    </th>
                    <th scope="col" className="numeric">
                      {t("preview.replies")}
                    </th>
                    <th scope="col" className="numeric">
                      {t("preview.messages")}
                    </th>
                    <th scope="col" className="numeric hide-narrow">
                      {t("preview.rosters")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.events.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <Link to={`/events/${e.id}`}>{e.title}</Link>
                      </td>
                      <td>{e.ended}</td>
                      <td className="numeric">{e.delegates}</td>
                      <td className="numeric">{e.contactDetails}</td>
                      <td className="numeric">{e.replies}</td>
                      <td className="numeric">{e.messages}</td>
                      <td className="numeric hide-narrow">{e.rosters}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={2}>
                      {t("preview.total")}
                    </th>
                    <td className="numeric">{data.total.delegates}</td>
                    <td className="numeric">{data.total.contactDetails}</td>
                    <td className="numeric">{data.total.replies}</td>
                    <td className="numeric">{data.total.messages}</td>
                    <td className="numeric hide-narrow">{data.total.rosters}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
            <ConfirmAction
              className="danger-zone"
              label={t("preview.run")}
              question={t("preview.confirm")}
              intent="intent"
              value="run"
              hidden={{ months: String(data.months), asOf: data.asOf }}
              danger
            />
          </>
        )}
      </section>
    </>
  );
}

/** An error on this page (a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
