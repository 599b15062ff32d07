import http from "node:http";

import Provider from "oidc-provider";

/**
 * A real OpenID Connect provider (npm oidc-provider) on loopback for the single sign-on tests, with its
 * development sign-in page: any login name with any password signs in as that account. Consent is granted
 * automatically (a first-party client), so the provider's page is the only step between "Sign in with …" and
 * the callback.
 */
export type OidcAccount = { email: string | null; email_verified?: boolean; name?: string };

export type TestProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** the accounts the provider knows, by login name (tests may add and change them) */
  accounts: Map<string, OidcAccount>;
  close: () => Promise<void>;
};

export const TEST_CLIENT = { clientId: "plenary", clientSecret: "a client secret only the tests know" };

/** Starts the provider on `port` (choose it before Plenary starts: Plenary needs OIDC_ISSUER, the provider its redirect URI). */
export async function startOidcProvider({ port, redirectUris }: { port: number; redirectUris: string[] }): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, OidcAccount>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.clientId,
        client_secret: TEST_CLIENT.clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    cookies: { keys: ["cookie key for the test provider only"] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          const { email, email_verified = true, name } = accounts.get(id) ?? account;
          return { sub: id, ...(email === null ? {} : { email, email_verified }), ...(name ? { name } : {}) };
        },
      };
    },
    async loadExistingGrant(ctx: any) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!ctx.oidc.session.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    issuer,
    ...TEST_CLIENT,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The environment that points Plenary at the provider. */
export function oidcEnv(issuer: string): Record<string, string> {
  return { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: TEST_CLIENT.clientId, OIDC_CLIENT_SECRET: TEST_CLIENT.clientSecret, OIDC_PROVIDER_NAME: "NEAR Login" };
}
