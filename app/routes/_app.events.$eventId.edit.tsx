import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventForm } from "~/components/event-form";
import { getDb } from "~/db.server";
import { readForm } from "~/lib/bounded-form.server";
import { localized } from "~/lib/directory";
import { VersionSchema } from "~/lib/directory-schemas";
import { EventSchema } from "~/lib/event-schemas";
import { titleFrom } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { ConflictError } from "~/models/errors";
import { updateEvent } from "~/models/event.server";
import { eventFormChoices, eventToFormValue, requireEvent } from "~/services/event-view.server";

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  return {
    event: { id: event.id, version: event.version, title: localized(event.title, args.context.locale), defaults: eventToFormValue(event) },
    conflict: new URL(args.request.url).searchParams.get("conflict") === "1",
    ...(await eventFormChoices(getDb(), args.context.locale)),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const formData = await readForm(args.request);
  const submission = parseWithZod(formData, { schema: EventSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  const version = VersionSchema.safeParse(formData.get("version"));
  if (!version.success) throw new Response("Bad Request", { status: 400 });
  const db = getDb();
  try {
    await audited(db, (trx) => updateEvent(trx, { id: event.id, version: version.data, input: submission.value }), {
      actor: user,
      action: "events.updated",
      objectType: "event",
      objectId: event.id,
      ip: args.context.clientIp,
    });
  } catch (error) {
    if (error instanceof ConflictError) return redirect(`/events/${event.id}/edit?conflict=1`);
    throw error;
  }
  return redirect(`/events/${event.id}?saved=1`);
}

export const handle = {
  i18n: ["common", "directory", "events"],
  title: titleFrom<typeof loader>((data) => (data?.event ? { key: "events:form.editTitle", values: { title: data.event.title } } : null)),
};

export default function EditEventRoute() {
  const { t } = useTranslation("events");
  const { event, conflict, members, subcommittees, timeZones } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{t("form.editTitle", { title: event.title })}</h1>
      {conflict ? (
        <p className="notice" role="alert">
          {t("directory:form.conflict")}
        </p>
      ) : null}
      <EventForm
        key={event.version}
        members={members}
        subcommittees={subcommittees}
        timeZones={timeZones}
        lastResult={actionData?.result}
        defaultValue={event.defaults}
        version={event.version}
        cancelTo={`/events/${event.id}`}
        submitLabel={t("directory:form.save")}
      />
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
