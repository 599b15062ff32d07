import crypto from "node:crypto";

import * as OTPAuth from "otpauth";

/**
 * Second factors without the database (issue 19 item 3): TOTP as authenticator apps know it (RFC 6238: SHA-1,
 * 6 digits, 30-second steps, one step either side accepted for clock drift) and one-time recovery codes.
 */
export const TOTP_PERIOD = 30;
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

export function createTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totpFor(secret: string, label = "", issuer = "Plenary") {
  return new OTPAuth.TOTP({ issuer, label, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD, secret: OTPAuth.Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: string, { account, issuer }: { account: string; issuer: string }) {
  return totpFor(secret, account, issuer).toString();
}

/** "123 456", "123456" → "123456"; anything else → null. */
export function normalizeTotpCode(code: string): string | null {
  const digits = code.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * The 30-second step a code belongs to (now, one before or one after), or null when it matches none. The caller
 * accepts a step only if it is later than the last one accepted, so a code works once.
 */
export function matchTotpStep(secret: string, code: string, now = Date.now()): number | null {
  const token = normalizeTotpCode(code);
  if (!token) return null;
  const delta = totpFor(secret).validate({ token, timestamp: now, window: TOTP_WINDOW });
  return delta === null ? null : Math.floor(now / 1000 / TOTP_PERIOD) + delta;
}

// Crockford-like base32 without look-alikes (no 0/O, 1/I/L, U): 16 characters are 80 random bits
const RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Ten codes like "K7QM-3XRT-9PWD-HC2F", shown once; only their hashes are stored. */
export function createRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let text = "";
    while (text.length < 16) {
      const byte = crypto.randomBytes(1)[0];
      // rejection sampling keeps every character equally likely
      if (byte < RECOVERY_ALPHABET.length * Math.floor(256 / RECOVERY_ALPHABET.length)) text += RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length];
    }
    return text.match(/.{4}/g)!.join("-");
  });
}

/** What a person may type: any case, with or without dashes and spaces. */
export function normalizeRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, "").toUpperCase();
}

/** 80 random bits need no slow hash: SHA-256 of the normalised code. */
export function hashRecoveryCode(code: string): string {
  return crypto.createHash("sha256").update(normalizeRecoveryCode(code)).digest("base64url");
}

/** The QR code of an otpauth:// URI as a PNG data URL (the page's CSP allows data: images, nothing else outside). */
export async function totpQrDataUrl(uri: string): Promise<string> {
  const { default: QRCode } = await import("qrcode");
  return QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 4, width: 200 });
}
