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
/** conform's intents; its parser throws on anything else that is not JSON of this shape */
const INTENT_TYPES = new Set(["validate", "update", "reset", "insert", "remove", "reorder"]);
/** names conform refuses (it throws on them in intents) */
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/** Splits `a[0].b[1]` into its segments; null when the name is not of conform's grammar or too deep. */
function segments(name: string): (string | number)[] | null {
  const first = FIRST.exec(name);
  if (!first) return null;
  if (FORBIDDEN_SEGMENTS.has(first[0])) return null;
  const parts: (string | number)[] = [first[0]];
  let rest = name.slice(first[0].length);
  while (rest.length) {
    const match = NEXT.exec(rest);
    if (!match) return null;
    if (match[1] !== undefined) {
      if (FORBIDDEN_SEGMENTS.has(match[1])) return null;
      parts.push(match[1]);
    } else if (CANONICAL_INDEX.test(match[2])) parts.push(Number(match[2]));
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

type Budget = { fields: number };
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A value an intent puts into the form (an update's value, an inserted item), checked as if each of its parts had
 * been posted as a field at `path`: list lengths, nesting, names, and the form's count of fields.
 */
function checkValue(value: unknown, path: string, shape: FormShape, budget: Budget): ShapeProblem | null {
  if (--budget.fields < 0) return "tooManyFields";
  if (path) {
    const problem = checkName(path, shape);
    if (problem) return problem;
  }
  if (Array.isArray(value)) {
    // the last position first: an array of 40,000 empty objects holds no field to trip over
    const last = value.length ? checkName(`${path}[${value.length - 1}]`, shape) : null;
    if (last) return last;
    for (let i = 0; i < value.length; i++) {
      const problem = checkValue(value[i], `${path}[${i}]`, shape, budget);
      if (problem) return problem;
    }
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const problem = checkValue(child, path ? `${path}.${key}` : key, shape, budget);
      if (problem) return problem;
    }
  }
  return null;
}

/** The names, positions and values a conform intent (add / remove / move a list item, update a field) would touch. */
function checkIntent(raw: string, shape: FormShape, budget: Budget): ShapeProblem | null {
  let intent: unknown;
  try {
    intent = JSON.parse(raw);
  } catch {
    return "badField";
  }
  if (!isObject(intent) || typeof intent.type !== "string" || !INTENT_TYPES.has(intent.type) || !isObject(intent.payload)) return "badField";
  const { name, index, from, to } = intent.payload;
  if (name !== undefined && typeof name !== "string") return "badField";
  if (name) {
    const problem = checkName(name, shape);
    if (problem) return problem;
  }
  const top = name ? (segments(name) ?? []) : [];
  const ceiling =
    top.length === 1 ? (shape.lists ? (shape.lists[top[0] as string] ?? 0) : (shape.maxItems ?? DEFAULT_MAX_ITEMS)) : (shape.maxNested ?? DEFAULT_MAX_NESTED);
  for (const position of [index, from, to]) {
    if (position === undefined) continue;
    if (typeof position !== "number" || !Number.isInteger(position) || position < 0 || position > ceiling) return "tooManyItems";
  }
  const at = (position: unknown) => `${name ?? ""}${typeof position === "number" ? `[${position}]` : ""}`;
  if (intent.type === "update" && "value" in intent.payload) return checkValue(intent.payload.value, at(index), shape, budget);
  if (intent.type === "insert" && "defaultValue" in intent.payload) return checkValue(intent.payload.defaultValue, at(index ?? 0), shape, budget);
  return null;
}

/** Checks every field name of a form (and conform's list intent) against the shape; null when the form may be parsed. */
export function checkFormShape(form: Iterable<[string, unknown]>, shape: FormShape): ShapeProblem | null {
  const budget: Budget = { fields: shape.maxFields ?? DEFAULT_MAX_FIELDS };
  for (const [name, value] of form) {
    if (--budget.fields < 0) return "tooManyFields";
    // conform echoes a posted state back in its reply (no form here sends one): a deeply nested one overflowed
    // the stack when the reply was serialised
    if (name === STATE) return "badField";
    if (name === INTENT) {
      const problem = typeof value === "string" ? checkIntent(value, shape, budget) : "badField";
      if (problem) return problem;
      continue;
    }
    const problem = checkName(name, shape);
    if (problem) return problem;
  }
  return null;
}
