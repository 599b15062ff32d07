import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction } from "~/components/forms";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { actionError, actionErrorOf, describeActionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import type { PageTitle } from "~/lib/page-title";
import { seal } from "~/lib/sealed.server";
import { checkTarget } from "~/lib/webhook-target.server";
import { DELIVERY_BADGE, eventTypeLabel, WEBHOOK_EVENT_TYPES } from "~/lib/webhooks";
import { audited } from "~/models/audit.server";
import { getStaffTimeZone } from "~/models/secretariat.server";
import {
  createSubscription,
  deleteSubscription,
  enqueueTestDelivery,
  getSubscription,
  getWebhookSettings,
  listSubscriptions,
  setAllowPrivateTargets,
  setSubscriptionEnabled,
} from "~/models/webhook.server";
import { newWebhookSecret, wakeWebhookRunners } from "~/services/webhooks.server";

/** One form, several intents: add a webhook, send it a test, enable or disable it, delete it, the private-target setting. */
const WebhookSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    url: z.string().trim().min(1).max(2000),
    description: z.string().trim().max(200).optional(),
    eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)).max(WEBHOOK_EVENT_TYPES.length),
  }),
  z.object({ intent: z.enum(["test", "enable", "disable", "delete"]), id: z.uuid() }),
  z.object({ intent: z.literal("settings"), allowPrivate: z.enum(["on"]).optional() }),
]);

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "admin");
  const db = getDb();
  const [subscriptions, settings, zone] = await Promise.all([listSubscriptions(db), getWebhookSettings(db), getStaffTimeZone(db)]);
  return {
    allowPrivateTargets: settings.allowPrivateTargets,
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      url: s.url,
      description: s.description,
      eventTypes: s.eventTypes,
      enabled: s.enabled,
      lastStatus: s.lastStatus,
      lastStatusCode: s.lastStatusCode,
      lastAttemptAt: s.lastAttemptAt ? formatDateTimeZoned(s.lastAttemptAt, args.context.locale, zone) : null,
    })),
  };
}

type Created = { created: { url: string; secret: string } };

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "admin");
  const form = await readForm(args.request);
  const parsed = WebhookSchema.safeParse({ ...Object.fromEntries(form), eventTypes: form.getAll("eventTypes") });
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  const db = getDb();
  const ip = args.context.clientIp;
  const input = parsed.data;

  if (input.intent === "settings") {
    const allow = input.allowPrivate === "on";
    await audited(db, (trx) => setAllowPrivateTargets(trx, { allow }), {
      actor: user,
      action: "webhooks.private_targets_changed",
      objectType: "webhook_settings",
      ip,
      details: { allow },
    });
    return redirect("/settings/webhooks?done=settings");
  }

  if (input.intent === "create") {
    if (!input.eventTypes.length) return actionError("webhooks:errors.noEventTypes", 400);
    const { allowPrivateTargets } = await getWebhookSettings(db);
    // SSRF: the address and every address its name resolves to (checked again at each delivery)
    const refusal = await checkTarget(input.url, { allowPrivate: allowPrivateTargets });
    if (refusal) return actionError(`webhooks:refusals.${refusal}`, 400);
    const secret = newWebhookSecret();
    const eventTypes = WEBHOOK_EVENT_TYPES.filter((type) => input.eventTypes.includes(type));
    await audited(
      db,
      (trx) =>
        createSubscription(trx, {
          url: input.url,
          description: input.description || null,
          eventTypes,
          secretSealed: seal(getEnv().DATA_ENCRYPTION_KEY, secret),
          createdBy: user.id,
        }),
      ({ id }) => ({ actor: user, action: "webhooks.created", objectType: "webhook", objectId: id, ip, details: { url: input.url, eventTypes } }),
    );
    // the secret is shown in this answer only: it is stored sealed and never displayed again
    return Response.json({ created: { url: input.url, secret } } satisfies Created);
  }

  const subscription = await getSubscription(db, { id: input.id });
  if (!subscription) return actionError("webhooks:errors.notFound", 404);
  const entry = { actor: user, objectType: "webhook", objectId: subscription.id, ip, details: { url: subscription.url } };
  switch (input.intent) {
    case "test":
      await audited(db, (trx) => enqueueTestDelivery(trx, { subscriptionId: subscription.id }), { ...entry, action: "webhooks.test_sent" });
      wakeWebhookRunners();
      return redirect(`/settings/webhooks/${subscription.id}?done=test`);
    case "enable":
    case "disable": {
      const enabled = input.intent === "enable";
      await audited(db, (trx) => setSubscriptionEnabled(trx, { id: subscription.id, enabled }), {
        ...entry,
        action: enabled ? "webhooks.enabled" : "webhooks.disabled",
      });
      if (enabled) wakeWebhookRunners();
      return redirect(`/settings/webhooks?done=${input.intent}d`);
    }
    case "delete":
      await audited(db, (trx) => deleteSubscription(trx, { id: subscription.id }), { ...entry, action: "webhooks.deleted" });
      return redirect("/settings/webhooks?done=deleted");
  }
}

export const handle = { i18n: ["common", "settings", "webhooks"], title: "webhooks:title" satisfies PageTitle };

export default function WebhooksRoute() {
  const { t } = useTranslation("webhooks");
  const { subscriptions, allowPrivateTargets } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const refused = actionErrorOf(actionData);
  const created = actionData && "created" in actionData ? (actionData as Created).created : null;
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const done = params.get("done");
  return (
    <>
      <h2>{t("title")}</h2>
      <p className="muted">{t("intro")}</p>
      {created ? (
        <section className="notice success webhook-panel" role="status" aria-labelledby="created-title">
          <h3 id="created-title">{t("created.title")}</h3>
          <p>{t("created.secretIntro")}</p>
          <p>
            <label htmlFor="created-secret">{t("created.secretLabel")}</label>{" "}
            <input id="created-secret" readOnly value={created.secret} size={60} className="secret" onFocus={(event) => event.currentTarget.select()} />
          </p>
          <p className="field-hint">{t("created.verifyHint")}</p>
        </section>
      ) : done && ["enabled", "disabled", "deleted", "settings"].includes(done) ? (
        <p className="notice success" role="status">
          {t(`done.${done}`)}
        </p>
      ) : null}

      {subscriptions.length === 0 ? (
        <EmptyState title={t("list.empty.title")} body={t("list.empty.body")} />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t("list.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("list.url")}</th>
                <th scope="col">{t("list.events")}</th>
                <th scope="col">{t("list.state")}</th>
                <th scope="col">{t("list.lastDelivery")}</th>
                <th scope="col">{t("list.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {subscriptions.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/settings/webhooks/${s.id}`}>{s.url}</Link>
                    {s.description ? <span className="secondary-name">{s.description}</span> : null}
                  </td>
                  <td className="small">{s.eventTypes.map((type) => t(eventTypeLabel(type))).join(", ")}</td>
                  <td>{s.enabled ? t("state.enabled") : <span className="badge warn">{t("state.disabled")}</span>}</td>
                  <td className="small">
                    {s.lastStatus ? (
                      <>
                        <span className={`badge ${DELIVERY_BADGE[s.lastStatus]}`}>{t(`status.${s.lastStatus}`)}</span>
                        {s.lastStatusCode !== null ? ` ${s.lastStatusCode}` : null}
                        {s.lastAttemptAt ? <span className="secondary-name">{s.lastAttemptAt}</span> : null}
                      </>
                    ) : (
                      t("list.never")
                    )}
                    <Link className="secondary-name" to={`/settings/webhooks/${s.id}`}>
                      {t("list.log")}
                    </Link>
                  </td>
                  <td>
                    <div className="row-actions">
                      <Form method="post">
                        <input type="hidden" name="id" value={s.id} />
                        <button type="submit" name="intent" value="test" className="button" disabled={!s.enabled}>
                          {t("actions.test")}
                        </button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="id" value={s.id} />
                        <button type="submit" name="intent" value={s.enabled ? "disable" : "enable"} className="button">
                          {s.enabled ? t("actions.disable") : t("actions.enable")}
                        </button>
                      </Form>
                      <ConfirmAction
                        label={t("actions.delete")}
                        question={t("actions.deleteConfirm", { url: s.url })}
                        intent="intent"
                        value="delete"
                        hidden={{ id: s.id }}
                        danger
                      />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section className="panel stacked-form webhook-panel" aria-labelledby="create-heading">
        <h3 id="create-heading">{t("create.title")}</h3>
        {/* a new form once a webhook was added: the fields empty again */}
        <Form method="post" className="stacked-form" key={created?.secret ?? "new"}>
          {refused ? (
            <p id="create-error" className="notice warning" role="alert">
              {describeActionError(t, refused)}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor="webhook-url">{t("create.url")}</label>
            <p id="webhook-url-hint" className="field-hint">
              {t("create.urlHint")}
            </p>
            <input
              id="webhook-url"
              name="url"
              type="url"
              required
              maxLength={2000}
              placeholder="https://"
              aria-describedby={refused ? "webhook-url-hint create-error" : "webhook-url-hint"}
              aria-invalid={refused ? true : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="webhook-description">{t("create.description")}</label>
            <p id="webhook-description-hint" className="field-hint">
              {t("create.descriptionHint")}
            </p>
            <input id="webhook-description" name="description" maxLength={200} aria-describedby="webhook-description-hint" />
          </div>
          <fieldset className="field">
            <legend>{t("eventTypes.legend")}</legend>
            {WEBHOOK_EVENT_TYPES.map((type) => (
              <label key={type} className="checkbox">
                <input type="checkbox" name="eventTypes" value={type} defaultChecked /> {t(eventTypeLabel(type))}
              </label>
            ))}
          </fieldset>
          <div className="form-actions">
            <button type="submit" name="intent" value="create" className="button primary" disabled={navigation.state === "submitting"}>
              {t("create.submit")}
            </button>
          </div>
        </Form>
      </section>

      <section className="panel stacked-form webhook-panel" aria-labelledby="private-heading">
        <h3 id="private-heading">{t("private.title")}</h3>
        <p className="muted">{t("private.body")}</p>
        <Form method="post" className="stacked-form" key={String(allowPrivateTargets)}>
          <div className="field checkbox-field">
            <label className="checkbox">
              <input type="checkbox" name="allowPrivate" defaultChecked={allowPrivateTargets} aria-describedby="private-hint" /> {t("private.allow")}
            </label>
            <p id="private-hint" className="field-hint">
              {t("private.allowHint")}
            </p>
          </div>
          <div className="form-actions">
            <button type="submit" name="intent" value="settings" className="button">
              {t("private.save")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

/** An error on this page (a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
