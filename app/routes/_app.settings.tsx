import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { hasRole, requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { PageTitle } from "~/lib/page-title";

/** Settings: the page title and the sections this user may open; each section is a child route. */
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  return { isAdmin: hasRole(user, "admin") };
}

export const handle = { i18n: ["common", "settings", "retention", "webhooks", "sso", "api", "security"], title: "common:nav.settings" satisfies PageTitle };

const ADMIN_SECTIONS = [
  { to: "/settings/identity", key: "nav.identity" },
  { to: "/settings/staff", key: "nav.staff" },
  { to: "/settings/sign-in", key: "sso:settings.nav" },
  { to: "/settings/audit", key: "nav.audit" },
  { to: "/settings/system", key: "nav.system" },
  { to: "/settings/retention", key: "retention:nav" },
  { to: "/settings/webhooks", key: "webhooks:nav" },
  { to: "/settings/api-tokens", key: "api:tokens.nav" },
] as const;

export default function SettingsLayoutRoute() {
  const { t } = useTranslation("settings");
  const { isAdmin } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("common:nav.settings")}</h1>
      <nav className="tabs" aria-label={t("nav.label")}>
        <NavLink to="/settings" end prefetch="intent">
          {t("nav.account")}
        </NavLink>
        <NavLink to="/settings/security" prefetch="intent">
          {t("security:page.tab")}
        </NavLink>
        {isAdmin
          ? ADMIN_SECTIONS.map((section) => (
              <NavLink key={section.to} to={section.to} prefetch="intent">
                {t(section.key)}
              </NavLink>
            ))
          : null}
      </nav>
      <Outlet />
    </>
  );
}

/** A section's error (403 for a non-admin, 404 …) shows inside the signed-in layout, like the other sections. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
