import type { ReactNode } from "react";

import { LanguageSwitcher } from "~/components/language-switcher";
import type { Lng } from "~/i18n";

/** The page around the sign-in, first-run setup and set-password cards: the product name, the language menu, one card. */
export function AuthShell({ locale, children }: { locale?: Lng; children: ReactNode }) {
  return (
    <div className="auth-page">
      <header className="auth-header">
        <span className="brand">Plenary</span>
        {locale ? <LanguageSwitcher current={locale} /> : null}
      </header>
      <main id="main" className="auth-card">
        {children}
      </main>
    </div>
  );
}
