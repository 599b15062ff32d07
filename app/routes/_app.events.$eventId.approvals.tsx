import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventTools } from "~/components/event-tools";
import { getDb, inTransaction } from "~/db.server";
import { getEnv } from "~/env.server";
import type { Lng } from "~/i18n";
import { actionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTime } from "~/lib/dates";
import { localized } from "~/lib/directory";
import { formatName } from "~/lib/names";
import type { PageTitle } from "~/lib/page-title";
import { notifyApprovals } from "~/mail/capacity.server";
import { audited, writeAudit } from "~/models/audit.server";
import { decideApproval, getApprovalCategories, listApprovals, setApprovalCategories } from "~/models/capacity.server";
import { eventSummary, requireEvent } from "~/services/event-view.server";
import { APPROVAL_DECISIONS, PARTICIPANT_CATEGORIES } from "../../db/schema";

/** Staff approval of registrations (issue 18 §7): which categories need it, and the people waiting for a decision. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const locale = args.context.locale as Lng;
  const db = getDb();
  const [categories, rows] = await Promise.all([getApprovalCategories(db, { eventId: event.id }), listApprovals(db, { eventId: event.id })]);
  return {
    event: eventSummary(event, locale),
    visaLetters: canHandlePassports(user),
    categories,
    people: rows.map((row) => ({
      delegateId: row.delegateId,
      invitationId: row.invitationId,
      name: formatName({ ...row, nameLocale: row.nameLocale as Lng }, locale, "roster"),
      title: row.title,
      member: localized(row.memberNames, locale),
      category: row.category,
      status: row.approval ?? "pending",
      decided: row.approvalAt ? `${formatDateTime(new Date(row.approvalAt), locale, event.timeZone)} · ${row.approvalBy ?? ""}` : null,
    })),
  };
}

const CategoriesSchema = z.object({ intent: z.literal("categories"), categories: z.array(z.enum(PARTICIPANT_CATEGORIES)).max(PARTICIPANT_CATEGORIES.length) });
const DecideSchema = z.object({
  intent: z.literal("decide"),
  decision: z.enum(APPROVAL_DECISIONS),
  delegateIds: z.array(z.string().uuid()).min(1, "capacity:approvals.nothingSelected").max(500),
});
/** The page's two forms, one schema: which form by its intent, then its fields. */
const ApprovalActionSchema = z.discriminatedUnion("intent", [CategoriesSchema, DecideSchema]);

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const form = await readForm(args.request);
  const parsed = ApprovalActionSchema.safeParse({
    intent: form.get("intent"),
    decision: form.get("decision"),
    categories: form.getAll("categories"),
    delegateIds: form.getAll("delegateId"),
  });
  if (!parsed.success) {
    const nothing = parsed.error.issues.some((issue) => issue.message === "capacity:approvals.nothingSelected");
    return actionError(nothing ? "capacity:approvals.nothingSelected" : "capacity:approvals.invalid", 400);
  }
  const db = getDb();
  const data = parsed.data;
  if (data.intent === "categories") {
    await audited(db, (trx) => setApprovalCategories(trx, { eventId: event.id, categories: data.categories }), {
      actor: user,
      action: "events.approval_categories_changed",
      objectType: "event",
      objectId: event.id,
      ip: args.context.clientIp,
      details: { categories: data.categories },
    });
    return redirect(`/events/${event.id}/approvals?saved=categories`);
  }
  const env = getEnv();
  const decided = await inTransaction(db, async (trx) => {
    const decided = await decideApproval(trx, {
      eventId: event.id,
      delegateIds: data.delegateIds,
      decision: data.decision,
      staffLabel: user.displayName || user.email,
    });
    for (const row of decided) {
      await writeAudit(trx, {
        actor: user,
        action: "events.approval_decided",
        objectType: "delegate",
        objectId: row.delegateId,
        ip: args.context.clientIp,
        details: { decision: row.decision, invitationId: row.invitationId, promoted: row.promotions.length },
      });
    }
    await notifyApprovals(trx, { env, event, decided });
    return decided;
  });
  return redirect(`/events/${event.id}/approvals?saved=${data.decision}&count=${decided.length}`);
}

export const handle = { i18n: ["common", "events", "rosters", "capacity"], title: "capacity:approvals.title" satisfies PageTitle };

export default function ApprovalsRoute() {
  const { t } = useTranslation("capacity");
  const { event, visaLetters, categories, people } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const count = Number(params.get("count")) || 0;
  const pending = people.filter((p) => p.status === "pending").length;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{t("approvals.title")}</h1>
          <p className="muted">{event.title}</p>
        </div>
      </div>
      <EventTools eventId={event.id} visaLetters={visaLetters} />
      {saved ? (
        <p className="notice success" role="status">
          {saved === "categories" ? t("approvals.categoriesSaved") : t(`approvals.decided.${saved === "refused" ? "refused" : "approved"}`, { count })}
        </p>
      ) : null}
      <ActionErrorAlert data={data} />
      <section className="panel">
        <h2>{t("approvals.categoriesLegend")}</h2>
        <Form method="post">
          <input type="hidden" name="intent" value="categories" />
          <fieldset className="checkbox-group">
            <legend className="visually-hidden">{t("approvals.categoriesLegend")}</legend>
            {PARTICIPANT_CATEGORIES.map((c) => (
              <label key={c} className="checkbox">
                <input type="checkbox" name="categories" value={c} defaultChecked={categories.includes(c)} /> {t(`events:categories.${c}`)}
              </label>
            ))}
          </fieldset>
          <p className="field-hint">{t("approvals.categoriesHint")}</p>
          <div className="form-actions">
            <button type="submit" className="button">
              {t("approvals.saveCategories")}
            </button>
          </div>
        </Form>
      </section>
      <section className="panel">
        <h2>{t("approvals.peopleHeading", { n: pending })}</h2>
        {people.length ? (
          <Form method="post">
            <input type="hidden" name="intent" value="decide" />
            <div className="table-wrap">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="visually-hidden">{t("approvals.columns.select")}</span>
                    </th>
                    <th scope="col">{t("approvals.columns.person")}</th>
                    <th scope="col">{t("approvals.columns.member")}</th>
                    <th scope="col">{t("approvals.columns.category")}</th>
                    <th scope="col">{t("approvals.columns.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {people.map((p) => (
                    <tr key={p.delegateId}>
                      <td>
                        <input type="checkbox" name="delegateId" value={p.delegateId} aria-label={t("approvals.select", { name: p.name })} />
                      </td>
                      <td>
                        <Link to={`/events/${event.id}/replies/${p.invitationId}`}>{p.name}</Link>
                        {p.title ? <div className="small muted">{p.title}</div> : null}
                      </td>
                      <td>{p.member}</td>
                      <td>{t(`events:categories.${p.category}`)}</td>
                      <td>
                        <span className={p.status === "pending" ? "badge warn" : "badge"}>{t(`status.approval.${p.status}`)}</span>
                        {p.decided ? <div className="small muted">{p.decided}</div> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="form-actions">
              <button type="submit" name="decision" value="approved" className="button primary">
                {t("approvals.approveSelected")}
              </button>
              <button type="submit" name="decision" value="refused" className="button danger">
                {t("approvals.refuseSelected")}
              </button>
            </div>
          </Form>
        ) : (
          <p className="empty-inline">{categories.length ? t("approvals.empty") : t("approvals.noneRequired")}</p>
        )}
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
