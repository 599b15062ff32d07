/**
 * Bounds a posted form before anything parses it. Conform turns `delegates[99999999].role` into an array of a
 * hundred million holes that validation and rendering then walk (one 30-byte POST held the CPU for minutes):
 * every indexed field name, and every list intent conform would apply, is checked against a small ceiling first.
 *
 * Field names follow conform's grammar: `name`, `name.key`, `name[0]`, `name[0].key`, `name[0].key[1]` …
 */

export type FormShape = {
  /** top-level lists and how many items each may have: `{ delegates: 5 }` allows indices 0–4; unset: any list, maxItems each */
  lists?: Record<string, number>;
  /** with `lists` unset: how many items any top-level list may have */
  maxItems?: number;
  /** how many items a list inside an item may have (`delegates[0].programme[3]`) */
  maxNested?: number;
  /** how many fields (name/value pairs) the whole form may have */
  maxFields?: number;
};

export type ShapeProblem = "tooManyFields" | "badField" | "tooManyItems";

const DEFAULT_MAX_FIELDS = 2_000;
const DEFAULT_MAX_NESTED = 50;
const DEFAULT_MAX_ITEMS = 200;
const MAX_DEPTH = 6;
const FIRST = /^[A-Za-z_$][\w$-]*/;
const NEXT = /^(?:\.([\w$-]+)|\[(\d*)\])/;
/** 0, 1, 2 … without leading zeros, signs or exponents, and short enough to be a real index */
const CANONICAL_INDEX = /^(?:0|[1-9]\d{0,5})$/;
const INTENT = "__intent__";
const STATE = "__state__";

/** Splits `a[0].b[1]` into its segments; null when the name is not of conform's grammar or too deep. */
function segments(name: string): (string | number)[] | null {
  const first = FIRST.exec(name);
  if (!first) return null;
  const parts: (string | number)[] = [first[0]];
  let rest = name.slice(first[0].length);
  while (rest.length) {
    const match = NEXT.exec(rest);
    if (!match) return null;
    if (match[1] !== undefined) parts.push(match[1]);
    else if (CANONICAL_INDEX.test(match[2])) parts.push(Number(match[2]));
    else return null;
    rest = rest.slice(match[0].length);
    if (parts.length > MAX_DEPTH) return null;
  }
  return parts;
}

function checkName(name: string, shape: FormShape): ShapeProblem | null {
  const parts = segments(name);
  if (!parts) return "badField";
  const lists = shape.lists ?? {};
  const maxNested = shape.maxNested ?? DEFAULT_MAX_NESTED;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part !== "number") continue;
    if (i === 1) {
      const list = parts[0] as string;
      if (!shape.lists) {
        if (part >= (shape.maxItems ?? DEFAULT_MAX_ITEMS)) return "tooManyItems";
      } else if (!Object.hasOwn(lists, list)) return "badField";
      else if (part >= lists[list]) return "tooManyItems";
    } else if (part >= maxNested) return "tooManyItems";
  }
  return null;
}

/** The names and positions a conform intent (add / remove / move a list item, update a field) would touch. */
function checkIntent(raw: string, shape: FormShape): ShapeProblem | null {
  let intent: unknown;
  try {
    intent = JSON.parse(raw);
  } catch {
    return null; // not a list intent: conform treats it as the plain value of a submit button
  }
  if (typeof intent !== "object" || intent === null) return null;
  const payload = (intent as { payload?: unknown }).payload;
  if (typeof payload !== "object" || payload === null) return null;
  const { name, index, from, to } = payload as Record<string, unknown>;
  if (name !== undefined && name !== "") {
    if (typeof name !== "string") return "badField";
    const problem = checkName(name, shape);
    if (problem) return problem;
  }
  const top = typeof name === "string" ? (segments(name) ?? []) : [];
  const ceiling =
    top.length === 1
      ? shape.lists
        ? (shape.lists[top[0] as string] ?? 0)
        : (shape.maxItems ?? DEFAULT_MAX_ITEMS)
      : (shape.maxNested ?? DEFAULT_MAX_NESTED);
  for (const position of [index, from, to]) {
    if (position === undefined) continue;
    if (typeof position !== "number" || !Number.isInteger(position) || position < 0 || position > ceiling) return "tooManyItems";
  }
  return null;
}

/** Checks every field name of a form (and conform's list intent) against the shape; null when the form may be parsed. */
export function checkFormShape(form: Iterable<[string, unknown]>, shape: FormShape): ShapeProblem | null {
  const maxFields = shape.maxFields ?? DEFAULT_MAX_FIELDS;
  let count = 0;
  for (const [name, value] of form) {
    if (++count > maxFields) return "tooManyFields";
    if (name === STATE) continue;
    if (name === INTENT) {
      const problem = typeof value === "string" ? checkIntent(value, shape) : "badField";
      if (problem) return problem;
      continue;
    }
    const problem = checkName(name, shape);
    if (problem) return problem;
  }
  return null;
}
