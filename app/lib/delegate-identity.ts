/**
 * Issue 18 §4: whether an edited delegate is still the same person. A corrected spelling keeps the record (badge
 * code, check-in, travel); a different person in the same place is a substitution and gets a record of their own.
 */
export type IdentityName = {
  familyName?: string | null;
  givenName: string;
  patronymic?: string | null;
  clanName?: string | null;
};

function fullName(n: IdentityName) {
  return [n.familyName, n.patronymic, n.givenName, n.clanName]
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

/**
 * Same person when the name in its own script is unchanged or differs by a typo: one character, or a quarter of
 * the name's length for longer names ("Кожемяко Олег Николаевич" → "…Николаевичь" is a fix; "김재효" → "김옥채" and
 * "Li Lecheng" → "Wang Xinwei" are other people). Latin spellings are not compared: they are corrected more often.
 */
export function isSamePerson(before: IdentityName, after: IdentityName) {
  const a = fullName(before);
  const b = fullName(after);
  if (a === b) return true;
  const allowed = Math.max(1, Math.floor(Math.max([...a].length, [...b].length) / 4));
  return distance(a, b) <= allowed;
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
