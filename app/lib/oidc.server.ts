import { createCookie } from "@remix-run/node";
import * as client from "openid-client";

import { type Env, getEnv, isLoopbackHost } from "~/env.server";

/**
 * OpenID Connect sign-in (issue 19 item 4) with openid-client: the authorization code flow with PKCE, state and
 * nonce. What the flow must remember between the two redirects lives in a short-lived, signed, HTTP-only cookie;
 * openid-client checks the state, the ID token's signature, issuer, audience, expiry and nonce.
 */
export const OIDC_CALLBACK_PATH = "/auth/oidc/callback";
const FLOW_SECONDS = 10 * 60;

/** Why single sign-on did not sign someone in (each has a message in sso:problem.reasons). */
export type SsoProblem = "unavailable" | "expired" | "state" | "denied" | "failed" | "unverified" | "unknown" | "disabled";

export class SsoError extends Error {
  constructor(
    public reason: SsoProblem,
    message: string = reason,
  ) {
    super(message);
    this.name = "SsoError";
  }
}

/** What Plenary takes from the provider: who it is, and an address the provider vouches for. */
export type SsoIdentity = { issuer: string; subject: string; email: string | null; emailVerified: boolean; name: string | null };

export function isSsoConfigured(env: Env = getEnv()) {
  return Boolean(env.OIDC_ISSUER && env.OIDC_CLIENT_ID);
}

/** The address to register at the provider as the redirect URI. */
export function ssoRedirectUri(env: Env = getEnv()) {
  return `${env.APP_URL}${OIDC_CALLBACK_PATH}`;
}

let configuration: Promise<client.Configuration> | undefined;

/** The provider's metadata, discovered once per process; a failed discovery is tried again at the next sign-in. */
function getConfiguration(): Promise<client.Configuration> {
  if (!configuration) {
    const env = getEnv();
    const issuer = new URL(env.OIDC_ISSUER!);
    // Plain http only for a provider on loopback (the tests' own provider); env.server.ts refuses it elsewhere.
    const insecure = issuer.protocol === "http:" && isLoopbackHost(issuer.hostname);
    configuration = client
      .discovery(
        issuer,
        env.OIDC_CLIENT_ID!,
        undefined,
        env.OIDC_CLIENT_SECRET ? client.ClientSecretBasic(env.OIDC_CLIENT_SECRET) : client.None(),
        insecure ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
      )
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
  }
  return configuration;
}

type Flow = { state: string; nonce: string; verifier: string; redirectTo: string };

let flowCookie: ReturnType<typeof createCookie> | undefined;

function getFlowCookie() {
  if (flowCookie) return flowCookie;
  const env = getEnv();
  // SameSite=Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies
  flowCookie = createCookie(env.isHttps ? "__Host-plenary_oidc" : "plenary_oidc", {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: env.isHttps,
    secrets: [env.SESSION_SECRET],
    maxAge: FLOW_SECONDS,
  });
  return flowCookie;
}

export function clearFlowCookie() {
  return getFlowCookie().serialize("", { maxAge: 0 });
}

/** The provider's authorization URL for a new sign-in, and the cookie that remembers it. */
export async function startSsoSignIn({ redirectTo }: { redirectTo: string }): Promise<{ url: string; cookie: string }> {
  let config: client.Configuration;
  try {
    config = await getConfiguration();
  } catch (error) {
    throw new SsoError("unavailable", `discovery failed: ${(error as Error).message}`);
  }
  const flow: Flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), redirectTo };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: ssoRedirectUri(),
    scope: "openid email profile",
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { url: url.href, cookie: await getFlowCookie().serialize({ ...flow, at: Date.now() }) };
}

/**
 * Completes a sign-in at the callback: checks the flow cookie and the state, exchanges the code (PKCE),
 * validates the ID token (openid-client) and reads the address (from the ID token, else from userinfo).
 * Throws SsoError; returns the flow's `redirectTo` with the identity.
 */
export async function finishSsoSignIn(request: Request): Promise<{ identity: SsoIdentity; redirectTo: string }> {
  const flow = (await getFlowCookie().parse(request.headers.get("Cookie"))) as (Flow & { at: number }) | null;
  if (!flow || typeof flow.state !== "string" || Date.now() - flow.at > FLOW_SECONDS * 1000) throw new SsoError("expired");
  const incoming = new URL(request.url);
  // built from APP_URL, never from the Host header; the provider redirected to exactly this address
  const currentUrl = new URL(`${ssoRedirectUri()}${incoming.search}`);
  if (currentUrl.searchParams.get("state") !== flow.state) throw new SsoError("state");
  if (currentUrl.searchParams.has("error")) {
    const code = currentUrl.searchParams.get("error");
    throw new SsoError(code === "access_denied" || code === "login_required" ? "denied" : "failed", `provider error: ${code}`);
  }
  let config: client.Configuration;
  try {
    config = await getConfiguration();
  } catch (error) {
    throw new SsoError("unavailable", `discovery failed: ${(error as Error).message}`);
  }
  try {
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    let email = typeof claims.email === "string" ? claims.email : null;
    let verified: unknown = claims.email_verified;
    let name = typeof claims.name === "string" ? claims.name : null;
    // many providers put the address only in userinfo unless it is asked for in the ID token
    if (!email && config.serverMetadata().userinfo_endpoint) {
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      email = typeof info.email === "string" ? info.email : null;
      verified = info.email_verified;
      name ??= typeof info.name === "string" ? info.name : null;
    }
    return {
      identity: { issuer: claims.iss, subject: claims.sub, email, emailVerified: verified === true || verified === "true", name },
      redirectTo: flow.redirectTo,
    };
  } catch (error) {
    throw new SsoError("failed", `code exchange or ID token refused: ${(error as Error).message}`);
  }
}
