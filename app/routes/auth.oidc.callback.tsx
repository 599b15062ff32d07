import { type HeadersFunction, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { getSessionCookie, safeRedirect } from "~/auth.server";
import { SsoProblemCard } from "~/components/sso";
import { getDb } from "~/db.server";
import type { Lng } from "~/i18n";
import { clearFlowCookie, finishSsoSignIn, isSsoConfigured, SsoError, type SsoProblem } from "~/lib/oidc.server";
import type { PageTitle } from "~/lib/page-title";
import { logger } from "~/logger.server";
import { beginSecondStep } from "~/services/second-factor.server";
import { signInWithSso } from "~/services/sso.server";

const STATUS: Record<SsoProblem, number> = {
  unavailable: 502,
  failed: 502,
  expired: 400,
  state: 400,
  denied: 403,
  unverified: 403,
  unknown: 403,
  disabled: 403,
};

/**
 * The provider sends the browser back here with a code. A verified address that belongs to an active staff
 * account (or that the administrator lets single sign-on create) gets a new session; anything else gets a page
 * that says why. The flow's cookie is spent either way.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!isSsoConfigured()) throw new Response("Not Found", { status: 404 });
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", await clearFlowCookie());
  const problem = (reason: SsoProblem, email?: string | null) =>
    Response.json({ locale: context.locale, reason, email: email ?? null }, { status: STATUS[reason], headers });

  let finished: Awaited<ReturnType<typeof finishSsoSignIn>>;
  try {
    finished = await finishSsoSignIn(request);
  } catch (error) {
    if (!(error instanceof SsoError)) throw error;
    logger.warn({ reason: error.reason, err: error.message }, "single sign-on refused");
    return problem(error.reason);
  }
  const { identity, redirectTo } = finished;
  const outcome = await signInWithSso(getDb(), {
    identity,
    ip: context.clientIp,
    userAgent: request.headers.get("User-Agent"),
    previousSession: context.sessionToken,
  });
  if (outcome.ok === false) return problem(outcome.reason, identity.email);
  if (outcome.ok === "second-step") {
    // the two-factor policy holds for single sign-on too: the same second step as after a password
    const step = await beginSecondStep(getDb(), { account: outcome.account, redirectTo, client: context.clientIp });
    if (step) {
      step.headers.append("Set-Cookie", await clearFlowCookie());
      step.headers.set("Cache-Control", "no-store");
      return step;
    }
    return problem("failed", identity.email);
  }
  headers.append("Set-Cookie", await getSessionCookie().serialize(outcome.token));
  return redirect(safeRedirect(redirectTo), { headers });
}

/** The refusal page carries its loader's headers: no-store, and the spent flow cookie's removal. */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export const handle = { i18n: ["common", "sso"], title: "sso:problem.title" satisfies PageTitle };

export default function SsoCallbackRoute() {
  const { locale, reason, email } = useLoaderData<{ locale: Lng; reason: string; email: string | null }>();
  return <SsoProblemCard locale={locale} reason={reason} email={email} />;
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
