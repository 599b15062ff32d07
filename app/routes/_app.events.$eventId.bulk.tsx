import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { languageNames } from "~/i18n";
import { actionError } from "~/lib/action-error";
import { readBoundedForm } from "~/lib/bounded-form.server";
import { BULK_MAX, type BulkAction, bulkReturnTo, BulkSchema, selectedIds } from "~/lib/bulk";
import { localized } from "~/lib/directory";
import type { PageTitle } from "~/lib/page-title";
import { BulkRefusedError, requireSelection, runBulkAction } from "~/services/bulk.server";
import { requireEvent } from "~/services/event-view.server";

/** 500 ids of 36 characters, twice (the ticked rows and the page's rows), and a few fields: well under 128 KiB. */
const BULK_FORM_LIMITS = { maxBytes: 128 * 1024, shape: { maxItems: 10, maxNested: 10, maxFields: 2 * BULK_MAX + 200 } };

/**
 * The confirmation page is the action's answer to the list's form; opened on its own (a bookmark, a reload) it
 * only leads back to the list. (A redirect here would also replace the action's answer: loaders run after it.)
 */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  return { back: `/events/${event.id}#invitations` };
}

/**
 * Bulk actions on the invitations staff ticked (issue 17), in two posts that work with and without JavaScript:
 * "review" answers with the confirmation page (the exact number and names of the SELECTED invitations), "confirm"
 * does it, all or nothing, and goes back to the list.
 */
export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const formData = await readBoundedForm(args.request, BULK_FORM_LIMITS);
  const parsed = BulkSchema.safeParse({
    ...Object.fromEntries(formData),
    invitationId: formData.getAll("invitationId"),
    pageId: formData.getAll("pageId"),
  });
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  const form = parsed.data;
  const ids = selectedIds(form);
  const returnTo = bulkReturnTo(event.id, form.returnTo);
  const db = getDb();
  const review = async (batch: string) => {
    const selected = await requireSelection(db, { eventId: event.id, ids });
    const locale = args.context.locale;
    return {
      action: form.action,
      batch,
      returnTo,
      eventTitle: localized(event.title, locale),
      invitations: selected.map((i) => ({ id: i.id, member: localized(i.memberNames, locale), locale: i.letterLocale, response: i.response })),
    };
  };
  try {
    if (form.step === "review") return { review: await review(crypto.randomUUID()) };
    if (!form.batch) throw new Response("Bad Request", { status: 400 });
    const count = await runBulkAction(db, {
      env: getEnv(),
      event,
      action: form.action,
      ids,
      batch: form.batch,
      reason: form.reason,
      sendLinks: Boolean(form.sendLinks),
      user,
      ip: args.context.clientIp,
    });
    const [path, hash = "invitations"] = returnTo.split("#");
    const url = new URL(path, "http://x");
    url.searchParams.set("bulk", form.action);
    url.searchParams.set("bulkCount", String(count));
    return redirect(`${url.pathname}${url.search}#${hash}`, 303);
  } catch (error) {
    if (error instanceof BulkRefusedError) {
      // a missing reason or a concurrent change: the same confirmation again, with the refusal
      const again = form.step === "confirm" && form.batch && (error.key === "reasonRequired" || error.key === "conflict");
      return actionError(`bulk:errors.${error.key}`, error.status, { max: BULK_MAX }, { returnTo, review: again ? await review(form.batch!) : undefined });
    }
    throw error;
  }
}

export const handle = { i18n: ["common", "invitations", "bulk"], title: "bulk:title" satisfies PageTitle };

type ActionData = {
  review?: {
    action: BulkAction;
    batch: string;
    returnTo: string;
    eventTitle: string;
    invitations: { id: string; member: string; locale: keyof typeof languageNames; response: string }[];
  };
  returnTo?: string;
};

export default function BulkConfirmRoute() {
  const { t } = useTranslation("bulk");
  const data = useActionData<ActionData>();
  const { back } = useLoaderData<typeof loader>();
  const review = data?.review;
  if (!review) {
    return (
      <>
        <h1>{t("title")}</h1>
        <ActionErrorAlert data={data} />
        <p>
          <Link to={data?.returnTo ?? back} className="button">
            {t("confirm.cancel")}
          </Link>
        </p>
      </>
    );
  }
  const count = review.invitations.length;
  const onBehalf = review.action === "declining" || review.action === "attending";
  return (
    <>
      <p className="breadcrumb">
        <Link to={review.returnTo}>{review.eventTitle}</Link>
      </p>
      <h1>{t(`actions.${review.action}`)}</h1>
      <ActionErrorAlert data={data} />
      <section className="panel" aria-labelledby="bulk-count">
        <p id="bulk-count" className="bulk-count">
          <strong>{t("confirm.count", { count })}</strong>
        </p>
        <ul className="bulk-selected">
          {review.invitations.map((i) => (
            <li key={i.id}>
              {i.member} <span className="muted small">({[t(`invitations:responses.${i.response}`), languageNames[i.locale]].join(", ")})</span>
            </li>
          ))}
        </ul>
        {review.action === "remind" ? <p className="muted">{t("confirm.remindNote")}</p> : null}
        {review.action === "reissue" ? <p className="muted">{t("confirm.reissueNote")}</p> : null}
        {onBehalf ? <p className="muted">{t("confirm.onBehalfNote")}</p> : null}
        {review.action === "declining" ? <p className="muted">{t("confirm.declineNote")}</p> : null}
        <Form method="post" className="stacked-form">
          <input type="hidden" name="action" value={review.action} />
          <input type="hidden" name="step" value="confirm" />
          <input type="hidden" name="batch" value={review.batch} />
          <input type="hidden" name="returnTo" value={review.returnTo} />
          {review.invitations.map((i) => (
            <input key={i.id} type="hidden" name="invitationId" value={i.id} />
          ))}
          {review.action === "reissue" ? (
            <label className="checkbox">
              <input type="checkbox" name="sendLinks" defaultChecked /> {t("confirm.sendLinks")}
            </label>
          ) : null}
          {onBehalf ? (
            <div className="field">
              <label htmlFor="bulk-reason">{t("confirm.reason")}</label>
              <input id="bulk-reason" name="reason" required minLength={3} maxLength={200} autoComplete="off" />
            </div>
          ) : null}
          <div className="form-actions">
            <button type="submit" className={review.action === "declining" ? "button danger" : "button primary"}>
              {t("confirm.submit", { count })}
            </button>
            <Link to={review.returnTo} className="button">
              {t("confirm.cancel")}
            </Link>
          </div>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
