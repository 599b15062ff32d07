import { RemixBrowser } from "@remix-run/react";
import i18next, { type BackendModule } from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { getInitialNamespaces } from "remix-i18next/client";

import { allNamespaces, defaultNS, fallbackLng, supportedLngs, toSupportedLng } from "~/i18n";

/** Loads a namespace from /locales/<lng>/<ns> (same origin, so the CSP allows it). */
const backend: BackendModule = {
  type: "backend",
  init() {},
  read(lng, ns, callback) {
    fetch(`/locales/${lng}/${ns}`)
      .then((response) => {
        if (!response.ok) throw new Error(`${response.status} loading ${lng}/${ns}`);
        return response.json();
      })
      .then((data) => callback(null, data))
      .catch((error) => callback(error, false));
  },
};

async function hydrate() {
  await i18next
    .use(initReactI18next)
    .use(backend)
    .init({
      supportedLngs: [...supportedLngs],
      fallbackLng,
      defaultNS,
      lng: toSupportedLng(document.documentElement.lang) ?? fallbackLng,
      ns: Array.from(new Set([defaultNS, ...getInitialNamespaces(), ...allNamespaces])),
      interpolation: { escapeValue: false },
      react: { useSuspense: false },
    });

  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

hydrate();
