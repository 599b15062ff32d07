import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction } from "~/components/forms";
import { MailTabs } from "~/components/mail-tabs";
import { getDb } from "~/db.server";
import { actionError, actionErrorOf, describeActionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import type { PageTitle } from "~/lib/page-title";
import { writeAudit } from "~/models/audit.server";
import { liftSuppression, listSuppressions, suppressAddresses } from "~/models/mail-suppression.server";
import { getStaffTimeZone } from "~/models/secretariat.server";

/** One form, two intents: lift an address from the list, or put one on it by hand (a bounce reported by phone). */
const SuppressionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("lift"), address: z.string().trim().min(3).max(320) }),
  z.object({
    intent: z.literal("add"),
    address: z
      .string()
      .trim()
      .max(320)
      .pipe(z.email({ error: "validation.email" })),
  }),
]);

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const db = getDb();
  const q = new URL(args.request.url).searchParams.get("q")?.slice(0, 100) || undefined;
  const [rows, zone] = await Promise.all([listSuppressions(db, { q }), getStaffTimeZone(db)]);
  return {
    rows: rows.map((row) => ({
      address: row.address,
      reason: row.reason,
      reply: row.reply,
      since: formatDateTimeZoned(row.createdAt, args.context.locale, zone),
      messageId: row.messageId,
    })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const parsed = SuppressionSchema.safeParse(Object.fromEntries(await readForm(args.request)));
  if (!parsed.success) {
    if (parsed.error.issues[0]?.message === "validation.email") return actionError("common:validation.email", 400);
    throw new Response("Bad Request", { status: 400 });
  }
  const db = getDb();
  const { intent, address } = parsed.data;
  await db.transaction().execute(async (trx) => {
    if (intent === "lift") {
      const removed = await liftSuppression(trx, { address });
      if (removed) {
        await writeAudit(trx, {
          actor: user,
          action: "mail.suppression_lifted",
          objectType: "address",
          objectId: removed.address,
          ip: args.context.clientIp,
          details: { reason: removed.reason },
        });
      }
    } else {
      await suppressAddresses(trx, [{ address, reason: "manual", createdBy: user.id }]);
      await writeAudit(trx, {
        actor: user,
        action: "mail.suppression_added",
        objectType: "address",
        objectId: address.toLowerCase(),
        ip: args.context.clientIp,
      });
    }
  });
  return redirect(`/mail/suppressions?${intent === "lift" ? "lifted" : "added"}=${encodeURIComponent(address.toLowerCase())}`);
}

export const handle = { i18n: ["common", "invitations"], title: "invitations:suppressions.title" satisfies PageTitle };

export default function SuppressionsRoute() {
  const { t } = useTranslation("invitations");
  const { rows } = useLoaderData<typeof loader>();
  const refused = actionErrorOf(useActionData<typeof action>());
  const [params] = useSearchParams();
  const lifted = params.get("lifted");
  const added = params.get("added");
  return (
    <>
      <MailTabs />
      <h1>{t("suppressions.title")}</h1>
      <p className="field-hint">{t("suppressions.intro")}</p>
      {lifted ? (
        <p className="notice success" role="status">
          {t("suppressions.lifted", { address: lifted })}
        </p>
      ) : null}
      {added ? (
        <p className="notice success" role="status">
          {t("suppressions.added", { address: added })}
        </p>
      ) : null}
      <Form method="get" className="filters" role="search" aria-label={t("suppressions.search")}>
        <div className="field grow">
          <label htmlFor="q">{t("suppressions.search")}</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} />
        </div>
        <button type="submit" className="button">
          {t("mail.apply")}
        </button>
      </Form>
      {rows.length === 0 ? (
        <EmptyState title={t("suppressions.empty.title")} body={t("suppressions.empty.body")} />
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t("suppressions.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("suppressions.address")}</th>
                <th scope="col">{t("suppressions.reason")}</th>
                <th scope="col">{t("suppressions.since")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("suppressions.lift")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.address}>
                  <td>{row.address}</td>
                  <td>
                    <span className={`badge mail-${row.reason === "manual" ? "suppressed" : "bounced"}`}>{t(`suppressions.reasons.${row.reason}`)}</span>
                    {row.reply ? <span className="secondary-name">{row.reply}</span> : null}
                    {row.messageId ? (
                      <Link className="secondary-name" to={`/mail/${row.messageId}`}>
                        {t("suppressions.message")}
                      </Link>
                    ) : null}
                  </td>
                  <td className="small">{row.since}</td>
                  <td>
                    <ConfirmAction
                      label={t("suppressions.lift")}
                      question={t("suppressions.liftConfirm", { address: row.address })}
                      intent="intent"
                      value="lift"
                      hidden={{ address: row.address }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="panel" aria-labelledby="add-heading">
        <h2 id="add-heading">{t("suppressions.addTitle")}</h2>
        <Form method="post" className="inline-form">
          <div className="field">
            <label htmlFor="add-address">{t("suppressions.address")}</label>
            <input id="add-address" name="address" type="email" required maxLength={320} aria-describedby={refused ? "add-error" : undefined} />
            {refused ? (
              <p id="add-error" className="field-errors">
                {describeActionError(t, refused)}
              </p>
            ) : null}
          </div>
          <p className="field-hint">{t("suppressions.addHint")}</p>
          <button type="submit" name="intent" value="add" className="button">
            {t("suppressions.add")}
          </button>
        </Form>
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
