import { type HeadersFunction, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { safeRedirect } from "~/auth.server";
import { SsoProblemCard } from "~/components/sso";
import type { Lng } from "~/i18n";
import { isSsoConfigured, SsoError, startSsoSignIn } from "~/lib/oidc.server";
import type { PageTitle } from "~/lib/page-title";
import { logger } from "~/logger.server";

/** "Sign in with …" lands here: a new flow (state, nonce, PKCE) in a short-lived cookie, then off to the provider. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!isSsoConfigured()) throw new Response("Not Found", { status: 404 });
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  try {
    const { url, cookie } = await startSsoSignIn({ redirectTo });
    return redirect(url, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
  } catch (error) {
    if (!(error instanceof SsoError)) throw error;
    logger.warn({ err: error.message }, "single sign-on: the provider could not be reached");
    return Response.json({ locale: context.locale, reason: error.reason }, { status: 502, headers: { "Cache-Control": "no-store" } });
  }
}

/** The refusal page carries its loader's headers: no-store, and the spent flow cookie's removal. */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export const handle = { i18n: ["common", "sso"], title: "sso:problem.title" satisfies PageTitle };

export default function SsoStartRoute() {
  const { locale, reason } = useLoaderData<{ locale: Lng; reason: string }>();
  return <SsoProblemCard locale={locale} reason={reason} />;
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/error-boundary";
