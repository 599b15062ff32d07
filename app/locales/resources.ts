import enAuth from "./en/auth.json";
import enCommon from "./en/common.json";
import enDirectory from "./en/directory.json";
import jaAuth from "./ja/auth.json";
import jaCommon from "./ja/common.json";
import jaDirectory from "./ja/directory.json";
import koAuth from "./ko/auth.json";
import koCommon from "./ko/common.json";
import koDirectory from "./ko/directory.json";
import mnAuth from "./mn/auth.json";
import mnCommon from "./mn/common.json";
import mnDirectory from "./mn/directory.json";
import ruAuth from "./ru/auth.json";
import ruCommon from "./ru/common.json";
import ruDirectory from "./ru/directory.json";
import zhAuth from "./zh/auth.json";
import zhCommon from "./zh/common.json";
import zhDirectory from "./zh/directory.json";

/**
 * Every locale file, imported statically so the server bundle carries them. tests/unit/locales.test.ts
 * fails when a file on disk is missing here or a key is missing in any language.
 */
export const resources = {
  en: { common: enCommon, auth: enAuth, directory: enDirectory },
  ko: { common: koCommon, auth: koAuth, directory: koDirectory },
  zh: { common: zhCommon, auth: zhAuth, directory: zhDirectory },
  ja: { common: jaCommon, auth: jaAuth, directory: jaDirectory },
  ru: { common: ruCommon, auth: ruAuth, directory: ruDirectory },
  mn: { common: mnCommon, auth: mnAuth, directory: mnDirectory },
};

export type Namespace = keyof (typeof resources)["en"];
export const namespaces = Object.keys(resources.en) as Namespace[];
