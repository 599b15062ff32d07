import { describe, expect, it } from "vitest";

import { isBlankPerson, withoutPrefill } from "~/lib/delegate-prefill";

const governor = {
  role: "head",
  nameLocale: "ru",
  familyName: "Кожемяко",
  givenName: "Олег",
  honorific: "excellency",
  title: "Губернатор",
  email: "governor@primorsky.example.org",
};

describe("person 1 when a representative leads instead of the directory's head", () => {
  it("clears what still comes from the head, keeps what the person typed and the role", () => {
    const edited = { ...governor, familyName: "Иванов", givenName: "Пётр", arrivalTransport: "7C 2202" };
    expect(withoutPrefill(edited, governor)).toEqual({
      role: "head",
      nameLocale: "ru",
      familyName: "Иванов",
      givenName: "Пётр",
      honorific: "",
      title: "",
      email: "",
      arrivalTransport: "7C 2202",
    });
    expect(isBlankPerson(withoutPrefill(governor, governor))).toBe(true);
    expect(isBlankPerson(edited)).toBe(false);
  });
});
