import { useTranslation } from "react-i18next";

import { AuthShell } from "~/components/auth-shell";
import type { Lng } from "~/i18n";

/**
 * "Sign in with …": a plain link (a full page load, never a client fetch), because the start route answers with
 * a redirect to the provider and the page's CSP allows forms to post only to this site.
 */
export function SsoSignInLink({ providerName, redirectTo, primary }: { providerName: string | null; redirectTo?: string | null; primary?: boolean }) {
  const { t } = useTranslation("sso");
  const href = `/auth/oidc/start${redirectTo ? `?${new URLSearchParams({ redirectTo })}` : ""}`;
  return (
    <a href={href} className={primary ? "button primary sso-button" : "button sso-button"}>
      {providerName ? t("login.button", { provider: providerName }) : t("login.buttonDefault")}
    </a>
  );
}

/** Why single sign-on did not sign someone in, and the way back to the sign-in page. */
export function SsoProblemCard({ locale, reason, email }: { locale: Lng; reason: string; email?: string | null }) {
  const { t } = useTranslation("sso");
  return (
    <AuthShell locale={locale}>
      <h1>{t("problem.title")}</h1>
      <p className="notice error" role="alert">
        {t(`problem.reasons.${reason}`, { email: email ?? "" })}
      </p>
      <p>
        <a href="/login" className="button">
          {t("problem.back")}
        </a>
      </p>
    </AuthShell>
  );
}
