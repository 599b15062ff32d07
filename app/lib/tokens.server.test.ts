import { describe, expect, it, vi } from "vitest";

import { createToken, hashToken, isWellFormedToken } from "~/lib/tokens.server";

describe("tokens", () => {
  it("are 256-bit base64url strings from crypto, all distinct", () => {
    const random = vi.spyOn(Math, "random");
    const tokens = new Set(Array.from({ length: 20_000 }, createToken));
    expect(tokens.size).toBe(20_000);
    for (const token of [...tokens].slice(0, 1000)) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
  });

  it("are stored only as a SHA-256 digest", () => {
    const token = createToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(hashToken(token)).toBe(hashToken(token));
  });

  it("rejects malformed input before any lookup", () => {
    expect(isWellFormedToken("../../etc/passwd")).toBe(false);
    expect(isWellFormedToken("a".repeat(44))).toBe(false);
    expect(isWellFormedToken(createToken())).toBe(true);
  });
});
