import { createCookie } from "@remix-run/node";
import { createInstance, type i18n as I18n, type Resource } from "i18next";
import { initReactI18next } from "react-i18next";

import { defaultNS, fallbackLng, isSupportedLng, type Lng, matchAcceptLanguage, supportedLngs } from "~/i18n";
import { resources as bundled } from "~/locales/resources";

export const resources: Resource = bundled;

export const lngCookie = createCookie("plenary_lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

/** The server decides the language: saved preference > lng cookie > Accept-Language > English. */
export async function detectLocale(request: Request, userLocale?: string | null): Promise<Lng> {
  if (isSupportedLng(userLocale)) return userLocale;
  const cookie = await lngCookie.parse(request.headers.get("Cookie"));
  if (isSupportedLng(cookie)) return cookie;
  return matchAcceptLanguage(request.headers.get("Accept-Language")) ?? fallbackLng;
}

export async function createI18n(lng: Lng, ns: string[] = [defaultNS]): Promise<I18n> {
  const instance = createInstance();
  await instance.use(initReactI18next).init({
    supportedLngs: [...supportedLngs],
    fallbackLng,
    defaultNS,
    lng,
    ns: Array.from(new Set([defaultNS, ...ns])),
    resources,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

const fixed = new Map<Lng, Promise<I18n>>();

/**
 * The one i18next instance of a language, every namespace loaded, made once per process: page renders and code
 * outside React share it (its language never changes, so concurrent requests cannot disturb each other), instead
 * of a new instance per request.
 */
export function i18nFor(lng: Lng): Promise<I18n> {
  if (!fixed.has(lng)) fixed.set(lng, createI18n(lng, Object.keys(resources.en ?? {})));
  return fixed.get(lng)!;
}

/** A translator for code outside React (actions, plain pages, emails). */
export async function getFixedT(lng: Lng, ns: string | string[] = defaultNS) {
  return (await i18nFor(lng)).getFixedT(lng, ns);
}
