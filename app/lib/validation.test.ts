import { describe, expect, it } from "vitest";

import { EmailSchema, NewPasswordSchema, parseMessage, singleLine } from "~/lib/validation";

function messages(result: { success: boolean; error?: { issues: { message: string }[] } }) {
  return result.success ? [] : result.error!.issues.map((i) => i.message);
}

describe("shared field schemas", () => {
  const name = singleLine(10);

  it("normalises to NFC and trims", () => {
    expect(name.parse("  Cafe\u0301 ")).toBe("Café");
  });

  it.each([
    ["", "validation.required"],
    ["   ", "validation.required"],
    ["x".repeat(11), "validation.tooLong#10"],
    ["a\u0007b", "validation.controlCharacters"],
    ["abc\u202Edef", "validation.controlCharacters"],
    ["line\nbreak", "validation.controlCharacters"],
  ])("refuses %j with %s", (value, message) => {
    expect(messages(name.safeParse(value))).toContain(message);
  });

  it("stores markup and formula-looking text verbatim (escaping is the output's job)", () => {
    expect(singleLine(100).parse("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
    expect(singleLine(100).parse('=HYPERLINK("x")')).toBe('=HYPERLINK("x")');
  });

  it("lower-cases emails and refuses malformed ones", () => {
    expect(EmailSchema.parse(" Ana.Kim@Example.ORG ")).toBe("ana.kim@example.org");
    expect(messages(EmailSchema.safeParse("not-an-email"))).toContain("validation.email");
    expect(messages(EmailSchema.safeParse(undefined))).toContain("validation.required");
  });

  it("asks for passwords of at least 12 characters", () => {
    expect(messages(NewPasswordSchema.safeParse("short"))).toContain("validation.passwordTooShort#12");
    expect(NewPasswordSchema.safeParse("a long enough passphrase").success).toBe(true);
  });

  it("splits a message into key and count", () => {
    expect(parseMessage("validation.tooLong#100")).toEqual({ key: "validation.tooLong", values: { count: 100 } });
    expect(parseMessage("validation.required")).toEqual({ key: "validation.required", values: {} });
  });
});
