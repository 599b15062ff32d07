import { describe, expect, it } from "vitest";

import { visaLetterPages, type VisaLetterSource } from "~/services/visa-letter.server";

const plain = (t: string | { text: string }) => (typeof t === "string" ? t : t.text);

const EVENT = {
  id: "0b6e1f7a-4d7b-4f64-9d0e-7f3a2c1b5e90",
  title: { en: "16th NEAR General Assembly", ru: "16-я Генеральная ассамблея АРАССВА", ko: "제16차 NEAR 총회" },
  venue: { en: "Pohang", ru: "Пхохан", ko: "포항" },
  startsAt: new Date("2027-06-16T00:00:00Z"),
  endsAt: new Date("2027-06-17T09:00:00Z"),
  timeZone: "Asia/Seoul",
  visaLetter: {},
  contactName: null,
  contactEmail: null,
  contactPhone: null,
} as unknown as VisaLetterSource["event"];

/** The governor of Liaoning, as the Chinese delegation typed him in: title in Chinese. */
const GOVERNOR = {
  role: "head",
  response: "attending",
  title: "省长",
  memberNames: { en: "Liaoning Province", zh: "辽宁省", ru: "провинция Ляонин", ko: "랴오닝성" },
  memberHeadTitle: { en: "Governor", zh: "省长" },
  givenName: "Xiaoming",
  latinFamilyName: "Wang",
  latinGivenName: "Xiaoming",
  passportName: "WANG XIAOMING",
  nationality: "CN",
  passportExpiry: "2031-01-31",
  passportNumber: "E12345678",
  birthDate: "1965-03-02",
  arrivalAt: null,
  departureAt: null,
  checkInCode: "K7Q2M9",
} as unknown as VisaLetterSource["person"];

async function letter(lang: "en" | "ru" | "ko", event = EVENT, person = GOVERNOR) {
  const [page] = await visaLetterPages({ event, person, letters: [{ lang, head: null }], now: new Date("2027-05-02T00:00:00Z") });
  return {
    paragraphs: page.paragraphs.map(plain),
    position: plain(page.facts.find((f) => ["Position and organisation", "Должность и организация", "직위 및 소속"].includes(f.label))!.value),
  };
}

describe("visa support letter text", () => {
  it("invites to 'the' event in English, once, whatever the title starts with", async () => {
    expect((await letter("en")).paragraphs[0]).toContain("to take part in the 16th NEAR General Assembly, to be held");
    const titled = { ...EVENT, title: { en: "The Forum of NEAR Governors" } } as VisaLetterSource["event"];
    expect((await letter("en", titled)).paragraphs[0]).toContain("to take part in the Forum of NEAR Governors, to be held");
  });

  it("gives the position in the letter's language: the member's title for its head, else the role, never a Chinese title in English or Russian", async () => {
    expect((await letter("en")).position).toBe("Governor, Liaoning Province");
    expect((await letter("ru")).position).toBe("Глава делегации, провинция Ляонин");
    // a title typed in the letter's own script is kept as typed
    expect((await letter("en", EVENT, { ...GOVERNOR, title: "Vice-Governor", response: "representative" } as VisaLetterSource["person"])).position).toBe(
      "Vice-Governor, Liaoning Province",
    );
    // a representative leading the delegation is not the member's governor
    expect((await letter("en", EVENT, { ...GOVERNOR, title: "副省长", response: "representative" } as VisaLetterSource["person"])).position).toBe(
      "Head of delegation, Liaoning Province",
    );
  });

  it("names only the contact details there are, and leaves the sentence out when there are none", async () => {
    const none = await letter("en");
    expect(none.paragraphs.join("\n")).not.toMatch(/contact/i);
    const phoneOnly = { ...EVENT, contactName: "Kim Minji", contactPhone: "+82 54 223 2300" } as VisaLetterSource["event"];
    expect((await letter("en", phoneOnly)).paragraphs.at(-1)).toBe("For any question please contact Kim Minji, tel. +82 54 223 2300.");
    const emailOnly = { ...EVENT, contactEmail: "secretariat@near.example.org" } as VisaLetterSource["event"];
    expect((await letter("ru", emailOnly)).paragraphs.at(-1)).toBe("По всем вопросам просим обращаться: эл. почта secretariat@near.example.org.");
    for (const lang of ["en", "ru", "ko"] as const) {
      for (const paragraph of (await letter(lang, phoneOnly)).paragraphs) expect(paragraph).not.toMatch(/[,，、]\s*[,，、.。)）]|\(\s*[,，]/);
    }
  });
});
