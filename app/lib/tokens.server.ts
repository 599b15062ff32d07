import crypto from "node:crypto";

/** 256 random bits, base64url (43 characters). Used for session ids, setup and link tokens. */
export function createToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/** Only this digest is stored, so a database dump holds no usable token. */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedToken(value: unknown): value is string {
  return typeof value === "string" && TOKEN_PATTERN.test(value);
}
