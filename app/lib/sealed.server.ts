import crypto from "node:crypto";

/**
 * Field-level encryption for passport numbers and dates of birth (RELIABILITY D3): AES-256-GCM with a random
 * 96-bit IV per value. A stored value reads `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url); the key id is
 * the first 8 hex digits of SHA-256(key), so a value sealed with another key is recognised, never misread.
 * The key comes from DATA_ENCRYPTION_KEY or DATA_DIR/data-encryption-key, never from the database.
 */
export function keyId(key: Buffer) {
  return crypto.createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function seal(key: Buffer, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", keyId(key), iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

export class SealedValueError extends Error {}

export function unseal(key: Buffer, sealed: string): string {
  const [version, id, iv, body, tag] = sealed.split(".");
  if (version !== "v1" || !iv || !body || !tag) throw new SealedValueError("not a sealed value");
  if (id !== keyId(key)) throw new SealedValueError(`sealed with key ${id}, not with the configured key`);
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

/** "•••••543": what every screen shows of a passport number (D4). */
export function maskPassportNumber(value: string) {
  return `•••••${value.slice(-3)}`;
}

/** Files (passport scans): the same AES-256-GCM, as bytes `<iv 12><ciphertext><tag 16>`; the key id is kept beside them. */
export function sealBytes(key: Buffer, plaintext: Buffer): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function unsealBytes(key: Buffer, id: string, sealed: Buffer): Buffer {
  if (id !== keyId(key)) throw new SealedValueError(`sealed with key ${id}, not with the configured key`);
  if (sealed.length < 28) throw new SealedValueError("not a sealed file");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
}
