import { Form, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { htmlLang, languageNames, type Lng, supportedLngs } from "~/i18n";

/**
 * A disclosure with one submit button per language: works without JavaScript, reachable by keyboard,
 * and each language is named in itself so a reader of any script can find theirs.
 */
export function LanguageSwitcher({ current }: { current: Lng }) {
  const { t } = useTranslation("common");
  const location = useLocation();
  return (
    <details className="language-switcher">
      {/* the accessible name is "Language English": it contains the visible text (WCAG 2.5.3, axe label-content-name-mismatch) */}
      <summary>
        <span className="visually-hidden">{t("language.choose")} </span>
        <span aria-hidden="true" className="globe">
          ◍
        </span>{" "}
        <span lang={htmlLang[current]}>{languageNames[current]}</span>
      </summary>
      <Form method="post" action="/set-language" className="language-menu" reloadDocument>
        <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
        <p className="language-menu-title">{t("language.choose")}</p>
        {supportedLngs.map((lng) => (
          <button key={lng} type="submit" name="lng" value={lng} lang={htmlLang[lng]} aria-current={lng === current ? "true" : undefined}>
            {languageNames[lng]}
          </button>
        ))}
      </Form>
    </details>
  );
}
