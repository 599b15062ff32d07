import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { hasRole, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ConfirmAction } from "~/components/forms";
import { getDb } from "~/db.server";
import { htmlLang, languageNames, supportedLngs } from "~/i18n";
import { readForm } from "~/lib/bounded-form.server";
import { contactLabels } from "~/lib/contact-display";
import { formatDateTimeZoned } from "~/lib/dates";
import { countryName, localized, missingLanguages } from "~/lib/directory";
import { titleFrom } from "~/lib/page-title";
import { audited } from "~/models/audit.server";
import { listContactsOfMember } from "~/models/contact.server";
import { ConflictError } from "~/models/errors";
import { suppressedAmong } from "~/models/mail-suppression.server";
import { getMember, setMemberArchived } from "~/models/member.server";
import { getStaffTimeZone } from "~/models/secretariat.server";
import { listSubcommitteesOfMember } from "~/models/subcommittee.server";

const ArchiveSchema = z.object({ intent: z.enum(["archive", "restore"]), version: z.coerce.number().int() });

function utcOffset(timeZone: string) {
  const part = new Intl.DateTimeFormat("en", { timeZone, timeZoneName: "shortOffset" }).formatToParts(new Date()).find((p) => p.type === "timeZoneName");
  return part?.value.replace("GMT", "UTC") ?? "";
}

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const db = getDb();
  const id = z.string().uuid().safeParse(args.params.memberId);
  const member = id.success ? await getMember(db, { id: id.data }) : undefined;
  if (!member) throw new Response("Not Found", { status: 404 });
  const locale = args.context.locale;
  const [contacts, subcommittees, zone] = await Promise.all([
    listContactsOfMember(db, { memberId: member.id }),
    listSubcommitteesOfMember(db, { memberId: member.id }),
    getStaffTimeZone(db),
  ]);
  // addresses of this member that get no more mail (a hard bounce, issue 16 §4)
  const suppressed = await suppressedAmong(db, [member.officeEmail ?? "", ...contacts.flatMap((c) => c.emails)]);
  const url = new URL(args.request.url);
  return {
    member: {
      id: member.id,
      version: member.version,
      title: localized(member.names, locale),
      names: member.names,
      missing: missingLanguages(member.names),
      headTitle: localized(member.headTitle, locale),
      country: countryName(member.country, locale),
      kind: member.kind,
      status: member.status,
      defaultLocale: member.defaultLocale,
      timeZone: `${member.timeZone} (${utcOffset(member.timeZone)})`,
      officeEmail: member.officeEmail,
      postalAddress: member.postalAddress,
      notes: member.notes,
      isDemo: member.isDemo,
      archived: Boolean(member.archivedAt),
    },
    contacts: contacts.map((c) => ({
      id: c.id,
      ...contactLabels(c, locale),
      position: localized(c.position, locale),
      isHead: c.isHead,
      isFocalPoint: c.isFocalPoint,
      emails: c.emails,
      phone: c.phone,
      preferredLocale: c.preferredLocale,
      nameLang: htmlLang[c.nameLocale],
    })),
    subcommittees: subcommittees.map((s) => ({ id: s.id, name: localized(s.names, locale), isCoordinator: s.isCoordinator })),
    suppressed: [...suppressed.values()].map((entry) => ({
      address: entry.address,
      reason: entry.reason,
      since: formatDateTimeZoned(entry.createdAt, locale, zone),
      reply: entry.reply,
    })),
    canEdit: hasRole(user, "staff"),
    saved: url.searchParams.get("saved") === "1",
    conflict: url.searchParams.get("conflict") === "1",
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const id = args.params.memberId ?? "";
  const parsed = ArchiveSchema.safeParse(Object.fromEntries(await readForm(args.request)));
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  const db = getDb();
  try {
    await audited(db, (trx) => setMemberArchived(trx, { id, version: parsed.data.version, archived: parsed.data.intent === "archive" }), {
      actor: user,
      action: `directory.member_${parsed.data.intent}d`,
      objectType: "member",
      objectId: id,
      ip: args.context.clientIp,
    });
  } catch (error) {
    if (error instanceof ConflictError) return redirect(`/members/${id}?conflict=1`);
    throw error;
  }
  return redirect(`/members/${id}`);
}

export const handle = { title: titleFrom<typeof loader>((data) => (data?.member?.title ? { text: data.member.title } : null)) };

export default function MemberRoute() {
  const { t } = useTranslation("directory");
  const { member, contacts, subcommittees, canEdit, saved, conflict, suppressed } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/members">{t("members.title")}</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{member.title}</h1>
          <p className="muted">
            {member.country} · {t(`kinds.${member.kind}`)} · {t(`statuses.${member.status}`)}
            {member.archived ? <span className="badge warn">{t("members.archived")}</span> : null}
            {member.isDemo ? <span className="badge">{t("demo.badge")}</span> : null}
          </p>
        </div>
        {canEdit ? (
          <div className="actions">
            <Link to={`/members/${member.id}/edit`} className="button">
              {t("members.editButton")}
            </Link>
            <ConfirmAction
              label={member.archived ? t("members.restore") : t("members.archive")}
              question={member.archived ? t("members.restoreConfirm") : t("members.archiveConfirm")}
              intent="intent"
              value={member.archived ? "restore" : "archive"}
              version={member.version}
            />
          </div>
        ) : null}
      </div>
      {saved ? (
        <p className="notice success" role="status">
          {t("form.saved")}
        </p>
      ) : null}
      {suppressed.length ? (
        <div className="notice warning" role="alert">
          <p>{t("suppressed.title", { count: suppressed.length })}</p>
          <ul>
            {suppressed.map((s) => (
              <li key={s.address}>
                {t(`suppressed.${s.reason}`, { address: s.address, at: s.since })}
                {s.reply ? <span className="secondary-name">{s.reply}</span> : null}{" "}
                <Link to={`/mail/suppressions?q=${encodeURIComponent(s.address)}`}>{t("suppressed.manage")}</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {conflict ? (
        <p className="notice" role="alert">
          {t("form.conflict")}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="names-heading">
        <h2 id="names-heading">{t("fields.names")}</h2>
        <dl className="facts">
          {supportedLngs.map((lng) => (
            <div key={lng} className="fact-row">
              <dt>{languageNames[lng]}</dt>
              <dd lang={htmlLang[lng]}>{member.names[lng] ?? <span className="muted">{t("form.notGiven")}</span>}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section className="panel" aria-labelledby="facts-heading">
        <h2 id="facts-heading">{t("members.facts")}</h2>
        <dl className="facts">
          <dt>{t("fields.country")}</dt>
          <dd>{member.country}</dd>
          <dt>{t("fields.headTitle")}</dt>
          <dd>{member.headTitle || <span className="muted">{t("form.notGiven")}</span>}</dd>
          <dt>{t("fields.defaultLocale")}</dt>
          <dd>{languageNames[member.defaultLocale]}</dd>
          <dt>{t("fields.timeZone")}</dt>
          <dd>{member.timeZone}</dd>
          <dt>{t("fields.officeEmail")}</dt>
          <dd>{member.officeEmail ?? <span className="muted">{t("form.notGiven")}</span>}</dd>
          {member.postalAddress ? (
            <>
              <dt>{t("fields.postalAddress")}</dt>
              <dd className="pre">{member.postalAddress}</dd>
            </>
          ) : null}
          {member.notes ? (
            <>
              <dt>{t("fields.notes")}</dt>
              <dd className="pre">{member.notes}</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section className="panel" aria-labelledby="contacts-heading">
        <div className="section-header">
          <h2 id="contacts-heading">{t("contacts.title")}</h2>
          {canEdit ? (
            <Link to={`/members/${member.id}/contacts/new`} className="button">
              {t("contacts.add")}
            </Link>
          ) : null}
        </div>
        {contacts.length === 0 ? (
          <p className="empty-inline">{t("contacts.empty")}</p>
        ) : (
          <ul className="contact-list">
            {contacts.map((c) => (
              <li key={c.id}>
                <div className="contact-name">
                  <span lang={c.nameLang}>{c.roster}</span>
                  {c.isHead ? <span className="badge head">{t("contacts.head")}</span> : null}
                  {c.isFocalPoint ? <span className="badge focal">{t("contacts.focalPoint")}</span> : null}
                </div>
                {c.position ? <div className="muted">{c.position}</div> : null}
                <div className="small">
                  {c.emails.join(", ")}
                  {c.phone ? ` · ${c.phone}` : ""}
                </div>
                <div className="small muted">
                  {t("contacts.salutationPreview")}: <span lang={c.nameLang}>{c.salutation}</span>
                </div>
                {canEdit ? (
                  <Link to={`/members/${member.id}/contacts/${c.id}`} className="small">
                    {t("contacts.edit")}
                  </Link>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="subcommittees-heading">
        <h2 id="subcommittees-heading">{t("tabs.subcommittees")}</h2>
        {subcommittees.length === 0 ? (
          <p className="empty-inline">{t("subcommittees.noneForMember")}</p>
        ) : (
          <ul>
            {subcommittees.map((s) => (
              <li key={s.id}>
                <Link to={`/members/subcommittees/${s.id}`}>{s.name}</Link>
                {s.isCoordinator ? <span className="badge">{t("subcommittees.coordinator")}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
