import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { GuestForm } from "~/components/guest-form";
import { getDb } from "~/db.server";
import { readForm } from "~/lib/bounded-form.server";
import { countryName, countryOptions, localized } from "~/lib/directory";
import { GuestSchema } from "~/lib/guest-schemas";
import type { PageTitle } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { DuplicateError } from "~/models/errors";
import { createGuest, listGuests } from "~/models/guest.server";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const locale = args.context.locale;
  const guests = await listGuests(getDb());
  return {
    canEdit: user.role !== "viewer",
    guests: guests.map((g) => ({
      id: g.id,
      name: localized(g.names, locale),
      kind: g.kind,
      country: countryName(g.country, locale),
      email: g.email,
      invitations: g.invitations,
    })),
    countries: countryOptions(locale),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const submission = parseWithZod(await readForm(args.request), { schema: GuestSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  try {
    await audited(
      getDb(),
      (trx) => createGuest(trx, submission.value),
      ({ id }) => ({
        actor: user,
        action: "guests.created",
        objectType: "member",
        objectId: id,
        ip: args.context.clientIp,
        details: { kind: submission.value.kind },
      }),
    );
    return redirect("/members/guests?added=1");
  } catch (error) {
    if (!(error instanceof DuplicateError)) throw error;
    return Response.json({ result: submission.reply({ fieldErrors: { "names.en": ["guests:validation.duplicate"] } }) }, { status: 409 });
  }
}

export const handle = { i18n: ["common", "directory", "guests"], title: "guests:title" satisfies PageTitle };

export default function GuestsRoute() {
  const { t } = useTranslation("guests");
  const { guests, countries, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>{t("title")}</h1>
      <p className="lead">{t("lead")}</p>
      {params.get("removed") ? (
        <p className="notice success" role="status">
          {params.get("removed") === "archived" ? t("archived") : t("removed")}
        </p>
      ) : null}
      {guests.length ? (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("fields.names")}</th>
                <th scope="col">{t("fields.kind")}</th>
                <th scope="col">{t("fields.country")}</th>
                <th scope="col">{t("fields.email")}</th>
                <th scope="col">{t("fields.invitations")}</th>
              </tr>
            </thead>
            <tbody>
              {guests.map((g) => (
                <tr key={g.id}>
                  <td>{canEdit ? <Link to={`/members/guests/${g.id}`}>{g.name}</Link> : g.name}</td>
                  <td>{t(`kinds.${g.kind}`)}</td>
                  <td>{g.country}</td>
                  <td className="small">{g.email}</td>
                  <td>{g.invitations}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t("empty")}</p>
      )}
      {canEdit ? (
        <section aria-labelledby="new-guest">
          <h2 id="new-guest">{t("new")}</h2>
          <GuestForm
            key={guests.length}
            lastResult={actionData?.result}
            countries={countries}
            defaultValue={{ defaultLocale: "en" }}
            cancelTo="/members/guests"
            submitLabel={t("create")}
          />
        </section>
      ) : null}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
