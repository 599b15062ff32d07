import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, hasRole, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { RegistrationStanding } from "~/components/registration-standing";
import { ReplyForm } from "~/components/reply-form";
import { ReplySummary } from "~/components/reply-summary";
import { StaffDocuments } from "~/components/staff-documents";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { languageNames } from "~/i18n";
import { readBoundedForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import { foundOr404 } from "~/lib/found.server";
import { titleFrom } from "~/lib/page-title";
import { replyFormLimits, replySchema } from "~/lib/reply-schemas";
import { delegateLine, submitReply } from "~/mail/replies.server";
import { audited } from "~/models/audit.server";
import { emailedRepliesForInvitation } from "~/models/inbound-mail.server";
import { getReply, listChanges, listSubstitutions, revealPassport } from "~/models/reply.server";
import { documentsView } from "~/services/documents.server";
import { requireEvent } from "~/services/event-view.server";
import { replyPageData, replyRules } from "~/services/reply-view.server";

async function requireReply(args: LoaderFunctionArgs | ActionFunctionArgs) {
  const event = await requireEvent(args.params.eventId);
  const reply = await foundOr404(args.params.invitationId, async (id) => {
    const found = await getReply(getDb(), { invitationId: id, key: getEnv().DATA_ENCRYPTION_KEY });
    return found?.eventId === event.id ? found : undefined;
  });
  return { event, reply };
}

/** One member's reply as staff see it: the answer, the delegation, its history; staff may answer on its behalf. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const { event, reply } = await requireReply(args);
  const locale = args.context.locale;
  const db = getDb();
  const [page, changes, emailed, substitutions, documents] = await Promise.all([
    replyPageData(db, { env: getEnv(), invitationId: reply.id, locale, staff: true }),
    listChanges(db, { invitationId: reply.id }),
    emailedRepliesForInvitation(db, { invitationId: reply.id }),
    listSubstitutions(db, { invitationId: reply.id }),
    documentsView(db, { invitationId: reply.id, locale }),
  ]);
  return {
    ...page,
    canEdit: hasRole(user, "staff"),
    canReveal: canHandlePassports(user),
    documents,
    saved: new URL(args.request.url).searchParams.get("saved") === "1",
    // replies the member's office wrote by email instead of using the link (issue 16 §5): staff read and record them
    emailed: emailed.map((m) => ({
      id: m.id,
      at: formatDateTimeZoned(m.receivedAt, locale, event.timeZone),
      from: m.fromName ? `${m.fromName} <${m.fromAddress ?? ""}>` : (m.fromAddress ?? ""),
      subject: m.subject,
      body: m.body,
    })),
    // issue 18 §4: "X replaced Y on <date>", the replaced person's arrival kept with them, not with X
    substitutions: substitutions.map((s) => ({
      id: s.id,
      at: formatDateTimeZoned(new Date(s.at), locale, event.timeZone),
      replaced: delegateLine(s.replaced, locale),
      replacement: delegateLine(s.replacement, locale),
      wasCheckedIn: Boolean(s.replacedCheckedInAt),
      actor: s.actorKind === "staff" ? (s.staffLabel ?? "") : null,
    })),
    history: changes.map((c) => ({
      id: c.id,
      at: formatDateTimeZoned(new Date(c.at), locale, event.timeZone),
      actor: c.actorKind === "staff" ? (c.staffLabel ?? "") : null,
      reason: c.reason,
      before: c.responseBefore,
      after: c.responseAfter,
      size: c.summary.size,
      people: c.summary.delegates.map((d) => delegateLine(d, locale)),
    })),
  };
}

const RevealSchema = z.object({ delegateId: z.string().uuid(), purpose: z.string().trim().min(3).max(200) });

export async function action(args: ActionFunctionArgs) {
  // who may act, and on what, before a byte of the body is read
  const user = requireUser(args, "staff");
  const { event, reply } = await requireReply(args);
  const db = getDb();
  const env = getEnv();
  const rules = await replyRules(db, { env, event, invitationId: reply.id, staff: true });
  const formData = await readBoundedForm(args.request, replyFormLimits(rules.quota));
  if (formData.get("intent") === "reveal") {
    // RELIABILITY D4: administrators and visa officers only, each reveal audited with its purpose
    if (!canHandlePassports(user)) throw new Response("Forbidden", { status: 403 });
    const parsed = RevealSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return Response.json({ revealError: "reply:staff.purposeRequired" }, { status: 400 });
    // the reveal and its audit row are one transaction: no number leaves without its record
    const revealed = await audited(
      db,
      (trx) => revealPassport(trx, { delegateId: parsed.data.delegateId, invitationId: reply.id, key: env.DATA_ENCRYPTION_KEY }),
      (revealed) =>
        revealed
          ? {
              actor: user,
              action: "replies.passport_revealed",
              objectType: "delegate",
              objectId: parsed.data.delegateId,
              ip: args.context.clientIp,
              details: { invitationId: reply.id, purpose: parsed.data.purpose },
            }
          : null,
    );
    if (!revealed) throw new Response("Not Found", { status: 404 });
    return Response.json({ revealed: { delegateId: parsed.data.delegateId, ...revealed } }, { headers: { "Cache-Control": "no-store" } });
  }
  const submission = parseWithZod(formData, { schema: replySchema(rules) });
  if (submission.status !== "success") return Response.json({ result: submission.reply() }, { status: submission.status === "error" ? 400 : 200 });
  const outcome = await submitReply(db, {
    env,
    event,
    invitationId: reply.id,
    input: submission.value,
    actor: { kind: "staff", user, reason: submission.value.reason ?? "" },
    passportAllowed: rules.passportAllowed,
    ip: args.context.clientIp,
  });
  if (outcome.status === "conflict") return Response.json({ result: submission.reply({ formErrors: ["reply:conflict"] }), conflict: true }, { status: 409 });
  return redirect(`/events/${event.id}/replies/${reply.id}?saved=1`, 303);
}

export const handle = {
  i18n: ["common", "directory", "events", "invitations", "reply", "delegation", "capacity", "documents", "guests"],
  title: titleFrom<typeof loader>((data) => (data?.member?.name ? { text: data.member.name } : null)),
};

type ActionData = {
  result?: SubmissionResult<string[]>;
  conflict?: boolean;
  revealed?: { delegateId: string; passportNumber: string | null; birthDate: string | null };
  revealError?: string;
};

export default function StaffReplyRoute() {
  const { t } = useTranslation("reply");
  const { t: tg } = useTranslation("delegation");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const withPassport = data.reply.delegates.filter((d) => d.passportNumberMasked || d.birthYear);
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/events/${data.event.id}`}>{data.event.title}</Link> › <Link to={`/events/${data.event.id}/replies`}>{t("staff.overview")}</Link>
      </p>
      <h1>{data.member.name}</h1>
      <p className="muted">
        {data.member.country} · {t("staff.letterLanguage", { language: languageNames[data.letterLocale] })}
      </p>
      {data.saved ? (
        <p className="notice success" role="status">
          {t("staff.saved")}
        </p>
      ) : null}
      {actionData?.conflict ? (
        <p className="notice warning" role="alert">
          {t("page.conflict")}
        </p>
      ) : null}
      {data.emailed.length ? (
        <section className="panel" id="emailed-replies" aria-labelledby="emailed-heading">
          <h2 id="emailed-heading">{t("staff.emailedTitle", { count: data.emailed.length })}</h2>
          <p className="small muted">{t("staff.emailedHint")}</p>
          {data.emailed.map((m) => (
            <article key={m.id} className="emailed-reply" lang="">
              <p>
                <strong>{t("staff.emailedOn", { at: m.at })}</strong> · {m.from}
              </p>
              <p className="small">{m.subject}</p>
              <pre className="mail-text">{m.body}</pre>
            </article>
          ))}
        </section>
      ) : null}
      <section className="panel" aria-labelledby="current-heading">
        <h2 id="current-heading">{t("staff.current")}</h2>
        <ReplySummary reply={data.reply} forStaff />
        <RegistrationStanding standing={data.standing} approvalsHref={`/events/${data.event.id}/approvals`} />
        {data.canReveal && withPassport.length ? (
          <details className="editor">
            <summary>{t("staff.reveal")}</summary>
            <p className="small muted">{t("staff.revealHint")}</p>
            {withPassport.map((d) => (
              <Form method="post" key={d.id} className="form-grid reveal-form">
                <input type="hidden" name="intent" value="reveal" />
                <input type="hidden" name="delegateId" value={d.id} />
                <div className="field">
                  <label htmlFor={`purpose-${d.id}`}>{t("staff.purpose", { person: d.line })}</label>
                  <input id={`purpose-${d.id}`} name="purpose" required minLength={3} maxLength={200} />
                </div>
                <div className="form-actions">
                  <button type="submit" className="button">
                    {t("staff.revealButton")}
                  </button>
                </div>
                {actionData?.revealed?.delegateId === d.id ? (
                  <p className="notice" role="status">
                    {t("staff.revealed", { number: actionData.revealed.passportNumber ?? "—", birth: actionData.revealed.birthDate ?? "—" })}
                  </p>
                ) : null}
              </Form>
            ))}
            {actionData?.revealError ? <p className="field-errors">{t(actionData.revealError)}</p> : null}
          </details>
        ) : null}
      </section>
      <StaffDocuments eventId={data.event.id} documents={data.documents} delegates={data.reply.delegates} canDownloadScans={data.canReveal} />
      {data.canEdit ? (
        <section className="panel" aria-labelledby="behalf-heading">
          <h2 id="behalf-heading">{t("staff.behalf")}</h2>
          <p className="muted">{t("staff.behalfHint")}</p>
          <ReplyForm
            key={data.reply.revision}
            rules={data.rules}
            defaultValue={data.defaultValue}
            lastResult={actionData?.conflict ? undefined : actionData?.result}
            contacts={data.contacts}
            programme={data.programmeChoices}
            stored={data.stored}
            nameLocale={data.letterLocale}
            headPrefill={data.headPrefill}
            registered={data.reply.delegates}
            submitLabel={t("staff.save")}
          />
        </section>
      ) : null}
      {data.substitutions.length ? (
        <section className="panel" aria-labelledby="substitutions-heading">
          <h2 id="substitutions-heading">{tg("history.title")}</h2>
          <ul className="history substitutions">
            {data.substitutions.map((s) => (
              <li key={s.id}>
                {tg("history.line", { replacement: s.replacement, replaced: s.replaced, at: s.at })}{" "}
                <span className="small muted">
                  {s.actor ? tg("history.byStaff", { user: s.actor }) : tg("history.byLink")}
                  {s.wasCheckedIn ? ` · ${tg("history.checkedIn", { replaced: s.replaced })}` : ""}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="panel" aria-labelledby="history-heading">
        <h2 id="history-heading">{t("staff.history")}</h2>
        {data.history.length ? (
          <ol className="history">
            {data.history.map((h) => (
              <li key={h.id}>
                <strong>{h.at}</strong> · {h.actor ? t("staff.byStaff", { user: h.actor }) : t("staff.byLink")}
                {h.reason ? <span className="muted"> ({h.reason})</span> : null}
                <br />
                {t(`answer.${h.before}`)} → <strong>{t(`answer.${h.after}`)}</strong>
                {h.size ? <span className="small muted"> · {h.people.join("; ")}</span> : null}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{t("staff.noHistory")}</p>
        )}
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
