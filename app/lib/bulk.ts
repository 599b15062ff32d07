import * as z from "zod";

// validation.ts configures zod jitless before this module builds its schema (the CSP forbids eval); package.json's
// sideEffects lists it, so even a bare import of it stays in the browser bundle (tests/unit/validation-side-effects.test.ts)
import { optionalLine } from "~/lib/validation";

/** What staff may do to several invitations at once (issue 17). */
export const BULK_ACTIONS = ["remind", "reissue", "declining", "attending"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
/** The most invitations one bulk action touches: one transaction, a few seconds at most. */
export const BULK_MAX = 500;

const asList = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);

/**
 * The bulk form, both steps: "review" (the list's checkboxes, plus the page's rows when "select all on this page"
 * is ticked without JavaScript) and "confirm" (the ids the confirmation page repeats, the reason, the options).
 */
export const BulkSchema = z.object({
  action: z.enum(BULK_ACTIONS),
  step: z.enum(["review", "confirm"]),
  invitationId: z.preprocess(asList, z.array(z.string().uuid())),
  pageId: z.preprocess(asList, z.array(z.string().uuid()).max(BULK_MAX)),
  selectPage: z.literal("on").optional(),
  batch: z.string().uuid().optional(),
  reason: optionalLine(200),
  sendLinks: z.literal("on").optional(),
  returnTo: z.string().max(2000).optional(),
});
export type BulkForm = z.infer<typeof BulkSchema>;

/** The invitations a bulk form selected, each once: the ticked rows, and the whole page when its box is ticked. */
export function selectedIds(form: Pick<BulkForm, "invitationId" | "pageId" | "selectPage">): string[] {
  return [...new Set([...form.invitationId, ...(form.selectPage ? form.pageId : [])])];
}

/** Where to go back to after a bulk action: a page of this event only (never another site). */
export function bulkReturnTo(eventId: string, returnTo: string | undefined): string {
  const base = `/events/${eventId}`;
  if (!returnTo || !returnTo.startsWith(base) || /[\\\s]/.test(returnTo) || returnTo.startsWith("//")) return base;
  const next = returnTo.slice(base.length);
  return next === "" || /^[/?#]/.test(next) ? returnTo : base;
}
