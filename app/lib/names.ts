/**
 * Personal names of invitees: display order, romanisation fallback, honorifics and sorting
 * for the six NEAR languages. Conventions follow /work/shared/docs/DOMAIN.md §3
 * ("Addressing a governor in an invitation", "Personal-name order and romanisation").
 *
 * Cross-script rule (which form of the name a text in `locale` shows):
 *   - The script of each native part is detected from the text itself (Hangul, Han, kana,
 *     Cyrillic, Latin), so data typed in the "wrong" field still renders sensibly.
 *   - en reads Latin only; ru and mn read Latin + Cyrillic (a Russian's Cyrillic name is
 *     fine in a Mongolian letter and vice versa); zh reads Latin + Han; ja reads Latin + Han
 *     + kana.
 *   - ko reads Latin + Hangul + Han: a Chinese or Japanese name is shown in its own Han
 *     characters, as Korean official documents do when no Hangul transcription is on file
 *     (this type has none). Kana is not read in ko/zh, so a Japanese name written with kana
 *     falls back to Latin there.
 *   - When the native script is not read in `locale`, the Latin (passport) parts are used;
 *     when those are missing too, the native parts are shown anyway (never an empty name).
 *
 * Latin renderings: family name upper-cased where order could be misread (NEAR style,
 * "LI Lecheng", "KOZHEMYAKO Oleg"; in running English address lines a Russian is
 * "Oleg KOZHEMYAKO", as in DOMAIN's "Head of the Republic Aleksei TSYDENOV"). For
 * Mongolians the given name (the name they are addressed by) is emphasised and the
 * patronymic reduced to an initial: "Ts. BATBOLD". Salutations use normal case ("Dear
 * Governor Li,"). Latin parts stored all in capitals (passport MRZ style) are re-cased.
 *
 * Gender: the explicit `gender` wins, then honorific mr/ms, then (Russian names only) the
 * patronymic ending (-ович/-евич/-ич male, -овна/-евна/-ична female), which marks gender
 * unambiguously. Otherwise neutral forms are used.
 *
 * Clan names (Mongolian ургийн овог) are not displayed (lists and letters use patronymic +
 * given name); they only break ties in sortKey.
 */
import type { Lng } from "~/i18n";

export type Gender = "female" | "male";
export type Honorific = "mr" | "ms" | "dr" | "prof" | "excellency";
export type NameStyle = "formal" | "roster" | "salutation";

export interface PersonName {
  /** Language/culture of the native-script name parts; decides the name order:
   *  zh, ja, ko: family name + given name (no space in zh/ko native script; ja gets a space in ja texts)
   *  ru: given + patronymic + family (full form "Фамилия Имя Отчество" in lists; address by "Имя Отчество")
   *  mn: patronymic + given (+ clanName), addressed by GIVEN name; abbreviated "Ц. Элбэгдорж" / "Ts. Elbegdorj"
   *  en: given + family (western) */
  nameLocale: Lng;
  familyName?: string | null; // native script (for mn: unused, use patronymic)
  givenName: string; // native script, required
  patronymic?: string | null; // ru: отчество; mn: эцэг/эхийн нэр (father's/mother's name)
  clanName?: string | null; // mn: ургийн овог
  latinFamilyName?: string | null; // passport spelling; for mn the Latin patronymic goes here
  latinGivenName?: string | null;
  gender?: Gender | null; // unknown → neutral forms
  honorific?: Honorific | null;
  /** the person's title in the locale being rendered, already translated by the caller, e.g. "Governor", "省长", "知事", "도지사", "Губернатор", "Засаг дарга" */
  title?: string | null;
}

type Script = "latn" | "cyrl" | "hani" | "kana" | "hang";
type Kind = "cjk" | "ru" | "mn" | "western";

const READABLE: Record<Lng, ReadonlySet<Script>> = {
  en: new Set<Script>(["latn"]),
  ko: new Set<Script>(["latn", "hang", "hani"]),
  zh: new Set<Script>(["latn", "hani"]),
  ja: new Set<Script>(["latn", "hani", "kana"]),
  ru: new Set<Script>(["latn", "cyrl"]),
  mn: new Set<Script>(["latn", "cyrl"]),
};

const KIND: Record<Lng, Kind> = {
  zh: "cjk",
  ja: "cjk",
  ko: "cjk",
  ru: "ru",
  mn: "mn",
  en: "western",
};

interface Parts {
  kind: Kind;
  nameLocale: Lng;
  family: string; // for mn: the patronymic
  given: string;
  patronymic: string; // ru only
  clan: string;
  latinFamily: string; // for mn: the Latin patronymic
  latinGiven: string;
  gender: Gender | null;
  honorific: Honorific | null;
  title: string;
}

function clean(value: string | null | undefined): string {
  return (value ?? "").normalize("NFC").replace(/\s+/gu, " ").trim();
}

function scriptOf(text: string): Script {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return "kana";
  if (/\p{Script=Hangul}/u.test(text)) return "hang";
  if (/\p{Script=Han}/u.test(text)) return "hani";
  if (/\p{Script=Cyrillic}/u.test(text)) return "cyrl";
  return "latn";
}

const isLatin = (text: string) => text !== "" && scriptOf(text) === "latn";

/** Re-cases a Latin part stored in capitals ("BYUNG-JIN" → "Byung-jin", "KOZHEMYAKO" → "Kozhemyako"). */
function tidyLatin(text: string, nameLocale: Lng): string {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length < 2 || /\p{Ll}/u.test(text)) return text;
  // Korean given names are hyphenated syllables written "Byung-jin"; elsewhere a hyphen starts a new name.
  const wordStart = nameLocale === "ko" ? /(^|[\s'’])(\p{L})/gu : /(^|[\s'’-])(\p{L})/gu;
  return text.toLowerCase().replace(wordStart, (_m, before: string, letter: string) => before + letter.toUpperCase());
}

function partsOf(person: PersonName): Parts {
  const kind = KIND[person.nameLocale] ?? "western";
  const given = clean(person.givenName);
  const family = kind === "mn" ? clean(person.patronymic) || clean(person.familyName) : clean(person.familyName);
  const patronymic = kind === "ru" ? clean(person.patronymic) : "";
  const latinFamilyRaw = clean(person.latinFamilyName) || (isLatin(family) ? family : "");
  const latinGivenRaw = clean(person.latinGivenName) || (isLatin(given) ? given : "");
  const parts: Parts = {
    kind,
    nameLocale: person.nameLocale,
    family,
    given,
    patronymic,
    clan: clean(person.clanName),
    latinFamily: tidyLatin(latinFamilyRaw, person.nameLocale),
    latinGiven: tidyLatin(latinGivenRaw, person.nameLocale),
    gender: null,
    honorific: person.honorific ?? null,
    title: clean(person.title),
  };
  parts.gender = genderOf(person, parts);
  return parts;
}

function genderOf(person: PersonName, p: Parts): Gender | null {
  if (person.gender) return person.gender;
  if (person.honorific === "mr") return "male";
  if (person.honorific === "ms") return "female";
  if (p.kind === "ru" && p.patronymic) {
    const patronymic = p.patronymic.toLowerCase();
    if (/(ович|евич|ич|оглы|улы|уулу)$/u.test(patronymic)) return "male";
    if (/(овна|евна|ична|инична|кызы|гызы)$/u.test(patronymic)) return "female";
  }
  return null;
}

const WIDE = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\u30fc\uff00-\uffef]/u;

/** Joins non-empty pieces: no space between two CJK characters, one space otherwise. */
function joinTight(...pieces: string[]): string {
  let out = "";
  for (const piece of pieces) {
    if (!piece) continue;
    if (!out) out = piece;
    else out += WIDE.test(out.slice(-1)) && WIDE.test(piece[0]) ? piece : ` ${piece}`;
  }
  return out;
}

const joinSpaced = (...pieces: string[]) => pieces.filter(Boolean).join(" ");

/** First letter + "." ("Цэрэндоржийн" → "Ц."); Mongolian Latin digraphs stay whole ("Tserendorj" → "Ts."). */
function initial(name: string, latinDigraphs = false): string {
  if (/^\p{L}{1,2}\.$/u.test(name)) return name;
  const digraph = latinDigraphs ? /^(ts|ch|sh|kh|zh|ya|ye|yo|yu)/iu.exec(name) : null;
  const head = digraph ? digraph[0] : ([...name][0] ?? "");
  return head ? `${head[0].toUpperCase()}${head.slice(1).toLowerCase()}.` : "";
}

// ---- native-script forms -------------------------------------------------------------

function nativeScriptsReadable(p: Parts, locale: Lng): boolean {
  return [p.family, p.given, p.patronymic].every((part) => !part || READABLE[locale].has(scriptOf(part)));
}

/** Full native name in the person's own order (roster and CJK letters). */
function nativeFull(p: Parts, locale: Lng): string {
  switch (p.kind) {
    case "cjk":
      // Japanese documents put a space between family and given name (山田 太郎 様); Chinese and Korean do not.
      return p.nameLocale === "ja" && locale === "ja" ? joinSpaced(p.family, p.given) : joinTight(p.family, p.given);
    case "ru":
      return joinSpaced(p.family, p.given, p.patronymic);
    case "mn":
      return joinSpaced(p.family, p.given);
    case "western":
      return joinSpaced(p.given, p.family);
  }
}

/** Native name as an address line writes it: "О.Н. Кожемяко", "Ц. Батболд", "李乐成". */
function nativeFormal(p: Parts, locale: Lng): string {
  switch (p.kind) {
    case "ru":
      if (!p.family) return joinSpaced(p.given, p.patronymic);
      return joinSpaced(`${initial(p.given)}${p.patronymic ? initial(p.patronymic) : ""}`, p.family);
    case "mn":
      return joinSpaced(p.family ? initial(p.family) : "", p.given);
    case "western":
      return joinSpaced(p.given, p.family);
    case "cjk":
      return nativeFull(p, locale);
  }
}

/** Native full name in running text: given-first for Russians, "Ц. Батболд" for Mongolians. */
function nativePlain(p: Parts, locale: Lng): string {
  return p.kind === "ru" ? joinSpaced(p.given, p.family) : nativeFormal(p, locale);
}

/** The one name that follows "Governor"/"Mr"/"господин": family name, but the GIVEN name for Mongolians. */
function nativeAddress(p: Parts): string {
  return p.kind === "mn" ? p.given : p.family || p.given;
}

// ---- Latin forms ---------------------------------------------------------------------

function latinEmphasised(p: Parts, givenFirst: boolean): string {
  const FAMILY = p.latinFamily.toUpperCase();
  switch (p.kind) {
    case "mn":
      if (!p.latinGiven) return p.latinFamily;
      return joinSpaced(p.latinFamily ? initial(p.latinFamily, true) : "", p.latinGiven.toUpperCase());
    case "western":
      return joinSpaced(p.latinGiven, FAMILY);
    case "ru":
      return givenFirst ? joinSpaced(p.latinGiven, FAMILY) : joinSpaced(FAMILY, p.latinGiven);
    case "cjk":
      return joinSpaced(FAMILY, p.latinGiven);
  }
}

function latinPlain(p: Parts): string {
  switch (p.kind) {
    case "mn":
      return joinSpaced(p.latinFamily && p.latinGiven ? initial(p.latinFamily, true) : p.latinFamily, p.latinGiven);
    case "cjk":
      return joinSpaced(p.latinFamily, p.latinGiven);
    default:
      return joinSpaced(p.latinGiven, p.latinFamily);
  }
}

function latinAddress(p: Parts): string {
  return p.kind === "mn" ? p.latinGiven || p.latinFamily : p.latinFamily || p.latinGiven;
}

/** Native form when `locale` reads its script, else Latin, else native anyway. */
function pick(p: Parts, locale: Lng, native: () => string, latin: () => string): string {
  if (nativeScriptsReadable(p, locale)) return native();
  return latin() || native();
}

// ---- per-locale rendering ------------------------------------------------------------

const EN_HONORIFIC: Record<Exclude<Honorific, "excellency">, string> = {
  mr: "Mr",
  ms: "Ms",
  dr: "Dr",
  prof: "Professor",
};

function genderWord<T>(g: Gender | null, male: T, female: T): T | "" {
  return g === "male" ? male : g === "female" ? female : "";
}

function english(p: Parts, style: "formal" | "salutation"): string {
  const { honorific, gender, title } = p;
  const basic = honorific && honorific !== "excellency" ? EN_HONORIFIC[honorific] : genderWord(gender, "Mr", "Ms");
  if (style === "formal") {
    const name = pick(
      p,
      "en",
      () => nativeFormal(p, "en"),
      () => latinEmphasised(p, true),
    );
    const excellency = honorific === "excellency" ? genderWord(gender, "His Excellency", "Her Excellency") || "H.E." : "";
    return joinSpaced(excellency, title || basic, name);
  }
  // "Your Excellency," is the diplomatic salutation whenever the secretariat chose that honorific.
  if (honorific === "excellency") return "Your Excellency,";
  const address = pick(
    p,
    "en",
    () => nativeAddress(p),
    () => latinAddress(p),
  );
  if (title || basic) return `Dear ${joinSpaced(title || basic, address)},`;
  return `Dear ${pick(
    p,
    "en",
    () => nativePlain(p, "en"),
    () => latinPlain(p),
  )},`;
}

/** ko: "홍길동 도지사님" / "홍길동 교수님" / "홍길동 님"; salutation "존경하는 … 님께". 님 is never doubled. */
function korean(p: Parts, style: "formal" | "salutation"): string {
  const title = p.title.replace(/\s*님$/u, "");
  const suffix = title ? `${title}님` : p.honorific === "prof" ? "교수님" : p.honorific === "dr" ? "박사님" : "님";
  if (style === "formal") {
    return joinSpaced(
      pick(
        p,
        "ko",
        () => nativeFormal(p, "ko"),
        () => latinEmphasised(p, true),
      ),
      suffix,
    );
  }
  // Korean salutations use the full name; Mongolians are named by their given name alone.
  const name =
    p.kind === "mn"
      ? pick(
          p,
          "ko",
          () => p.given,
          () => p.latinGiven,
        )
      : pick(
          p,
          "ko",
          () => nativePlain(p, "ko"),
          () => latinPlain(p),
        );
  return `존경하는 ${joinSpaced(name, suffix)}께`;
}

/** zh: "李乐成省长" (+阁下 for excellency); salutation "尊敬的李乐成省长：". */
function chinese(p: Parts, style: "formal" | "salutation"): string {
  const word = p.title || (p.honorific === "prof" ? "教授" : p.honorific === "dr" ? "博士" : genderWord(p.gender, "先生", "女士"));
  const excellency = p.honorific === "excellency" ? "阁下" : "";
  if (style === "formal") {
    return joinTight(
      pick(
        p,
        "zh",
        () => nativeFormal(p, "zh"),
        () => latinEmphasised(p, true),
      ),
      word,
      excellency,
    );
  }
  const name =
    p.kind === "mn"
      ? pick(
          p,
          "zh",
          () => p.given,
          () => p.latinGiven,
        )
      : pick(
          p,
          "zh",
          () => nativePlain(p, "zh"),
          () => latinPlain(p),
        );
  return `${joinTight("尊敬的", name, word, excellency)}：`;
}

/**
 * ja: "富山県知事 新田 八朗 様" (title, name, 様 — never 知事様 after a name+様).
 * Japanese letters open with this addressee line followed by 拝啓; there is no separate
 * "Dear …" formula, so the salutation equals the formal form. 閣下 replaces 様 for
 * excellency; 様 is used rather than 殿 (DOMAIN: many authorities standardise on 様).
 */
function japanese(p: Parts): string {
  const title = p.title.replace(/\s*(様|殿)$/u, "");
  const head = title || (p.honorific === "prof" ? "教授" : "");
  const tail = p.honorific === "excellency" ? "閣下" : "様";
  return joinSpaced(
    head,
    pick(
      p,
      "ja",
      () => nativeFormal(p, "ja"),
      () => latinEmphasised(p, true),
    ),
    tail,
  );
}

const capitalise = (text: string) => (text ? text[0].toUpperCase() + text.slice(1) : text);

/**
 * ru formal: "Губернатор О.Н. Кожемяко" (nominative; the caller supplies the title).
 * ru salutation: "Уважаемый Олег Николаевич!" for Russians (имя + отчество);
 * "Уважаемый господин Li!" / "Уважаемая госпожа …!" for others (Mongolians: given name).
 * With no gender known (and none inferable from a patronymic) the adjective cannot agree,
 * and "Уважаемый(-ая)" is not acceptable in a governor's letter, so the neutral
 * business greeting "Здравствуйте, Олег Кожемяко!" is used instead.
 */
function russian(p: Parts, style: "formal" | "salutation"): string {
  const { gender, honorific } = p;
  if (style === "formal") {
    const excellency = honorific === "excellency" ? genderWord(gender, "Его Превосходительство", "Её Превосходительство") : "";
    const word =
      p.title || (honorific === "prof" ? "профессор" : honorific === "dr" ? "доктор" : p.kind === "ru" ? "" : genderWord(gender, "господин", "госпожа"));
    const name = pick(
      p,
      "ru",
      () => nativeFormal(p, "ru"),
      () => latinEmphasised(p, true),
    );
    return capitalise(joinSpaced(excellency, word, name));
  }
  if (honorific === "excellency") return "Ваше Превосходительство!";
  const dear = genderWord(gender, "Уважаемый", "Уважаемая");
  if (p.kind === "ru") {
    const name = p.patronymic
      ? joinSpaced(p.given, p.patronymic)
      : pick(
          p,
          "ru",
          () => joinSpaced(p.given, p.family),
          () => latinPlain(p),
        );
    return dear ? `${dear} ${name}!` : `Здравствуйте, ${name}!`;
  }
  if (dear) {
    const address = pick(
      p,
      "ru",
      () => nativeAddress(p),
      () => latinAddress(p),
    );
    return `${dear} ${genderWord(gender, "господин", "госпожа")} ${address}!`;
  }
  const name =
    p.kind === "mn"
      ? pick(
          p,
          "ru",
          () => p.given,
          () => p.latinGiven,
        )
      : pick(
          p,
          "ru",
          () => nativePlain(p, "ru"),
          () => latinPlain(p),
        );
  return `Здравствуйте, ${name}!`;
}

/**
 * mn (DOMAIN marks the formula [G/?]; to be checked by a native speaker):
 * formal "Засаг дарга Ц. Батболд" — title before the name, as Mongolian official style
 * writes "Засаг дарга Ц.Батболд"; ноён/хатагтай only for foreigners without a title.
 * salutation "Эрхэм хүндэт Засаг дарга Батболд," — title before the address name (given
 * name for Mongolians, family name for others), else "ноён/хатагтай …", else the bare
 * name ("Эрхэм хүндэт Батболд,"). No vocative particle, no Mongolian excellency form.
 */
function mongolian(p: Parts, style: "formal" | "salutation"): string {
  const mister = genderWord(p.gender, "ноён", "хатагтай");
  if (style === "formal") {
    const word = p.title || (p.kind === "mn" ? "" : mister);
    return capitalise(
      joinSpaced(
        word,
        pick(
          p,
          "mn",
          () => nativeFormal(p, "mn"),
          () => latinEmphasised(p, true),
        ),
      ),
    );
  }
  const word = p.title || mister;
  const name = word
    ? pick(
        p,
        "mn",
        () => nativeAddress(p),
        () => latinAddress(p),
      )
    : p.kind === "mn"
      ? pick(
          p,
          "mn",
          () => p.given,
          () => p.latinGiven,
        )
      : pick(
          p,
          "mn",
          () => nativePlain(p, "mn"),
          () => latinPlain(p),
        );
  return `Эрхэм хүндэт ${joinSpaced(word, name)},`;
}

function roster(p: Parts, locale: Lng): string {
  const latin = latinEmphasised(p, false);
  if (p.kind === "western") return latin || nativeFull(p, locale);
  const native = nativeFull(p, locale);
  if (!latin || latin.toLowerCase() === native.toLowerCase()) return native;
  if (!native) return latin;
  return `${native} (${latin})`;
}

// ---- public API ----------------------------------------------------------------------

export function formatName(person: PersonName, locale: Lng, style: NameStyle): string {
  const p = partsOf(person);
  if (style === "roster") return roster(p, locale);
  switch (locale) {
    case "ko":
      return korean(p, style);
    case "zh":
      return chinese(p, style);
    case "ja":
      return japanese(p);
    case "ru":
      return russian(p, style);
    case "mn":
      return mongolian(p, style);
    default:
      return english(p, style);
  }
}

/**
 * CJK: family, given; Russian: family, given, patronymic; Mongolian: GIVEN, patronymic, clan;
 * western: family, given. Native parts when `locale` reads their script, else Latin.
 * (No kana readings in this type, so Japanese names sort by kanji code point under `ja`.)
 */
export function sortKey(person: PersonName, locale: Lng): string {
  const p = partsOf(person);
  const hasLatin = Boolean(p.latinFamily || p.latinGiven);
  if (hasLatin && !nativeScriptsReadable(p, locale)) {
    return p.kind === "mn" ? joinSpaced(p.latinGiven, p.latinFamily) : joinSpaced(p.latinFamily, p.latinGiven);
  }
  switch (p.kind) {
    case "mn":
      return joinSpaced(p.given, p.family, p.clan);
    case "ru":
      return joinSpaced(p.family, p.given, p.patronymic);
    default:
      return joinSpaced(p.family, p.given);
  }
}

const collators = new Map<Lng, Intl.Collator>();

function collatorFor(locale: Lng): Intl.Collator {
  let collator = collators.get(locale);
  if (!collator) {
    collator = new Intl.Collator(locale === "zh" ? "zh-Hans" : locale);
    collators.set(locale, collator);
  }
  return collator;
}

/** Compare two people for sorting in `locale` (uses Intl.Collator(locale) on sortKey). */
export function compareNames(a: PersonName, b: PersonName, locale: Lng): number {
  const collator = collatorFor(locale);
  return collator.compare(sortKey(a, locale), sortKey(b, locale)) || collator.compare(latinName(a), latinName(b));
}

/** "LI Lecheng", "KOZHEMYAKO Oleg", "Ts. ELBEGDORJ"-style Latin display with the family name upper-cased (for mn: given name emphasised, patronymic as initial). Returns "" when no Latin parts. */
export function latinName(person: PersonName): string {
  return latinEmphasised(partsOf(person), false);
}

/** The name in its own script and order, the way its owner writes it: "李乐成", "Кожемяко Олег Николаевич", "山田 太郎". */
export function nativeName(person: PersonName): string {
  return nativeFull(partsOf(person), person.nameLocale);
}
