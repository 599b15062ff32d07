import { describe, expect, it } from "vitest";

import type { Lng } from "~/i18n";
import { compareNames, formatName, latinName, type NameStyle, type PersonName, sortKey } from "~/lib/names";

// Real office-holders named in DOMAIN.md §1 and §3, plus clearly fictional people where a case needs one.
const liLecheng: PersonName = {
  nameLocale: "zh",
  familyName: "李",
  givenName: "乐成",
  latinFamilyName: "Li",
  latinGivenName: "Lecheng",
  gender: "male",
};
const wangXinwei: PersonName = {
  nameLocale: "zh",
  familyName: "王",
  givenName: "新伟",
  latinFamilyName: "Wang",
  latinGivenName: "Xinwei",
  gender: "male",
};
const kozhemyako: PersonName = {
  nameLocale: "ru",
  familyName: "Кожемяко",
  givenName: "Олег",
  patronymic: "Николаевич",
  latinFamilyName: "Kozhemyako",
  latinGivenName: "Oleg",
  gender: "male",
};
const tsydenov: PersonName = {
  nameLocale: "ru",
  familyName: "Цыденов",
  givenName: "Алексей",
  patronymic: "Самбуевич",
  latinFamilyName: "Tsydenov",
  latinGivenName: "Aleksei",
  gender: "male",
};
const limByungjin: PersonName = {
  nameLocale: "ko",
  familyName: "임",
  givenName: "병진",
  latinFamilyName: "Lim",
  latinGivenName: "Byung-jin",
  gender: "male",
};
const nitta: PersonName = {
  nameLocale: "ja",
  familyName: "新田",
  givenName: "八朗",
  latinFamilyName: "Nitta",
  latinGivenName: "Hachiro",
  gender: "male",
};
/** Fictional aimag governor: patronymic Цэрэндоржийн, given name Батболд. */
const batbold: PersonName = {
  nameLocale: "mn",
  patronymic: "Цэрэндоржийн",
  givenName: "Батболд",
  latinFamilyName: "Tserendorj",
  latinGivenName: "Batbold",
  gender: "male",
};
/** Fictional. */
const ivanova: PersonName = {
  nameLocale: "ru",
  familyName: "Иванова",
  givenName: "Ольга",
  patronymic: "Петровна",
  latinFamilyName: "Ivanova",
  latinGivenName: "Olga",
  gender: "female",
};
/** Fictional. */
const oyunaa: PersonName = {
  nameLocale: "mn",
  patronymic: "Дашийн",
  givenName: "Оюунаа",
  latinFamilyName: "Dash",
  latinGivenName: "Oyunaa",
  gender: "female",
};
/** Fictional. */
const janeSmith: PersonName = {
  nameLocale: "en",
  familyName: "Smith",
  givenName: "Jane",
  gender: "female",
};

const as = (person: PersonName, extra: Partial<PersonName>): PersonName => ({
  ...person,
  ...extra,
});

describe("formatName", () => {
  it.each<[string, PersonName, Lng, NameStyle, string]>([
    // --- en ---
    ["en formal, CJK family first in capitals", as(liLecheng, { title: "Governor" }), "en", "formal", "Governor LI Lecheng"],
    ["en formal, Russian given first (DOMAIN style)", as(tsydenov, { title: "Head of the Republic" }), "en", "formal", "Head of the Republic Aleksei TSYDENOV"],
    ["en formal, Mongolian initial + given", as(batbold, { title: "Governor" }), "en", "formal", "Governor Ts. BATBOLD"],
    ["en formal, excellency by gender", as(wangXinwei, { title: "Governor", honorific: "excellency" }), "en", "formal", "His Excellency Governor WANG Xinwei"],
    ["en formal, no title → Mr", limByungjin, "en", "formal", "Mr LIM Byung-jin"],
    ["en formal, western native", as(janeSmith, { honorific: "dr" }), "en", "formal", "Dr Jane Smith"],
    ["en salutation, title + Latin family", as(liLecheng, { title: "Governor" }), "en", "salutation", "Dear Governor Li,"],
    ["en salutation, Russian family name", as(kozhemyako, { title: "Governor" }), "en", "salutation", "Dear Governor Kozhemyako,"],
    ["en salutation, Mongolian given name", as(batbold, { title: "Governor" }), "en", "salutation", "Dear Governor Batbold,"],
    ["en salutation, no title → Mr", liLecheng, "en", "salutation", "Dear Mr Li,"],
    ["en salutation, no title → Ms", oyunaa, "en", "salutation", "Dear Ms Oyunaa,"],
    ["en salutation, professor", as(nitta, { honorific: "prof" }), "en", "salutation", "Dear Professor Nitta,"],
    ["en salutation, excellency alone", as(tsydenov, { honorific: "excellency", title: "Head" }), "en", "salutation", "Your Excellency,"],
    ["en salutation, gender unknown → full Latin name", as(liLecheng, { gender: null }), "en", "salutation", "Dear Li Lecheng,"],
    [
      "en salutation, missing Latin parts → native",
      as(wangXinwei, {
        latinFamilyName: null,
        latinGivenName: null,
        title: "Governor",
      }),
      "en",
      "salutation",
      "Dear Governor 王,",
    ],
    [
      "en salutation, passport capitals re-cased",
      as(limByungjin, {
        latinFamilyName: "LIM",
        latinGivenName: "BYUNG-JIN",
        gender: null,
      }),
      "en",
      "salutation",
      "Dear Lim Byung-jin,",
    ],
    // --- ko ---
    ["ko formal, Korean name + title님", as(limByungjin, { title: "사무총장" }), "ko", "formal", "임병진 사무총장님"],
    ["ko formal, no title", limByungjin, "ko", "formal", "임병진 님"],
    ["ko salutation, Korean", as(limByungjin, { title: "사무총장" }), "ko", "salutation", "존경하는 임병진 사무총장님께"],
    ["ko salutation, no double 님", as(limByungjin, { title: "사무총장님" }), "ko", "salutation", "존경하는 임병진 사무총장님께"],
    ["ko salutation, Chinese name kept in Han", as(liLecheng, { title: "성장" }), "ko", "salutation", "존경하는 李乐成 성장님께"],
    ["ko salutation, Russian in Latin", as(kozhemyako, { title: "주지사" }), "ko", "salutation", "존경하는 Oleg Kozhemyako 주지사님께"],
    ["ko salutation, Mongolian by given name", as(batbold, { title: "도지사" }), "ko", "salutation", "존경하는 Batbold 도지사님께"],
    ["ko salutation, no title", nitta, "ko", "salutation", "존경하는 新田八朗 님께"],
    // --- zh ---
    ["zh formal, name + title", as(liLecheng, { title: "省长" }), "zh", "formal", "李乐成省长"],
    ["zh salutation, name + title", as(liLecheng, { title: "省长" }), "zh", "salutation", "尊敬的李乐成省长："],
    ["zh salutation, excellency → 阁下", as(wangXinwei, { title: "省长", honorific: "excellency" }), "zh", "salutation", "尊敬的王新伟省长阁下："],
    ["zh salutation, no title → 先生", wangXinwei, "zh", "salutation", "尊敬的王新伟先生："],
    ["zh salutation, no title → 女士", as(janeSmith, {}), "zh", "salutation", "尊敬的 Jane Smith 女士："],
    ["zh salutation, gender unknown → neutral", as(liLecheng, { gender: null }), "zh", "salutation", "尊敬的李乐成："],
    ["zh salutation, Japanese name in Han", as(nitta, { title: "知事" }), "zh", "salutation", "尊敬的新田八朗知事："],
    ["zh salutation, Korean name in Latin", as(limByungjin, { title: "秘书长" }), "zh", "salutation", "尊敬的 Lim Byung-jin 秘书长："],
    ["zh salutation, Russian in Latin", as(kozhemyako, { title: "州长" }), "zh", "salutation", "尊敬的 Oleg Kozhemyako 州长："],
    // --- ja ---
    ["ja formal, title + spaced name + 様", as(nitta, { title: "富山県知事" }), "ja", "formal", "富山県知事 新田 八朗 様"],
    ["ja salutation = addressee line, no 知事様", as(nitta, { title: "知事様" }), "ja", "salutation", "知事 新田 八朗 様"],
    ["ja salutation, no title", nitta, "ja", "salutation", "新田 八朗 様"],
    ["ja formal, Chinese name unspaced", as(liLecheng, { title: "遼寧省長" }), "ja", "formal", "遼寧省長 李乐成 様"],
    ["ja formal, Russian in Latin", as(kozhemyako, { title: "沿海地方知事" }), "ja", "formal", "沿海地方知事 Oleg KOZHEMYAKO 様"],
    ["ja formal, excellency → 閣下", as(wangXinwei, { honorific: "excellency" }), "ja", "formal", "王新伟 閣下"],
    // --- ru ---
    ["ru formal, title + И.О. Фамилия", as(kozhemyako, { title: "Губернатор Приморского края" }), "ru", "formal", "Губернатор Приморского края О.Н. Кожемяко"],
    ["ru formal, foreigner → Господин", liLecheng, "ru", "formal", "Господин LI Lecheng"],
    ["ru formal, Mongolian in Cyrillic", as(batbold, { title: "Губернатор аймака" }), "ru", "formal", "Губернатор аймака Ц. Батболд"],
    ["ru salutation, имя + отчество", kozhemyako, "ru", "salutation", "Уважаемый Олег Николаевич!"],
    ["ru salutation, Buryat head", as(tsydenov, { title: "Глава Республики Бурятия" }), "ru", "salutation", "Уважаемый Алексей Самбуевич!"],
    ["ru salutation, female", ivanova, "ru", "salutation", "Уважаемая Ольга Петровна!"],
    ["ru salutation, gender inferred from patronymic", as(kozhemyako, { gender: null }), "ru", "salutation", "Уважаемый Олег Николаевич!"],
    ["ru salutation, gender unknown, no patronymic", as(kozhemyako, { gender: null, patronymic: null }), "ru", "salutation", "Здравствуйте, Олег Кожемяко!"],
    ["ru salutation, Chinese → господин + Latin family", liLecheng, "ru", "salutation", "Уважаемый господин Li!"],
    ["ru salutation, Mongolian → given name", oyunaa, "ru", "salutation", "Уважаемая госпожа Оюунаа!"],
    ["ru salutation, foreigner gender unknown", as(nitta, { gender: null }), "ru", "salutation", "Здравствуйте, Nitta Hachiro!"],
    ["ru salutation, excellency", as(wangXinwei, { honorific: "excellency" }), "ru", "salutation", "Ваше Превосходительство!"],
    // --- mn ---
    ["mn formal, title + Ц. given", as(batbold, { title: "Засаг дарга" }), "mn", "formal", "Засаг дарга Ц. Батболд"],
    ["mn formal, Russian readable in Cyrillic", as(kozhemyako, { title: "Захирагч" }), "mn", "formal", "Захирагч О.Н. Кожемяко"],
    ["mn salutation, Mongolian by given name", as(batbold, { title: "Засаг дарга" }), "mn", "salutation", "Эрхэм хүндэт Засаг дарга Батболд,"],
    ["mn salutation, no title → хатагтай", oyunaa, "mn", "salutation", "Эрхэм хүндэт хатагтай Оюунаа,"],
    ["mn salutation, gender unknown → given name only", as(batbold, { gender: null }), "mn", "salutation", "Эрхэм хүндэт Батболд,"],
    ["mn salutation, Chinese in Latin", as(liLecheng, { title: "Захирагч" }), "mn", "salutation", "Эрхэм хүндэт Захирагч Li,"],
    ["mn salutation, Russian family in Cyrillic", kozhemyako, "mn", "salutation", "Эрхэм хүндэт ноён Кожемяко,"],
    // --- roster ---
    ["roster, Chinese", as(liLecheng, { title: "省长" }), "en", "roster", "李乐成 (LI Lecheng)"],
    ["roster, Russian full ФИО", as(kozhemyako, { title: "Governor" }), "en", "roster", "Кожемяко Олег Николаевич (KOZHEMYAKO Oleg)"],
    ["roster, Mongolian", batbold, "en", "roster", "Цэрэндоржийн Батболд (Ts. BATBOLD)"],
    ["roster, Korean", limByungjin, "ko", "roster", "임병진 (LIM Byung-jin)"],
    ["roster, Japanese spaced in ja", nitta, "ja", "roster", "新田 八朗 (NITTA Hachiro)"],
    ["roster, Japanese unspaced elsewhere", nitta, "zh", "roster", "新田八朗 (NITTA Hachiro)"],
    ["roster, western", janeSmith, "ru", "roster", "Jane SMITH"],
    ["roster, no Latin parts → no empty parentheses", as(wangXinwei, { latinFamilyName: "", latinGivenName: null }), "en", "roster", "王新伟"],
    [
      "roster, padded input trimmed",
      as(tsydenov, {
        familyName: "  Цыденов ",
        givenName: " Алексей",
        patronymic: "Самбуевич  ",
      }),
      "ru",
      "roster",
      "Цыденов Алексей Самбуевич (TSYDENOV Aleksei)",
    ],
  ])("%s", (_label, person, locale, style, expected) => {
    const result = formatName(person, locale, style);
    expect(result).toBe(expected);
    expect(result).not.toMatch(/\s{2}|\(\s*\)|^\s|\s$/u);
  });
});

describe("latinName", () => {
  it.each<[PersonName, string]>([
    [liLecheng, "LI Lecheng"],
    [kozhemyako, "KOZHEMYAKO Oleg"],
    [batbold, "Ts. BATBOLD"],
    [as(batbold, { latinFamilyName: "Khaltmaa" }), "Kh. BATBOLD"],
    [limByungjin, "LIM Byung-jin"],
    [janeSmith, "Jane SMITH"],
    [as(liLecheng, { latinFamilyName: null, latinGivenName: undefined }), ""],
  ])("%o → %s", (person, expected) => {
    expect(latinName(person)).toBe(expected);
  });
});

describe("sortKey and compareNames", () => {
  const sorted = (people: PersonName[], locale: Lng) => [...people].sort((a, b) => compareNames(a, b, locale)).map((p) => formatName(p, locale, "roster"));

  it("builds keys per naming culture and script", () => {
    expect(sortKey(liLecheng, "zh")).toBe("李 乐成");
    expect(sortKey(liLecheng, "en")).toBe("Li Lecheng");
    expect(sortKey(kozhemyako, "ru")).toBe("Кожемяко Олег Николаевич");
    expect(sortKey(kozhemyako, "ko")).toBe("Kozhemyako Oleg");
    expect(sortKey(batbold, "mn")).toBe("Батболд Цэрэндоржийн");
    expect(sortKey(batbold, "en")).toBe("Batbold Tserendorj");
    expect(sortKey(as(kozhemyako, { latinFamilyName: null, latinGivenName: null }), "en")).toBe("Кожемяко Олег Николаевич");
  });

  it("sorts Hangul names by Korean collation", () => {
    const korean = ["홍길동", "이철우", "임병진", "김두겸", "박형준"].map<PersonName>((name) => ({
      nameLocale: "ko",
      familyName: name.slice(0, 1),
      givenName: name.slice(1),
    }));
    expect(sorted(korean, "ko")).toEqual(["김두겸", "박형준", "이철우", "임병진", "홍길동"]);
  });

  it("sorts Russian names with ё as a variant of е, not after я", () => {
    const people = ["Федотов", "Фёдоров", "Ёлкин", "Елкин", "Яковлев"].map<PersonName>((family) => ({
      nameLocale: "ru",
      familyName: family,
      givenName: "Иван",
    }));
    expect(sorted(people, "ru")).toEqual(["Елкин Иван", "Ёлкин Иван", "Фёдоров Иван", "Федотов Иван", "Яковлев Иван"]);
    expect(sorted([tsydenov, ivanova, kozhemyako], "ru").map((r) => r.split(" ")[0])).toEqual(["Иванова", "Кожемяко", "Цыденов"]);
  });

  it("sorts Mongolians by given name in Mongolian collation (Ө after О, Ү after У)", () => {
    const people = [
      ["Дашийн", "Үүрцайх"],
      ["Алтангэрэлийн", "Өлзийсайхан"],
      ["Батын", "Отгонбаяр"],
      ["Цэрэндоржийн", "Батболд"],
      ["Энхийн", "Удвал"],
    ].map<PersonName>(([patronymic, givenName]) => ({
      nameLocale: "mn",
      patronymic,
      givenName,
    }));
    expect(sorted(people, "mn")).toEqual(["Цэрэндоржийн Батболд", "Батын Отгонбаяр", "Алтангэрэлийн Өлзийсайхан", "Энхийн Удвал", "Дашийн Үүрцайх"]);
  });

  it("sorts Chinese names family first in pinyin order", () => {
    const wangAn: PersonName = {
      nameLocale: "zh",
      familyName: "王",
      givenName: "安",
    }; // fictional
    const liZhi: PersonName = {
      nameLocale: "zh",
      familyName: "李",
      givenName: "志",
    }; // fictional
    expect(sorted([wangXinwei, wangAn, nitta, liZhi, liLecheng], "zh")).toEqual([
      "李乐成 (LI Lecheng)",
      "李志",
      "王安",
      "王新伟 (WANG Xinwei)",
      "新田八朗 (NITTA Hachiro)",
    ]);
  });

  it("sorts a mixed delegation list in English by Latin family (Mongolians by given name)", () => {
    expect(sorted([wangXinwei, nitta, liLecheng, kozhemyako, batbold, limByungjin], "en").map(latinFromRoster)).toEqual([
      "Ts. BATBOLD",
      "KOZHEMYAKO Oleg",
      "LI Lecheng",
      "LIM Byung-jin",
      "NITTA Hachiro",
      "WANG Xinwei",
    ]);
  });

  it("keeps equal people stable and distinguishes by Latin name", () => {
    expect(compareNames(liLecheng, { ...liLecheng }, "zh")).toBe(0);
    expect(compareNames(liLecheng, as(liLecheng, { latinGivenName: "Lecheong" }), "zh")).not.toBe(0);
  });
});

function latinFromRoster(roster: string): string {
  return /\(([^)]*)\)$/u.exec(roster)?.[1] ?? roster;
}
