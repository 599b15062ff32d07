/**
 * A pending reply's form starts with person 1 filled from the directory's head of the member (the governor).
 * "Sending a representative" means person 1 is someone else: what still comes from the governor is cleared, and
 * an untouched, empty person 1 is filled again when the answer goes back to "attending".
 */
type PersonValue = Record<string, string | string[] | undefined>;

/** What identifies and addresses one person (role, name language, travel and needs are kept). */
export const PERSON_FIELDS = [
  "honorific",
  "gender",
  "familyName",
  "givenName",
  "patronymic",
  "clanName",
  "latinFamilyName",
  "latinGivenName",
  "title",
  "email",
  "phone",
] as const;

/** `current` with every person field that still holds the prefilled head's value emptied. */
export function withoutPrefill(current: PersonValue, prefill: PersonValue): PersonValue {
  const next = { ...current };
  for (const field of PERSON_FIELDS) {
    if (prefill[field] && current[field] === prefill[field]) next[field] = "";
  }
  return next;
}

/** No person field filled in. */
export function isBlankPerson(current: PersonValue): boolean {
  return PERSON_FIELDS.every((field) => !current[field]);
}
