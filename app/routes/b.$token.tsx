import type { AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { AuthShell } from "~/components/auth-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { LanguageSwitcher } from "~/components/language-switcher";
import { getDb } from "~/db.server";
import { htmlLang } from "~/i18n";
import { localized } from "~/lib/directory";
import { badgeNames } from "~/lib/ebadge";
import { qrSvgPath } from "~/lib/ebadge-qr.server";
import { eventFactsIn } from "~/mail/compose.server";
import { findBadgeByToken } from "~/models/ebadge.server";
import { getEvent, listProgramme } from "~/models/event.server";
import { checkRateLimit, hitRateLimit } from "~/models/rate-limit.server";
import type { RootData } from "~/root";

/** As for reply links (RELIABILITY T7): more than 30 unknown links from one client in 10 minutes → 429. */
const MISS_RULE = { limit: 30, windowSeconds: 10 * 60 };
const HEADERS = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "same-origin" };

async function badgeOrNotFound(token: string | undefined, { clientIp }: AppLoadContext) {
  const db = getDb();
  const key = `ebadge-miss:${clientIp}`;
  if ((await checkRateLimit(db, key, MISS_RULE)).limited) throw new Response("Too Many Requests", { status: 429, headers: HEADERS });
  const badge = await findBadgeByToken(db, { token: token ?? "" });
  if (!badge) {
    await hitRateLimit(db, key, MISS_RULE);
    throw new Response("Not Found", { status: 404, headers: HEADERS });
  }
  return badge;
}

/**
 * A delegate's e-badge (issue 18 §5), opened from their own confirmation: the QR code large enough to scan from
 * a phone, the same code as the printed badge, in the delegate's language (or the one they switch to). Read-only:
 * a GET changes nothing, so a mail scanner opening the link does no harm.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const badge = await badgeOrNotFound(params.token, context);
  const db = getDb();
  const locale = context.locale;
  const [event, programme] = await Promise.all([getEvent(db, { id: badge.eventId }), listProgramme(db, { eventId: badge.eventId })]);
  if (!event) throw new Response("Not Found", { status: 404, headers: HEADERS });
  const facts = eventFactsIn(event, locale);
  const { holder } = badge;
  return Response.json(
    {
      locale,
      lang: htmlLang[locale],
      nameLang: htmlLang[holder.nameLocale],
      event: { title: facts.title, dates: facts.dates, venue: facts.venue || null },
      member: localized(badge.memberNames, locale),
      names: badgeNames(holder),
      title: holder.title,
      category: holder.category,
      code: holder.checkInCode,
      qr: await qrSvgPath(holder.checkInCode),
      programme: programme.filter((item) => holder.programme.includes(item.id)).map((item) => ({ id: item.id, title: localized(item.title, locale) })),
    },
    { headers: HEADERS },
  );
}

export function headers() {
  return HEADERS;
}

type BadgeData = {
  locale: RootData["locale"];
  lang: string;
  nameLang: string;
  event: { title: string; dates: string; venue: string | null };
  member: string;
  names: { native: string; latin: string | null };
  title: string | null;
  category: string;
  code: string;
  qr: { path: string; size: number };
  programme: { id: string; title: string }[];
};

export const handle = {
  i18n: ["common", "emails", "events", "ebadge"],
  title: "ebadge:title",
};
export const meta: MetaFunction<typeof loader> = () => [{ name: "robots", content: "noindex" }];

export default function EbadgeRoute() {
  const { t } = useTranslation("ebadge");
  const data = useLoaderData() as BadgeData;
  return (
    <div className="reply-page ebadge-page">
      <header className="reply-header">
        <span className="brand">{t("emails:organisation")}</span>
        <LanguageSwitcher current={data.locale} />
      </header>
      <main id="main" className="reply-main ebadge-main">
        <h1 className="visually-hidden">{t("page.heading")}</h1>
        <section className="ebadge-card" aria-label={t("page.heading")}>
          <p className="ebadge-event">{data.event.title}</p>
          <p className="ebadge-name" lang={data.nameLang}>
            {data.names.native}
          </p>
          {data.names.latin ? (
            <p className="ebadge-latin" lang="en">
              {data.names.latin}
            </p>
          ) : null}
          {data.title ? <p className="ebadge-title">{data.title}</p> : null}
          <p className="ebadge-member">{data.member}</p>
          <svg
            className="ebadge-qr"
            viewBox={`0 0 ${data.qr.size} ${data.qr.size}`}
            role="img"
            aria-label={t("qrAlt", { code: data.code })}
            shapeRendering="crispEdges"
          >
            <rect width={data.qr.size} height={data.qr.size} fill="#ffffff" />
            <path d={data.qr.path} fill="#000000" />
          </svg>
          <p className="ebadge-code">
            <span className="visually-hidden">{t("code")}: </span>
            {data.code}
          </p>
          <p className="ebadge-category">{t(`events:categories.${data.category}`)}</p>
        </section>
        <p className="ebadge-hint">{t("page.hint")}</p>
        <section className="panel" aria-labelledby="ebadge-programme">
          <h2 id="ebadge-programme">{t("programme")}</h2>
          {data.programme.length ? (
            <ul className="ebadge-programme">
              {data.programme.map((item) => (
                <li key={item.id}>{item.title}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t("noProgramme")}</p>
          )}
          <dl className="facts">
            <dt>{t("page.dates")}</dt>
            <dd>{data.event.dates}</dd>
            {data.event.venue ? (
              <>
                <dt>{t("page.venue")}</dt>
                <dd>{data.event.venue}</dd>
              </>
            ) : null}
          </dl>
        </section>
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && [400, 413, 503].includes(error.status)) return <GeneralErrorBoundary />;
  return <InvalidBadge />;
}

/** One page for every unusable link (unknown, removed, declined, anonymised, cancelled): no hint which kind of miss. */
function InvalidBadge() {
  const { t } = useTranslation("ebadge");
  const root = useRouteLoaderData<RootData>("root");
  return (
    <AuthShell locale={root?.locale} brand={t("emails:organisation")}>
      <h1>{t("page.invalidTitle")}</h1>
      <p>{t("page.invalid")}</p>
    </AuthShell>
  );
}
