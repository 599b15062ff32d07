/** The placeholders a letter may use; anything else in {{…}} is refused when the letter is saved. */
export const PLACEHOLDERS = [
  "salutation",
  "member",
  "event.title",
  "event.dates",
  "event.venue",
  "rsvp.link",
  "rsvp.deadline",
  "signature",
  "organisation",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function unknownPlaceholders(text: string): string[] {
  const found = [...text.matchAll(PATTERN)].map((m) => m[1]);
  return [...new Set(found.filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name)))];
}

/** Replaces every known placeholder; values are inserted as text (the HTML renderer escapes them). */
export function fillPlaceholders(text: string, values: Partial<PlaceholderValues>): string {
  return text.replace(PATTERN, (whole, name: string) => (name in values ? (values as Record<string, string>)[name] : whole));
}
