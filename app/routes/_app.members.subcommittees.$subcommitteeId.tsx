import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { hasRole, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SubcommitteeForm } from "~/components/subcommittee-form";
import { getDb } from "~/db.server";
import type { Lng } from "~/i18n";
import { readForm } from "~/lib/bounded-form.server";
import { countryName, localized, sortMembers } from "~/lib/directory";
import { SubcommitteeSchema, VersionSchema } from "~/lib/directory-schemas";
import { foundOr404 } from "~/lib/found.server";
import { titleFrom } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { ConflictError, DuplicateError } from "~/models/errors";
import { listMembers } from "~/models/member.server";
import { createSubcommittee, getSubcommittee, updateSubcommittee } from "~/models/subcommittee.server";

const COUNTRY_ORDER = ["CN", "JP", "KR", "KP", "MN", "RU"];

/** Every active member as a choice, grouped by country (NEAR's order first), sorted by name in `locale`. */
async function memberChoices(locale: Lng, selected: Map<string, boolean>) {
  const members = sortMembers(await listMembers(getDb()), locale);
  const rank = (c: string) => (COUNTRY_ORDER.includes(c) ? COUNTRY_ORDER.indexOf(c) : 99);
  return members
    .sort((a, b) => rank(a.country) - rank(b.country))
    .map((m) => ({
      id: m.id,
      name: localized(m.names, locale),
      country: m.country,
      countryName: countryName(m.country, locale),
      selected: selected.has(m.id),
      coordinator: selected.get(m.id) === true,
    }));
}

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const locale = args.context.locale;
  const isNew = args.params.subcommitteeId === "new";
  if (isNew) requireUser(args, "staff");
  const subcommittee = isNew ? undefined : await foundOr404(args.params.subcommitteeId, (id) => getSubcommittee(getDb(), { id }));
  const selected = new Map(subcommittee?.members.map((m) => [m.id, m.isCoordinator]) ?? []);
  return {
    isNew,
    canEdit: hasRole(user, "staff"),
    subcommittee: subcommittee
      ? {
          id: subcommittee.id,
          version: subcommittee.version,
          title: localized(subcommittee.names, locale),
          defaults: { number: subcommittee.number ? String(subcommittee.number) : "", names: subcommittee.names },
          members: sortMembers(subcommittee.members, locale).map((m) => ({
            id: m.id,
            name: localized(m.names, locale),
            country: countryName(m.country, locale),
            isCoordinator: m.isCoordinator,
          })),
        }
      : null,
    choices: await memberChoices(locale, selected),
    conflict: new URL(args.request.url).searchParams.get("conflict") === "1",
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const formData = await readForm(args.request);
  const submission = parseWithZod(formData, { schema: SubcommitteeSchema });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: 400 });
  const db = getDb();
  const isNew = args.params.subcommitteeId === "new";
  try {
    if (isNew) {
      const { id } = await audited(
        db,
        (trx) => createSubcommittee(trx, submission.value),
        ({ id }) => ({ actor: user, action: "directory.subcommittee_created", objectType: "subcommittee", objectId: id, ip: args.context.clientIp }),
      );
      return redirect(`/members/subcommittees/${id}?saved=1`);
    }
    const id = args.params.subcommitteeId ?? "";
    const version = VersionSchema.safeParse(formData.get("version"));
    if (!version.success) throw new Response("Bad Request", { status: 400 });
    await audited(db, (trx) => updateSubcommittee(trx, { id, version: version.data, input: submission.value }), {
      actor: user,
      action: "directory.subcommittee_updated",
      objectType: "subcommittee",
      objectId: id,
      ip: args.context.clientIp,
    });
    return redirect(`/members/subcommittees/${id}?saved=1`);
  } catch (error) {
    if (error instanceof ConflictError) return redirect(`/members/subcommittees/${args.params.subcommitteeId}?conflict=1`);
    if (error instanceof DuplicateError) {
      return Response.json({ result: submission.reply({ fieldErrors: { "names.en": ["directory:validation.duplicateSubcommittee"] } }) }, { status: 409 });
    }
    throw error;
  }
}

export const handle = {
  title: titleFrom<typeof loader>((data) =>
    data?.isNew ? { key: "directory:subcommittees.add" } : data?.subcommittee?.title ? { text: data.subcommittee.title } : null,
  ),
};

export default function SubcommitteeRoute() {
  const { t } = useTranslation("directory");
  const { isNew, canEdit, subcommittee, choices, conflict } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{isNew ? t("subcommittees.add") : subcommittee!.title}</h1>
      {conflict ? (
        <p className="notice" role="alert">
          {t("form.conflict")}
        </p>
      ) : null}
      {subcommittee ? (
        <section className="panel" aria-labelledby="sc-members">
          <h2 id="sc-members">{t("subcommittees.members")}</h2>
          {subcommittee.members.length === 0 ? (
            <p className="empty-inline">{t("subcommittees.noMembers")}</p>
          ) : (
            <ul>
              {subcommittee.members.map((m) => (
                <li key={m.id}>
                  {m.name} <span className="muted">({m.country})</span>
                  {m.isCoordinator ? <span className="badge">{t("subcommittees.coordinator")}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      {canEdit ? (
        <details className="panel editor" open={isNew || Boolean(actionData) || conflict}>
          <summary>{isNew ? t("subcommittees.add") : t("subcommittees.edit")}</summary>
          <SubcommitteeForm
            key={subcommittee?.version ?? "new"}
            lastResult={actionData?.result}
            defaultValue={subcommittee?.defaults}
            version={subcommittee?.version}
            members={choices}
            cancelTo="/members/subcommittees"
            submitLabel={isNew ? t("subcommittees.create") : t("form.save")}
          />
        </details>
      ) : null}
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
