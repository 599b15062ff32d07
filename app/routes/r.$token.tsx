import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LanguageSwitcher } from "~/components/language-switcher";
import { getDb } from "~/db.server";
import { localized } from "~/lib/directory";
import { findInvitationByToken } from "~/models/invitation.server";
import { checkRateLimit, hitRateLimit } from "~/models/rate-limit.server";

/** RELIABILITY T7: more than 30 unknown links from one client in 10 minutes → 429. */
const MISS_RULE = { limit: 30, windowSeconds: 10 * 60 };
const HEADERS = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "same-origin" };

/**
 * The link in an invitation. A GET never changes anything (mail scanners open every link). Unknown, revoked
 * and malformed tokens all get the same page; the reply form itself comes with the RSVP feature.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const db = getDb();
  const key = `rsvp-miss:${context.clientIp}`;
  if ((await checkRateLimit(db, key, MISS_RULE)).limited) throw new Response("Too Many Requests", { status: 429, headers: HEADERS });
  const invitation = await findInvitationByToken(db, { token: params.token ?? "" });
  if (!invitation) {
    await hitRateLimit(db, key, MISS_RULE);
    return Response.json({ valid: false as const, locale: context.locale }, { status: 404, headers: HEADERS });
  }
  return Response.json(
    { valid: true as const, locale: context.locale, event: localized(invitation.eventTitle, context.locale), member: localized(invitation.memberNames, context.locale) },
    { headers: HEADERS },
  );
}

export function headers() {
  return HEADERS;
}

export const handle = { i18n: ["common", "emails"] };
export const meta: MetaFunction = () => [{ title: "Plenary" }, { name: "robots", content: "noindex" }];

export default function ReplyLinkRoute() {
  const { t } = useTranslation("emails");
  const data = useLoaderData<{ valid: boolean; locale: "en"; event?: string; member?: string }>();
  return (
    <div className="auth-page">
      <header className="auth-header">
        <span className="brand">{t("organisation")}</span>
        <LanguageSwitcher current={data.locale} />
      </header>
      <main id="main" className="auth-card">
        {data.valid ? (
          <>
            <h1>{data.event}</h1>
            <p className="muted">{data.member}</p>
            <p>{t("rsvpPending.body", { event: data.event })}</p>
          </>
        ) : (
          <>
            <h1>{t("rsvpInvalid.title")}</h1>
            <p>{t("rsvpInvalid.body")}</p>
          </>
        )}
      </main>
    </div>
  );
}
