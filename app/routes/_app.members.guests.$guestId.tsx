import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction } from "~/components/forms";
import { GuestForm } from "~/components/guest-form";
import { getDb } from "~/db.server";
import { readForm } from "~/lib/bounded-form.server";
import { countryOptions, localized } from "~/lib/directory";
import { VersionSchema } from "~/lib/directory-schemas";
import { foundOr404 } from "~/lib/found.server";
import { GuestSchema } from "~/lib/guest-schemas";
import { titleFrom } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { ConflictError, DuplicateError } from "~/models/errors";
import { deleteGuest, getGuest, updateGuest } from "~/models/guest.server";

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const guest = await foundOr404(args.params.guestId, (id) => getGuest(getDb(), { id }));
  const url = new URL(args.request.url);
  return {
    guest: {
      id: guest.id,
      version: guest.version,
      title: localized(guest.names, args.context.locale),
      invitations: guest.invitations,
      defaults: {
        kind: guest.kind,
        names: guest.names,
        country: guest.country,
        email: guest.email,
        defaultLocale: guest.defaultLocale,
        notes: guest.notes ?? "",
      },
    },
    conflict: url.searchParams.get("conflict") === "1",
    countries: countryOptions(args.context.locale),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const db = getDb();
  const guest = await foundOr404(args.params.guestId, (id) => getGuest(db, { id }));
  const formData = await readForm(args.request);
  const version = VersionSchema.safeParse(formData.get("version"));
  if (!version.success) throw new Response("Bad Request", { status: 400 });
  try {
    if (formData.get("intent") === "remove") {
      const outcome = await audited(
        db,
        (trx) => deleteGuest(trx, { id: guest.id, version: version.data }),
        (outcome) => ({
          actor: user,
          action: outcome === "deleted" ? "guests.deleted" : "guests.archived",
          objectType: "member",
          objectId: guest.id,
          ip: args.context.clientIp,
          details: { name: guest.names.en ?? "" },
        }),
      );
      return redirect(`/members/guests?removed=${outcome}`);
    }
    const submission = parseWithZod(formData, { schema: GuestSchema });
    if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
    try {
      await audited(db, (trx) => updateGuest(trx, { id: guest.id, version: version.data, input: submission.value }), {
        actor: user,
        action: "guests.updated",
        objectType: "member",
        objectId: guest.id,
        ip: args.context.clientIp,
      });
    } catch (error) {
      if (error instanceof DuplicateError) {
        return Response.json({ result: submission.reply({ fieldErrors: { "names.en": ["guests:validation.duplicate"] } }) }, { status: 409 });
      }
      throw error;
    }
    return redirect("/members/guests");
  } catch (error) {
    // someone saved meanwhile: show them the current data instead of overwriting it
    if (error instanceof ConflictError) return redirect(`/members/guests/${guest.id}?conflict=1`);
    throw error;
  }
}

export const handle = {
  i18n: ["common", "directory", "guests"],
  title: titleFrom<typeof loader>((data) => (data?.guest ? { key: "guests:edit", values: { name: data.guest.title } } : null)),
};

export default function GuestRoute() {
  const { t } = useTranslation("guests");
  const { guest, conflict, countries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/members/guests">{t("title")}</Link>
      </p>
      <h1>{guest.title}</h1>
      {conflict ? (
        <p className="notice" role="alert">
          {t("conflict")}
        </p>
      ) : null}
      <h2>{t("edit")}</h2>
      <GuestForm
        key={guest.version}
        lastResult={actionData?.result}
        countries={countries}
        defaultValue={guest.defaults}
        version={guest.version}
        cancelTo="/members/guests"
        submitLabel={t("save")}
      />
      <ConfirmAction label={`${t("remove")}…`} question={t("removeConfirm")} intent="intent" value="remove" version={guest.version} danger />
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
