export const supportedLngs = ["en", "ko", "zh", "ja", "ru", "mn"] as const;
export type Lng = (typeof supportedLngs)[number];
export const fallbackLng: Lng = "en";
export const defaultNS = "common";

/** Every namespace (app/locales/<lng>/<ns>.json); the browser loads them all, so a page reached by client-side
 * navigation can use any key. tests/unit/locales.test.ts keeps this list equal to the files. */
export const allNamespaces = [
  "common",
  "auth",
  "directory",
  "events",
  "invitations",
  "letters",
  "emails",
  "reply",
  "rosters",
  "staff",
  "settings",
  "delegation",
  "retention",
  "webhooks",
  "sso",
  "api",
  "security",
  "checkin",
  "ebadge",
  "attachments",
  "capacity",
  "design",
  "bulk",
  "documents",
  "guests",
] as const;

/** Each language named in itself: a switcher must be readable by someone who cannot read the current UI. */
export const languageNames: Record<Lng, string> = {
  en: "English",
  ko: "한국어",
  zh: "中文（简体）",
  ja: "日本語",
  ru: "Русский",
  mn: "Монгол",
};

/** BCP 47 tag to put in lang attributes and to hand to Intl (zh is Simplified Chinese). */
export const htmlLang: Record<Lng, string> = { en: "en", ko: "ko", zh: "zh-Hans", ja: "ja", ru: "ru", mn: "mn" };

export function isSupportedLng(value: unknown): value is Lng {
  return typeof value === "string" && (supportedLngs as readonly string[]).includes(value);
}

/** Maps a BCP 47 tag to a supported language: zh-TW and zh-HK fall back to zh, mn-Cyrl to mn, ko-KP to ko. */
export function toSupportedLng(tag: string): Lng | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isSupportedLng(primary) ? primary : undefined;
}

/** Picks the best supported language from an Accept-Language header, honouring q-values. */
export function matchAcceptLanguage(header: string | null | undefined): Lng | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { tag, quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.tag && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const entry of ranked) {
    const lng = toSupportedLng(entry.tag);
    if (lng) return lng;
  }
  return undefined;
}
