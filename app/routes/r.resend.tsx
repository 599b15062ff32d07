import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useActionData, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { AuthShell } from "~/components/auth-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { LostLinkForm } from "~/components/lost-link-form";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { PUBLIC_FORM_LIMITS, readForm } from "~/lib/bounded-form.server";
import type { PageTitle } from "~/lib/page-title";
import { LostLinkSchema } from "~/lib/reply-schemas";
import { hashToken } from "~/lib/tokens.server";
import { logger } from "~/logger.server";
import { resendLinksTo } from "~/mail/lost-links.server";
import { checkRateLimit, hitRateLimit } from "~/models/rate-limit.server";
import type { RootData } from "~/root";

/** Requests from one client: enough for a delegate with a few addresses, too few to probe a directory. */
const CLIENT_RULE = { limit: 10, windowSeconds: 60 * 60 };
/** Links sent to one address: a mailbox is not flooded whoever asks. */
const ADDRESS_RULE = { limit: 3, windowSeconds: 60 * 60 };
const HEADERS = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };

export async function loader({ context }: LoaderFunctionArgs) {
  return Response.json({ locale: context.locale }, { headers: HEADERS });
}

/**
 * "Send me my link again" (issue 18 §6). The answer is the same whatever the address, and comes before the work
 * is done, so neither its words nor its timing tell whether the address is known.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const clientKey = `link-again:${context.clientIp}`;
  if ((await checkRateLimit(db, clientKey, CLIENT_RULE)).limited) throw new Response("Too Many Requests", { status: 429, headers: HEADERS });
  const submission = parseWithZod(await readForm(request, PUBLIC_FORM_LIMITS), { schema: LostLinkSchema });
  if (submission.status !== "success")
    return Response.json({ result: submission.reply() as SubmissionResult<string[]>, done: false }, { status: 400, headers: HEADERS });
  await hitRateLimit(db, clientKey, CLIENT_RULE);
  const address = submission.value.email.trim().toLowerCase();
  const addressKey = `link-again-address:${hashToken(address)}`;
  if (!(await checkRateLimit(db, addressKey, ADDRESS_RULE)).limited) {
    await hitRateLimit(db, addressKey, ADDRESS_RULE);
    void resendLinksTo(db, { env: getEnv(), address, ip: context.clientIp }).catch((error: unknown) =>
      logger.error({ err: error instanceof Error ? error.message : String(error) }, "sending a link again failed"),
    );
  }
  return Response.json({ result: undefined, done: true }, { headers: HEADERS });
}

export function headers() {
  return HEADERS;
}

export const handle = { i18n: ["common", "emails"], title: "emails:lostLink.title" satisfies PageTitle };
export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

export default function LostLinkRoute() {
  const { t } = useTranslation("emails");
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <AuthShell locale={data.locale} brand={t("organisation")}>
      {actionData?.done ? (
        <>
          <h1>{t("lostLink.doneTitle")}</h1>
          <p role="status">{t("lostLink.done")}</p>
        </>
      ) : (
        <>
          <h1>{t("lostLink.title")}</h1>
          <LostLinkForm lastResult={actionData?.result} heading={false} />
        </>
      )}
    </AuthShell>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation("emails");
  const root = useRouteLoaderData<RootData>("root");
  const error = useRouteError();
  if (!isRouteErrorResponse(error) || error.status !== 429) return <GeneralErrorBoundary />;
  return (
    <AuthShell locale={root?.locale} brand={t("organisation")}>
      <h1>{t("rsvpInvalid.tooManyTitle")}</h1>
      <p>{t("lostLink.tooMany")}</p>
    </AuthShell>
  );
}
