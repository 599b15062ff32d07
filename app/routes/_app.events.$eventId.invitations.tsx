import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { canHandlePassports, requireUser } from "~/auth.server";
import { ActionErrorAlert } from "~/components/action-error";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventTools } from "~/components/event-tools";
import { GuestInvitePanel } from "~/components/guest-invite-panel";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { languageNames, type Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { actionError } from "~/lib/action-error";
import { readForm } from "~/lib/bounded-form.server";
import { countryName, countryOptions, localized, missingLanguages, sortMembers } from "~/lib/directory";
import { GuestInviteSchema } from "~/lib/guest-schemas";
import type { PageTitle } from "~/lib/page-title";
import { messageIdFor } from "~/lib/tokens.server";
import { EventNotOpenError, inviteGuests, memberRecipients, startSendWave } from "~/mail/invitations.server";
import { renderEmail, renderEmailText } from "~/mail/render-email.server";
import { wakeSendWaveRunners } from "~/mail/send-waves.server";
import { parseMailFrom } from "~/mail/transport.server";
import { type AudienceFilter, listAudience } from "~/models/audience.server";
import { audited } from "~/models/audit.server";
import { enqueueMessage } from "~/models/email-message.server";
import { guestInvitationsOfEvent, listGuests } from "~/models/guest.server";
import { listInvitations } from "~/models/invitation.server";
import { listMembers } from "~/models/member.server";
import { listSubcommittees } from "~/models/subcommittee.server";
import { requireEvent } from "~/services/event-view.server";
import { MEMBER_STATUSES } from "../../db/schema";
import TestMessage from "../../emails/test-message";

// zod must be configured jitless before this module builds its schema (the CSP forbids eval)
import "~/lib/validation";

const AudienceSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("all") }),
  z.object({ mode: z.literal("country"), country: z.string().regex(/^[A-Z]{2}$/) }),
  z.object({ mode: z.literal("status"), status: z.enum(MEMBER_STATUSES) }),
  z.object({ mode: z.literal("subcommittee"), subcommitteeId: z.string().uuid() }),
  z.object({ mode: z.literal("picked"), memberIds: z.array(z.string().uuid()).min(1) }),
]);

function audienceFrom(params: URLSearchParams | FormData): AudienceFilter | null {
  const parsed = AudienceSchema.safeParse({
    mode: params.get("mode") ?? "all",
    country: params.get("country") ?? undefined,
    status: params.get("status") ?? undefined,
    subcommitteeId: params.get("subcommitteeId") ?? undefined,
    memberIds: params.getAll("memberIds").map(String),
  });
  return parsed.success ? (parsed.data as AudienceFilter) : null;
}

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, "staff");
  const locale = args.context.locale;
  const db = getDb();
  const event = await requireEvent(args.params.eventId);
  const url = new URL(args.request.url);
  const audience = audienceFrom(url.searchParams) ?? { mode: "all" as const };
  const [members, invited, subcommittees, allMembers, guests, guestInvitations] = await Promise.all([
    listAudience(db, audience),
    listInvitations(db, { eventId: event.id }),
    listSubcommittees(db),
    listMembers(db),
    listGuests(db),
    guestInvitationsOfEvent(db, { eventId: event.id }),
  ]);
  const guestsInvited = new Set(guestInvitations.map((i) => i.memberId));
  const invitedIds = new Set(invited.map((i) => i.memberId));
  const rows = sortMembers(members, locale).map((m) => {
    const r = memberRecipients(m);
    return {
      id: m.id,
      name: localized(m.names, locale),
      country: countryName(m.country, locale),
      office: [localized(m.headTitle, locale), localized(m.names, locale)].filter(Boolean).join(", "),
      to: r.to.map((a) => a.address),
      cc: r.cc.map((a) => a.address),
      locale: r.locale,
      addressedTo: r.addressedTo,
      noEmail: r.noEmail,
      invited: invitedIds.has(m.id),
      // the member's own name in its letter's language is missing: the letter falls back to another one
      nameMissing: !m.names[r.locale],
    };
  });
  return {
    event: { id: event.id, title: localized(event.title, locale), status: event.status, titleMissing: missingLanguages(event.title) },
    visaLetters: canHandlePassports(user),
    audience,
    rows,
    countries: countryOptions(locale).filter((c) => allMembers.some((m) => m.country === c.code)),
    subcommittees: subcommittees.map((s) => ({ id: s.id, name: localized(s.names, locale) })),
    guests: guests.map((g) => ({
      id: g.id,
      name: localized(g.names, locale),
      kind: g.kind,
      country: countryName(g.country, locale),
      email: g.email,
      invited: guestsInvited.has(g.id),
    })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "staff");
  const env = getEnv();
  const db = getDb();
  const event = await requireEvent(args.params.eventId);
  const form = await readForm(args.request);
  if (form.get("intent") === "test") {
    const locale = args.context.locale;
    const t = await getFixedT(locale, "emails");
    const subject = t("test.subject");
    const element = TestMessage({ lang: locale, organisation: t("organisation"), subject, body: t("test.body") });
    const html = renderEmail(element);
    const key = `test:${user.id}:${Date.now()}`;
    const message = {
      idempotencyKey: key,
      messageId: messageIdFor(key, parseMailFrom(env.MAIL_FROM).address.split("@")[1] ?? "plenary.invalid"),
      kind: "test",
      locale,
      eventId: event.id,
      to: [{ name: user.displayName, address: user.email }],
      subject,
      html,
      text: renderEmailText(html),
      createdBy: user.id,
    };
    await audited(db, (trx) => enqueueMessage(trx, message), {
      actor: user,
      action: "mail.test_sent",
      objectType: "event",
      objectId: event.id,
      ip: args.context.clientIp,
    });
    return Response.json({ testSent: user.email });
  }
  if (form.get("intent") === "invite-guests") {
    const parsed = GuestInviteSchema.safeParse({
      guestIds: form.getAll("guestIds").map(String),
      category: form.get("category") ?? undefined,
      singlePerson: form.get("singlePerson") ?? undefined,
      bilingual: form.get("bilingual") ?? undefined,
    });
    if (!parsed.success) return actionError(parsed.error.issues[0]?.message ?? "guests:validation.pick", 400);
    try {
      const result = await inviteGuests(db, { env, eventId: event.id, ...parsed.data, user, ip: args.context.clientIp });
      return Response.json({ guestsInvited: result.queued });
    } catch (error) {
      if (error instanceof EventNotOpenError) return actionError("invitations:notOpen", 409);
      throw error;
    }
  }
  const audience = audienceFrom(form);
  if (!audience || form.get("intent") !== "send") throw new Response("Bad Request", { status: 400 });
  try {
    // the wave is recorded here and prepared by the runner next to the mail worker: this request returns at once
    const wave = await startSendWave(db, { eventId: event.id, audience, user, bilingual: form.get("bilingual") === "on", ip: args.context.clientIp });
    wakeSendWaveRunners();
    return redirect(`/events/${event.id}?wave=${wave.id}#invitations`);
  } catch (error) {
    if (error instanceof EventNotOpenError) return actionError("invitations:notOpen", 409);
    throw error;
  }
}

export const handle = { i18n: ["common", "directory", "events", "invitations", "rosters", "guests"], title: "invitations:title" satisfies PageTitle };

export default function InvitationsRoute() {
  const { t } = useTranslation("invitations");
  const { event, audience, rows, countries, subcommittees, visaLetters, guests } = useLoaderData<typeof loader>();
  const actionData = useActionData<{ testSent?: string; guestsInvited?: number }>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const mode = audience.mode;
  // Every member that can be invited starts ticked; the summary and the confirmation count the ticked ones, so
  // "Send 2 invitations now?" means the two that will be sent (a new selection starts ticked again).
  const [unticked, setUnticked] = useState<ReadonlySet<string>>(new Set());
  const selection = rows.map((r) => r.id).join(",");
  useEffect(() => setUnticked(new Set()), [selection]);
  const picked = rows.filter((r) => !r.noEmail && !r.invited && !unticked.has(r.id));
  const perLanguage = Object.entries(picked.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.locale]: (acc[r.locale] ?? 0) + 1 }), {})).map(
    ([lng, count]) => ({ lng: lng as Lng, count }),
  );
  // said before sending: letters whose event title or member name is not in the letter's language
  const unnamed = picked.filter((r) => r.nameMissing);
  const toggle = (id: string, ticked: boolean) =>
    setUnticked((before) => {
      const after = new Set(before);
      if (ticked) after.delete(id);
      else after.add(id);
      return after;
    });
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/events/${event.id}`}>{event.title}</Link>
      </p>
      <h1>{t("title")}</h1>
      <EventTools eventId={event.id} visaLetters={visaLetters} />
      {event.status !== "open" ? (
        <p className="notice" role="alert">
          {t("notOpen")}
        </p>
      ) : null}
      <ActionErrorAlert data={actionData} />
      {actionData?.testSent ? (
        <p className="notice success" role="status">
          {t("testQueued", { email: actionData.testSent })}
        </p>
      ) : null}

      <Form method="get" className="filters" aria-label={t("audience.label")}>
        <div className="field">
          <label htmlFor="mode">{t("audience.mode")}</label>
          <select id="mode" name="mode" defaultValue={mode}>
            {(["all", "country", "status", "subcommittee"] as const).map((m) => (
              <option key={m} value={m}>
                {t(`audience.modes.${m}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="country">{t("directory:fields.country")}</label>
          <select id="country" name="country" defaultValue={params.get("country") ?? ""}>
            <option value="">—</option>
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="status">{t("directory:fields.status")}</label>
          <select id="status" name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">—</option>
            {MEMBER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`directory:statuses.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="subcommitteeId">{t("audience.modes.subcommittee")}</label>
          <select id="subcommitteeId" name="subcommitteeId" defaultValue={params.get("subcommitteeId") ?? ""}>
            <option value="">—</option>
            {subcommittees.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {t("audience.preview")}
        </button>
      </Form>

      <Form method="post">
        <input type="hidden" name="mode" value="picked" />
        <p className="muted" role="status">
          {t("summary", { count: rows.length, toSend: picked.length })}
        </p>
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">{t("pick")}</span>
                </th>
                <th scope="col">{t("columns.member")}</th>
                <th scope="col">{t("columns.addressed")}</th>
                <th scope="col">{t("columns.recipients")}</th>
                <th scope="col">{t("columns.language")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className={r.noEmail ? "row-error" : undefined}>
                  <td>
                    <input
                      type="checkbox"
                      name="memberIds"
                      value={r.id}
                      checked={!r.noEmail && !r.invited && !unticked.has(r.id)}
                      onChange={(e) => toggle(r.id, e.currentTarget.checked)}
                      disabled={r.noEmail || r.invited}
                      aria-label={r.name}
                    />
                  </td>
                  <td>
                    {r.name}
                    <span className="secondary-name">{r.country}</span>
                  </td>
                  <td>{r.office}</td>
                  <td className="small">
                    {r.noEmail ? (
                      <strong>{t("noEmail")}</strong>
                    ) : (
                      <>
                        {t("to")}: {r.to.join(", ")}
                        {r.cc.length ? (
                          <>
                            <br />
                            {t("cc")}: {r.cc.join(", ")}
                          </>
                        ) : null}
                      </>
                    )}
                    {r.invited ? <span className="badge">{t("alreadyInvited")}</span> : null}
                  </td>
                  <td>{languageNames[r.locale]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <label className="checkbox">
          <input type="checkbox" name="bilingual" /> {t("bilingual")}
        </label>
        <div className="actions">
          <details className="confirm">
            <summary className="button primary">{t("send")}</summary>
            <div className="confirm-panel" role="group" aria-label={t("send")}>
              <p>{t("confirm", { count: picked.length })}</p>
              <ul>
                {perLanguage.map((p) => (
                  <li key={p.lng}>
                    {languageNames[p.lng]}: {p.count}
                    {event.titleMissing.includes(p.lng) ? (
                      <span className="secondary-name field-errors">{t("missing.eventTitle", { language: languageNames[p.lng] })}</span>
                    ) : null}
                  </li>
                ))}
              </ul>
              {unnamed.length ? (
                <p className="field-errors">{t("missing.memberNames", { count: unnamed.length, names: unnamed.map((r) => r.name).join(", ") })}</p>
              ) : null}
              <button
                type="submit"
                name="intent"
                value="send"
                className="button primary"
                disabled={navigation.state !== "idle" || event.status !== "open" || picked.length === 0}
              >
                {navigation.state !== "idle" ? t("sending") : t("confirmButton")}
              </button>
            </div>
          </details>
          <button type="submit" name="intent" value="test" className="button" formNoValidate>
            {t("testButton")}
          </button>
          <Link to={`/events/${event.id}/letters`} className="button">
            {t("editLetters")}
          </Link>
        </div>
      </Form>

      <GuestInvitePanel guests={guests} sent={actionData?.guestsInvited} canSend={event.status === "open"} />
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
