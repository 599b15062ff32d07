/**
 * Addresses of the NEAR demo directory (db/seed/near-members.json): `office.<key>`, `governor.<key>` and
 * `intl.<key>` at example.org, where the key is the member's English name without its kind ("Liaoning
 * Province" → liaoning). Two members may share a short name (Altai Republic, Altai Krai): every one after the
 * first keeps its full name (altai-krai), so that addresses already loaded stay as they are.
 */

function plain(text: string) {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

function shortSlug(text: string) {
  return plain(text)
    .replace(/\(.*?\)/g, "")
    .replace(/\b(province|prefecture|oblast|krai|republic|of|the|special|self-governing|metropolitan|city|autonomous|region|hui)\b/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function fullSlug(text: string) {
  return plain(text)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export type DemoAddresses = { office: string; governor: string; intl: string };

/** The demo addresses of each member, by English name, in the order given; throws if two would still collide. */
export function demoAddresses(namesEn: string[]): Map<string, DemoAddresses> {
  const seen = new Set<string>();
  const keys = new Map<string, string>();
  for (const name of namesEn) {
    const short = shortSlug(name);
    const key = seen.has(short) ? fullSlug(name) : short;
    seen.add(short);
    if (keys.has(name) || [...keys.values()].includes(key)) throw new Error(`Two demo members share the address key "${key}"`);
    keys.set(name, key);
  }
  return new Map(
    [...keys].map(([name, key]) => [name, { office: `office.${key}@example.org`, governor: `governor.${key}@example.org`, intl: `intl.${key}@example.org` }]),
  );
}
