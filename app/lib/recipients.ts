import type { Lng } from "~/i18n";
import type { Address, LocalizedText } from "../../db/schema";

type ContactLike = {
  isHead: boolean;
  isFocalPoint: boolean;
  emails: string[];
  preferredLocale: Lng | null;
  displayName: string;
};
type MemberLike = { names: LocalizedText; defaultLocale: Lng; officeEmail: string | null };

export type Recipients = { to: Address[]; cc: Address[]; locale: Lng; noEmail: boolean; addressedTo: "head" | "office" | "focal" | "none" };

/**
 * An invitation goes to the member's head-of-government office: to the head's first email, or the office
 * address, or (failing both) the focal point; the focal points are copied. Its language: the head's preferred
 * language, else the member's default, else English.
 */
export function recipientsFor(member: MemberLike, contacts: ContactLike[]): Recipients {
  const head = contacts.find((c) => c.isHead && c.emails.length);
  const focal = contacts.filter((c) => c.isFocalPoint && c.emails.length);
  const memberName = member.names.en ?? "";
  let to: Address[] = [];
  let addressedTo: Recipients["addressedTo"] = "none";
  if (head) {
    to = [{ name: head.displayName, address: head.emails[0] }];
    addressedTo = "head";
  } else if (member.officeEmail) {
    to = [{ name: memberName, address: member.officeEmail }];
    addressedTo = "office";
  } else if (focal[0]) {
    to = [{ name: focal[0].displayName, address: focal[0].emails[0] }];
    addressedTo = "focal";
  }
  const taken = new Set(to.map((a) => a.address.toLowerCase()));
  const cc = focal
    .map((c) => ({ name: c.displayName, address: c.emails[0] }))
    .filter((a) => !taken.has(a.address.toLowerCase()) && taken.add(a.address.toLowerCase()));
  const locale = contacts.find((c) => c.isHead)?.preferredLocale ?? member.defaultLocale ?? "en";
  return { to, cc, locale, noEmail: to.length === 0, addressedTo };
}
