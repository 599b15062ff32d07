import type { TFunction } from "i18next";

/**
 * The one shape in which an action refuses something that is not one field's error (those travel in conform's
 * reply): a translation key with its values, sent with the status that says why (400 bad input, 404 gone,
 * 409 a conflict with the current state). A value given as `{ key }` is itself translated in the reader's
 * language (a status name, a category).
 */
export type ActionErrorValue = string | number | { key: string };
export type ActionError = { key: string; values?: Record<string, ActionErrorValue> };

/** The JSON response of a refused action: `{ error: { key, values? } }` plus any data the page needs with it. */
export function actionError<Extra extends object>(key: string, status: number, values?: Record<string, ActionErrorValue>, extra?: Extra): Response {
  return Response.json({ ...extra, error: values ? { key, values } : { key } }, { status });
}

/** The refusal carried by an action's data, if any (what `useActionData` or a fetcher returned). */
export function actionErrorOf(data: unknown): ActionError | undefined {
  if (!data || typeof data !== "object" || !("error" in data)) return undefined;
  const error = (data as { error: unknown }).error;
  return error && typeof error === "object" && typeof (error as { key?: unknown }).key === "string" ? (error as ActionError) : undefined;
}

/** The refusal in words, in the reader's language. */
export function describeActionError(t: TFunction, error: ActionError): string {
  const values = Object.fromEntries(Object.entries(error.values ?? {}).map(([name, value]) => [name, typeof value === "object" ? t(value.key) : value]));
  return t(error.key, values) as string;
}
