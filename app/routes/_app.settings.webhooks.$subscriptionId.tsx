import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import { formatDateTimeZoned } from "~/lib/dates";
import type { PageTitle } from "~/lib/page-title";
import { DELIVERY_BADGE, eventTypeLabel } from "~/lib/webhooks";
import { getStaffTimeZone } from "~/models/secretariat.server";
import { getSubscription, listDeliveries } from "~/models/webhook.server";

/** The delivery log of one webhook: the latest deliveries with their status code, answer, attempts and next retry. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "admin");
  const id = z.uuid().safeParse(args.params.subscriptionId);
  if (!id.success) throw new Response("Not Found", { status: 404 });
  const db = getDb();
  const subscription = await getSubscription(db, { id: id.data });
  if (!subscription) throw new Response("Not Found", { status: 404 });
  const [deliveries, zone] = await Promise.all([listDeliveries(db, { subscriptionId: subscription.id }), getStaffTimeZone(db)]);
  const when = (date: Date | null) => (date ? formatDateTimeZoned(new Date(date), args.context.locale, zone) : null);
  return {
    subscription: { id: subscription.id, url: subscription.url, enabled: subscription.enabled },
    deliveries: deliveries.map((d) => ({
      id: d.id,
      webhookId: d.webhookId,
      eventType: d.eventType,
      status: d.status,
      attempts: d.attempts,
      lastStatusCode: d.lastStatusCode,
      answer: d.lastError ?? d.lastResponse,
      created: when(d.createdAt),
      nextRetry: d.status === "deferred" || d.status === "queued" ? when(d.nextAttemptAt) : null,
    })),
  };
}

export const handle = { i18n: ["common", "settings", "webhooks"], title: "webhooks:log.title" satisfies PageTitle };

export default function WebhookLogRoute() {
  const { t } = useTranslation("webhooks");
  const { subscription, deliveries } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <p className="small">
        <Link to="/settings/webhooks">← {t("log.back")}</Link>
      </p>
      <h2>{t("log.title")}</h2>
      <p className="muted">{t("log.intro", { url: subscription.url })}</p>
      {params.get("done") === "test" ? (
        <p className="notice success" role="status">
          {t("done.test")}
        </p>
      ) : null}
      <Form method="post" action="/settings/webhooks" className="form-actions">
        <input type="hidden" name="id" value={subscription.id} />
        <button type="submit" name="intent" value="test" className="button" disabled={!subscription.enabled}>
          {t("actions.test")}
        </button>
      </Form>
      {deliveries.length === 0 ? (
        <EmptyState title={t("log.empty.title")} body={t("log.empty.body")} />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t("log.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("log.created")}</th>
                <th scope="col">{t("log.event")}</th>
                <th scope="col">{t("log.status")}</th>
                <th scope="col">{t("log.attempts")}</th>
                <th scope="col">{t("log.code")}</th>
                <th scope="col">{t("log.response")}</th>
                <th scope="col">{t("log.nextRetry")}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td className="small">{d.created}</td>
                  <td>
                    {t(eventTypeLabel(d.eventType))}
                    <code className="secondary-name" title={t("log.id")}>
                      {d.webhookId}
                    </code>
                  </td>
                  <td>
                    <span className={`badge ${DELIVERY_BADGE[d.status]}`}>{t(`status.${d.status}`)}</span>
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? "—"}</td>
                  <td className="small">{d.answer ? <code className="webhook-answer">{d.answer.slice(0, 300)}</code> : "—"}</td>
                  <td className="small">{d.nextRetry ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** An unknown id (404), a refusal or a database outage is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
