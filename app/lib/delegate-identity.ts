/**
 * Issue 18 §4: whether an edited delegate is still the same person. A corrected spelling keeps the record (badge
 * code, check-in, travel); a different person in the same place is a substitution and gets a record of their own.
 */
export type IdentityName = {
  nameLocale?: string;
  familyName?: string | null;
  givenName: string;
  patronymic?: string | null;
  clanName?: string | null;
  latinFamilyName?: string | null;
  latinGivenName?: string | null;
};

function normalized(parts: (string | null | undefined)[]) {
  return parts
    .map((part) => part ?? "")
    .join("")
    .normalize("NFKC")
    .toLocaleLowerCase("en")
    .replace(/[\s\p{P}]+/gu, "");
}

/** Edit distance in code points (names are short: at most a few hundred characters). */
function distance(a: string, b: string) {
  const x = [...a];
  const y = [...b];
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length];
}

const fullName = (n: IdentityName) => normalized([n.familyName, n.patronymic, n.givenName, n.clanName]);
const latinName = (n: IdentityName) => normalized([n.latinFamilyName, n.latinGivenName]);

function close(a: string, b: string) {
  if (a === b) return true;
  const [m, n] = [[...a].length, [...b].length];
  const allowed = Math.max(1, Math.floor(Math.max(m, n) / 4));
  // the distance is at least the difference in length: no quadratic work on names that cannot be close
  return Math.abs(m - n) <= allowed && distance(a, b) <= allowed;
}

/**
 * Same person when the name in its own script is unchanged or differs by a typo: one character, or a quarter of
 * the name's length for longer names ("Кожемяко Олег Николаевич" → "…Николаевичь" is a fix; "김재효" → "김옥채" and
 * "Li Lecheng" → "Wang Xinwei" are other people). Latin spellings are compared only when the name's language itself
 * changed (the same person written in another script): a replacement whose Latin name was left as it was is still
 * another person.
 */
export function isSamePerson(before: IdentityName, after: IdentityName) {
  if (close(fullName(before), fullName(after))) return true;
  const latin = latinName(before);
  return Boolean(before.nameLocale && after.nameLocale && before.nameLocale !== after.nameLocale && latin && close(latin, latinName(after)));
}

/** Travel, stay, needs and passport details a replacement must not take over from the person replaced. */
export const OWN_DATA_FIELDS = [
  "arrivalAt",
  "arrivalTransport",
  "arrivalPlace",
  "departureAt",
  "departureTransport",
  "departurePlace",
  "hotel",
  "dietaryNote",
  "accessibility",
  "passportName",
  "nationality",
  "passportExpiry",
] as const;
