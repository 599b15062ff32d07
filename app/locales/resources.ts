import enAuth from "./en/auth.json";
import enCommon from "./en/common.json";
import jaAuth from "./ja/auth.json";
import jaCommon from "./ja/common.json";
import koAuth from "./ko/auth.json";
import koCommon from "./ko/common.json";
import mnAuth from "./mn/auth.json";
import mnCommon from "./mn/common.json";
import ruAuth from "./ru/auth.json";
import ruCommon from "./ru/common.json";
import zhAuth from "./zh/auth.json";
import zhCommon from "./zh/common.json";

/**
 * Every locale file, imported statically so the server bundle carries them. tests/unit/locales.test.ts
 * fails when a file on disk is missing here or a key is missing in any language.
 */
export const resources = {
  en: { common: enCommon, auth: enAuth },
  ko: { common: koCommon, auth: koAuth },
  zh: { common: zhCommon, auth: zhAuth },
  ja: { common: jaCommon, auth: jaAuth },
  ru: { common: ruCommon, auth: ruAuth },
  mn: { common: mnCommon, auth: mnAuth },
};

export type Namespace = keyof (typeof resources)["en"];
export const namespaces = Object.keys(resources.en) as Namespace[];
