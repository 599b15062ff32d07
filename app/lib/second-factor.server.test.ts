import * as OTPAuth from "otpauth";
import { describe, expect, it } from "vitest";

import { createRecoveryCodes, createTotpSecret, hashRecoveryCode, matchTotpStep, normalizeTotpCode, totpQrDataUrl, totpUri } from "./second-factor.server";

const codeAt = (secret: string, timestamp: number) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp });

describe("TOTP", () => {
  const secret = createTotpSecret();
  const now = Date.UTC(2026, 11, 5, 20, 0, 10);
  const step = Math.floor(now / 30_000);

  it("makes 160-bit base32 secrets and an otpauth URI an app reads", () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(createTotpSecret()).not.toBe(secret);
    const uri = totpUri(secret, { account: "ana@example.org", issuer: "Plenary (near.example.org)" });
    expect(uri).toMatch(/^otpauth:\/\/totp\/Plenary%20\(near\.example\.org\):ana%40example\.org\?/);
    expect(uri).toContain(`secret=${secret}`);
  });

  it("accepts the current code and one step either side, and names the step it belongs to", () => {
    expect(matchTotpStep(secret, codeAt(secret, now), now)).toBe(step);
    expect(matchTotpStep(secret, codeAt(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchTotpStep(secret, codeAt(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchTotpStep(secret, codeAt(secret, now + 60_000), now)).toBeNull();
    expect(matchTotpStep(secret, codeAt(secret, now - 60_000), now)).toBeNull();
  });

  it("reads codes typed with a space or dash; refuses anything that is not six digits", () => {
    const code = codeAt(secret, now);
    expect(matchTotpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(step);
    expect(normalizeTotpCode("123-456")).toBe("123456");
    expect(normalizeTotpCode("12345")).toBeNull();
    expect(normalizeTotpCode("12345a")).toBeNull();
    expect(matchTotpStep(secret, "", now)).toBeNull();
  });

  it("draws the QR code as a PNG data URL", async () => {
    expect(await totpQrDataUrl(totpUri(secret, { account: "a@example.org", issuer: "Plenary" }))).toMatch(/^data:image\/png;base64,/);
  });
});

describe("recovery codes", () => {
  it("are ten distinct 16-character codes without look-alike characters", () => {
    const codes = createRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}$/);
  });

  it("hash the same however they are typed", () => {
    const [code] = createRecoveryCodes(1);
    expect(hashRecoveryCode(code.toLowerCase().replace(/-/g, " "))).toBe(hashRecoveryCode(code));
    expect(hashRecoveryCode(code)).not.toContain(code.replace(/-/g, ""));
  });
});
