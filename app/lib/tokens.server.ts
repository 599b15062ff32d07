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
 * Links issued before 2026-12-05: HMAC-SHA256 of (invitation, version) under a key derived from SESSION_SECRET.
 * Only used to recognise such a link once and seal it (models/invitation.server.ts); new links are random.
 */
export function invitationLinkToken(secret: string, invitationId: string, version: number): string {
  const key = crypto.createHmac("sha256", secret).update("plenary/invitation-links/v1").digest();
  return crypto.createHmac("sha256", key).update(`${invitationId}:${version}`).digest("base64url");
}

/** A stable, unique Message-ID for an idempotency key: a re-sent copy after a crash carries the same one. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${crypto.createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}@${domain}>`;
}

/** What a stored message holds instead of a link's token; the worker puts the real one in at send time. */
export const LINK_PLACEHOLDER = "__plenary_link__";
/** How the Mail log shows a link. */
export const MASKED_LINK = "••••••••";
