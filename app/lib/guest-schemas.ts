import * as z from "zod";

import { CountrySchema, requiredTexts } from "~/lib/directory-schemas";
import { CheckboxSchema, EmailSchema, LngSchema, optionalText } from "~/lib/validation";
import { GUEST_CATEGORIES, GUEST_KINDS } from "../../db/schema";

/** A guest (issue 18 §3): an organisation, expert, partner city, press or observer invited besides the members. */
export const GuestSchema = z.object({
  kind: z.enum(GUEST_KINDS, { error: "guests:validation.kind" }),
  names: requiredTexts(150),
  // an organisation's seat, a person's country: the reply page and visa rules need one like a member's
  country: CountrySchema,
  email: EmailSchema,
  defaultLocale: LngSchema.default("en"),
  notes: optionalText(2000),
});
export type GuestInput = z.infer<typeof GuestSchema>;

/** At most this many guests are invited in one go (one transaction). */
export const GUESTS_PER_INVITATION = 200;

/** Inviting guests to an event: whom, the participant category their people get, one person or a delegation. */
export const GuestInviteSchema = z.object({
  guestIds: z
    .array(z.string().uuid(), { error: "guests:validation.pick" })
    .min(1, "guests:validation.pick")
    .max(GUESTS_PER_INVITATION, "guests:validation.pick"),
  category: z.enum(GUEST_CATEGORIES, { error: "guests:validation.category" }),
  singlePerson: CheckboxSchema,
  bilingual: CheckboxSchema,
});
