import { htmlLang, type Lng, supportedLngs } from "~/i18n";
import { type LocalizedText, MEMBER_KINDS, MEMBER_STATUSES } from "../../db/schema";

export { MEMBER_KINDS, MEMBER_STATUSES };

/** NEAR's countries first, then every other ISO 3166-1 alpha-2 code. */
export const PRIORITY_COUNTRIES = ["CN", "JP", "KR", "KP", "MN", "RU"] as const;
const OTHER_COUNTRIES =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO KE KG KH KI KM KN KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW".split(
    " ",
  );
export const COUNTRY_CODES: readonly string[] = [...PRIORITY_COUNTRIES, ...OTHER_COUNTRIES];

export function isCountryCode(value: string) {
  return COUNTRY_CODES.includes(value);
}

/** A country's name in the viewer's language (CLDR short names; official names belong in letters' data). */
/** One Intl.DisplayNames per language, and each name once: sorting a 10,000-person list asks thousands of times. */
const displayNames = new Map<string, Intl.DisplayNames | null>();
const countryNames = new Map<string, string>();

export function countryName(code: string, locale: Lng) {
  const key = `${locale}:${code}`;
  const known = countryNames.get(key);
  if (known !== undefined) return known;
  if (!displayNames.has(locale)) {
    try {
      displayNames.set(locale, new Intl.DisplayNames([htmlLang[locale]], { type: "region" }));
    } catch {
      displayNames.set(locale, null);
    }
  }
  let name = code;
  try {
    name = displayNames.get(locale)?.of(code) ?? code;
  } catch {
    // not a region code Intl knows ("XX", or garbage from an import): the code itself
  }
  if (countryNames.size < 10_000) countryNames.set(key, name);
  return name;
}

export function isTimeZone(value: string) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.includes("/") || value === "UTC";
  } catch {
    return false;
  }
}

/** The text in `locale`, else English, else any language that has it. */
export function localized(text: LocalizedText | null | undefined, locale: Lng): string {
  if (!text) return "";
  return text[locale] || text.en || supportedLngs.map((lng) => text[lng]).find(Boolean) || "";
}

/** Which of the six languages still lack a text. */
export function missingLanguages(text: LocalizedText | null | undefined): Lng[] {
  return supportedLngs.filter((lng) => !text?.[lng]);
}

export function collator(locale: Lng) {
  return new Intl.Collator(htmlLang[locale], { sensitivity: "base", numeric: true });
}

type Sortable = { names: LocalizedText; nameKana?: string | null };

/**
 * Members sorted the way a reader of `locale` expects: by their name in that language with the
 * language's collation; Japanese by the kana reading (kanji collate by code point, not reading).
 */
export function sortMembers<T extends Sortable>(members: T[], locale: Lng): T[] {
  const compare = collator(locale).compare;
  const key = (m: T) => (locale === "ja" && m.nameKana ? m.nameKana : localized(m.names, locale));
  return [...members].sort((a, b) => compare(key(a), key(b)) || compare(a.names.en ?? "", b.names.en ?? ""));
}

/** Options for a country picker in `locale`: NEAR's six first (in their fixed order), then the rest by name. */
export function countryOptions(locale: Lng) {
  const compare = collator(locale).compare;
  const priority = PRIORITY_COUNTRIES.map((code) => ({ code, name: countryName(code, locale), priority: true }));
  const others = COUNTRY_CODES.filter((c) => !(PRIORITY_COUNTRIES as readonly string[]).includes(c))
    .map((code) => ({ code, name: countryName(code, locale), priority: false }))
    .sort((a, b) => compare(a.name, b.name));
  return [...priority, ...others];
}
