import crypto from "node:crypto";

/**
 * VERP return paths (issue 16 §5): each message leaves with its own envelope sender,
 * `bounces+<message row id><check>@domain`, so a bounce that comes back later names the message it is about
 * even when the relay rewrote everything else. The check (8 hex digits of an HMAC) stops a forged bounce from
 * marking an arbitrary message as bounced.
 */
export function verpAddress(returnPath: string, messageRowId: string, secret: string): string {
  const [local, domain] = splitAddress(returnPath);
  const id = messageRowId.replace(/-/g, "").toLowerCase();
  return `${local}+${id}${check(secret, id)}@${domain}`;
}

/** The message row id a VERP address names, or null when it is not one of ours (or its check is wrong). */
export function parseVerp(address: string, returnPath: string, secret: string): string | null {
  const [local, domain] = splitAddress(returnPath);
  const match = address
    .trim()
    .toLowerCase()
    .match(/^<?([^@<>\s]+)@([^@<>\s]+?)>?$/);
  if (!match || match[2] !== domain.toLowerCase()) return null;
  const prefix = `${local.toLowerCase()}+`;
  if (!match[1].startsWith(prefix)) return null;
  const tag = match[1].slice(prefix.length);
  if (!/^[0-9a-f]{40}$/.test(tag)) return null;
  const id = tag.slice(0, 32);
  const expected = Buffer.from(check(secret, id));
  const given = Buffer.from(tag.slice(32));
  if (!crypto.timingSafeEqual(expected, given)) return null;
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}

function check(secret: string, id: string) {
  return crypto.createHmac("sha256", secret).update(`plenary/verp/v1:${id}`).digest("hex").slice(0, 8);
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf("@");
  return [address.slice(0, at), address.slice(at + 1)];
}
