import type { ReactNode } from "react";

import { LanguageSwitcher } from "~/components/language-switcher";
import type { Lng } from "~/i18n";

/**
 * The page around one card (sign-in, first-run setup, set password; for delegates, an unusable link): a name
 * (the product's, or the secretariat's on delegates' pages), the language menu, the card.
 */
export function AuthShell({ locale, brand = "Plenary", children }: { locale?: Lng; brand?: string; children: ReactNode }) {
  return (
    <div className="auth-page">
      <header className="auth-header">
        <span className="brand">{brand}</span>
        {locale ? <LanguageSwitcher current={locale} /> : null}
      </header>
      <main id="main" className="auth-card">
        {children}
      </main>
    </div>
  );
}
