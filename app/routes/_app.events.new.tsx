import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventForm } from "~/components/event-form";
import { getDb } from "~/db.server";
import { readForm } from "~/lib/bounded-form.server";
import { EventSchema } from "~/lib/event-schemas";
import type { PageTitle } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { createEvent } from "~/models/event.server";
import { getSecretariat } from "~/models/secretariat.server";
import { eventFormChoices } from "~/services/event-view.server";

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const db = getDb();
  const [choices, secretariat] = await Promise.all([eventFormChoices(db, args.context.locale), getSecretariat(db)]);
  // a new event starts in the secretariat's time zone (Settings → Identity)
  return { ...choices, defaultTimeZone: secretariat.timeZone };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const submission = parseWithZod(await readForm(args.request), { schema: EventSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  const db = getDb();
  const { id } = await audited(
    db,
    (trx) => createEvent(trx, submission.value),
    ({ id }) => ({ actor: user, action: "events.created", objectType: "event", objectId: id, ip: args.context.clientIp }),
  );
  return redirect(`/events/${id}`);
}

export const handle = { i18n: ["common", "directory", "events"], title: "events:form.newTitle" satisfies PageTitle };

export default function NewEventRoute() {
  const { t } = useTranslation("events");
  const { defaultTimeZone, ...choices } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{t("form.newTitle")}</h1>
      <EventForm
        {...choices}
        lastResult={actionData?.result}
        defaultValue={{ format: "in_person", quota: "5", categories: ["delegate", "observer"], timeZone: defaultTimeZone }}
        cancelTo="/events"
        submitLabel={t("form.create")}
      />
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
