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

/**
 * The emailed link token of an invitation: HMAC-SHA256 of (invitation, version) under a key derived from
 * SESSION_SECRET. 256 bits that nobody without the key can guess or derive; only its SHA-256 is stored, yet
 * a reminder can carry the same link. Re-issuing bumps the version, so the old link stops working at once.
 */
export function invitationLinkToken(secret: string, invitationId: string, version: number): string {
  const key = crypto.createHmac("sha256", secret).update("plenary/invitation-links/v1").digest();
  return crypto.createHmac("sha256", key).update(`${invitationId}:${version}`).digest("base64url");
}

/** A stable, unique Message-ID for an idempotency key: a re-sent copy after a crash carries the same one. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${crypto.createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}@${domain}>`;
}
