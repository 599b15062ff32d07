import { describe, expect, it } from "vitest";

import { isSamePerson } from "~/lib/delegate-identity";

describe("isSamePerson", () => {
  it("keeps a person whose name is corrected", () => {
    expect(
      isSamePerson(
        { familyName: "Кожемяко", givenName: "Олег", patronymic: "Николаевич" },
        { familyName: "Кожемяко", givenName: "Олег", patronymic: "Николаевичь" },
      ),
    ).toBe(true);
    expect(isSamePerson({ familyName: "김", givenName: "재효" }, { familyName: "김", givenName: "재호" })).toBe(true);
    expect(isSamePerson({ familyName: "Li", givenName: "Lecheng" }, { familyName: "LI", givenName: " Lecheng" })).toBe(true);
  });

  it("keeps a person whose name is written in another language, by the Latin name", () => {
    const li = { nameLocale: "zh", familyName: "李", givenName: "乐成", latinFamilyName: "Li", latinGivenName: "Lecheng" };
    expect(isSamePerson(li, { ...li, nameLocale: "en", familyName: "Li", givenName: "Lecheng" })).toBe(true);
    // the same language: a new native name with the old Latin name left in place is another person
    expect(isSamePerson(li, { ...li, familyName: "王", givenName: "新伟" })).toBe(false);
  });

  it("sees another person in the same place", () => {
    expect(isSamePerson({ familyName: "李", givenName: "乐成" }, { familyName: "王", givenName: "新伟" })).toBe(false);
    expect(isSamePerson({ familyName: "김", givenName: "재효" }, { familyName: "김", givenName: "옥채" })).toBe(false);
    expect(isSamePerson({ familyName: "Li", givenName: "Lecheng" }, { familyName: "Wang", givenName: "Xinwei" })).toBe(false);
    expect(isSamePerson({ patronymic: "Цэрэнгийн", givenName: "Батболд" }, { patronymic: "Дашийн", givenName: "Ганбат" })).toBe(false);
  });
});
