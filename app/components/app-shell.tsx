import { Form, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { LanguageSwitcher } from "~/components/language-switcher";
import type { Lng } from "~/i18n";

const NAV = [
  { to: "/", key: "nav.dashboard", end: true },
  { to: "/events", key: "nav.events" },
  { to: "/members", key: "nav.members" },
  { to: "/mail", key: "nav.mail" },
  { to: "/settings", key: "nav.settings" },
] as const;

/** Settings → Identity in the header: the short name (or the name in the UI language) and the logo. */
export type Brand = { name: string | null; fullName: string | null; logoUrl: string | null };

export function AppShell({
  user,
  locale,
  brand,
  children,
}: {
  user: { displayName: string; role: string };
  locale: Lng;
  brand?: Brand | null;
  children: ReactNode;
}) {
  const { t } = useTranslation("common");
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("shell.skipToContent")}
      </a>
      <header className="topbar">
        {brand?.name || brand?.logoUrl ? (
          <NavLink
            to="/"
            className="brand"
            title={brand.fullName ?? undefined}
            aria-label={`${brand.name ?? brand.fullName ?? "Plenary"} – ${t("shell.home")}`}
          >
            {brand.logoUrl ? <img src={brand.logoUrl} alt="" height={32} className="brand-logo" /> : null}
            {brand.logoUrl && brand.name ? " " : null}
            {brand.name ?? (brand.logoUrl ? null : "Plenary")}
          </NavLink>
        ) : (
          <NavLink to="/" className="brand" aria-label={t("shell.home")}>
            Plenary
          </NavLink>
        )}
        <nav aria-label={t("shell.mainNavigation")} className="main-nav">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={"end" in item ? item.end : false} prefetch="intent">
                  {t(item.key)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user-area">
          <LanguageSwitcher key={locale} current={locale} />
          <span className="user-name" title={t(`roles.${user.role}`)}>
            {user.displayName}
          </span>
          <Form method="post" action="/logout">
            <button type="submit" className="button subtle">
              {t("shell.signOut")}
            </button>
          </Form>
        </div>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <p>{t("shell.footer")}</p>
      </footer>
    </div>
  );
}

/** The page for a section that has nothing yet: what will be here and what to do next. */
export function EmptyState({ title, body, children }: { title: string; body: string; children?: ReactNode }) {
  return (
    <section className="empty-state" aria-labelledby="empty-title">
      <div className="empty-illustration" aria-hidden="true" />
      <h2 id="empty-title">{title}</h2>
      <p>{body}</p>
      {children}
    </section>
  );
}
