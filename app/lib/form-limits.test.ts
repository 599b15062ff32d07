import { describe, expect, it } from "vitest";

import { checkFormShape, type FormShape } from "~/lib/form-limits";

const shape: FormShape = { lists: { delegates: 6 }, maxNested: 10, maxFields: 50 };
const check = (pairs: [string, string][], s = shape) => checkFormShape(pairs, s);

describe("form shape before parsing", () => {
  it("accepts what the reply form sends: plain fields, dotted keys, indexed people and their nested lists", () => {
    expect(
      check([
        ["response", "attending"],
        ["title.en", "x"],
        ["delegates[0].role", "head"],
        ["delegates[5].givenName", "Олег"],
        ["delegates[5].programme[9]", "x"],
        ["delegates[1].dietary", "halal"],
        ["memberRank.0f8a2b1c-0000-4000-8000-000000000000", "1"],
        ["__intent__", JSON.stringify({ type: "insert", payload: { name: "delegates" } })],
        ["__intent__", JSON.stringify({ type: "remove", payload: { name: "delegates", index: 5 } })],
      ]),
    ).toBeNull();
  });

  it("refuses an index past the list's ceiling, however few bytes it takes", () => {
    expect(check([["delegates[6].role", "head"]])).toBe("tooManyItems");
    expect(check([["delegates[1000].role", "head"]])).toBe("tooManyItems");
    expect(check([["delegates[0].programme[10]", "x"]])).toBe("tooManyItems");
  });

  it("refuses indices that are not plain small numbers: huge, leading zeros, signs, exponents, empty", () => {
    for (const name of [
      "delegates[99999999].role",
      "delegates[01].role",
      "delegates[-1].role",
      "delegates[1e3].role",
      "delegates[].role",
      "delegates[0x1].role",
    ]) {
      expect(check([[name, "head"]]), name).toBe("badField");
    }
  });

  it("refuses lists the form does not have, indexing at the top, and names outside conform's grammar or too deep", () => {
    expect(check([["people[0].role", "head"]])).toBe("badField");
    expect(check([["[0]", "x"]])).toBe("badField");
    expect(check([[".role", "x"]])).toBe("badField");
    expect(check([["delegates[0]..role", "x"]])).toBe("badField");
    expect(check([["a.b.c.d.e.f.g", "x"]])).toBe("badField");
  });

  it("refuses too many fields", () => {
    expect(check(Array.from({ length: 51 }, (_, i) => [`f${i}`, "x"] as [string, string]))).toBe("tooManyFields");
  });

  it("checks the list intents conform would apply: positions and names", () => {
    const intent = (payload: object) => check([["__intent__", JSON.stringify({ type: "update", payload })]]);
    expect(intent({ name: "delegates[99999999]", value: {} })).toBe("badField");
    expect(intent({ name: "delegates", index: 9999999 })).toBe("tooManyItems");
    expect(intent({ name: "delegates", from: 0, to: 1e9 })).toBe("tooManyItems");
    expect(intent({ name: "delegates", index: -1 })).toBe("tooManyItems");
    expect(intent({ name: "delegates[0].programme", index: 11 })).toBe("tooManyItems");
    expect(intent({ name: "delegates", index: 6 })).toBeNull();
  });

  it("refuses what conform would fail on or echo back: a non-JSON or unknown intent, any posted form state", () => {
    // conform JSON.parses both fields: garbage answered 500, and a deeply nested state overflowed the stack
    // when the reply was serialised
    expect(check([["__intent__", "save"]])).toBe("badField");
    expect(check([["__intent__", JSON.stringify({ type: "explode", payload: {} })]])).toBe("badField");
    expect(check([["__intent__", JSON.stringify({ type: "insert" })]])).toBe("badField");
    expect(check([["__state__", "{}"]])).toBe("badField");
    expect(check([["__state__", "[".repeat(50_000) + "]".repeat(50_000)]])).toBe("badField");
  });

  it("checks the values an intent carries like posted fields: list lengths, nesting, names, count", () => {
    const update = (value: unknown, name = "") => check([["__intent__", JSON.stringify({ type: "update", payload: { name, value } })]]);
    const insert = (defaultValue: unknown) => check([["__intent__", JSON.stringify({ type: "insert", payload: { name: "delegates", defaultValue } })]]);
    // what the form's buttons send
    expect(insert({ role: "official", nameLocale: "ru" })).toBeNull();
    expect(update({ role: "head", givenName: "Олег", dietary: ["halal", "vegetarian"] }, "delegates[0]")).toBeNull();
    expect(update({ response: "attending", delegates: [{ role: "head" }, { role: "official" }] })).toBeNull();
    // 40,000 empty people in 120 KB: zod walked every one of them for minutes
    expect(update({ response: "attending", delegates: Array.from({ length: 40_000 }, () => ({})) })).toBe("tooManyItems");
    expect(update({ people: [{}] })).toBe("badField");
    expect(insert({ programme: Array.from({ length: 51 }, () => "x") })).toBe("tooManyItems");
    expect(
      update(
        Array.from({ length: 3 }, () => ({})),
        "delegates",
      ),
    ).toBeNull();
    expect(
      update(
        Array.from({ length: 7 }, () => ({})),
        "delegates",
      ),
    ).toBe("tooManyItems");
    // nesting deeper than any form has, and names conform refuses
    const deep = `{"type":"update","payload":{"name":"","value":${'{"a":'.repeat(50_000)}"x"${"}".repeat(50_000)}}}`;
    expect(check([["__intent__", deep]])).toBe("badField");
    expect(update(JSON.parse('{"__proto__": {"x": "y"}}'))).toBe("badField");
    expect(update({ "a b": "x" })).toBe("badField");
    // every value counts towards the form's fields
    expect(update(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, "x"])))).toBe("tooManyFields");
  });
});
