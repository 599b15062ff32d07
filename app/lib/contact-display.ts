import type { Lng } from "~/i18n";
import { localized } from "~/lib/directory";
import { formatName, type PersonName } from "~/lib/names";
import type { ContactRow } from "~/models/contact.server";

/** A directory contact as names.ts sees it, with the position in `locale` as the title. */
export function toPersonName(contact: Omit<ContactRow, "id" | "memberId" | "version" | "isDemo">, locale: Lng): PersonName {
  return {
    nameLocale: contact.nameLocale,
    familyName: contact.familyName,
    givenName: contact.givenName,
    patronymic: contact.patronymic,
    clanName: contact.clanName,
    latinFamilyName: contact.latinFamilyName,
    latinGivenName: contact.latinGivenName,
    gender: contact.gender,
    honorific: contact.honorific,
    title: localized(contact.position, locale) || null,
  };
}

/**
 * A contact's name as form fields (strings, "" for what is not set): the contact editor starts from it, and so
 * does a delegate prefilled from the directory on the reply page.
 */
type NameSource = Pick<ContactRow, "nameLocale" | "givenName"> & {
  [K in "familyName" | "patronymic" | "clanName" | "latinFamilyName" | "latinGivenName" | "gender" | "honorific"]?: string | null;
};

export function contactNameFields(contact: NameSource) {
  return {
    nameLocale: contact.nameLocale,
    familyName: contact.familyName ?? "",
    givenName: contact.givenName,
    patronymic: contact.patronymic ?? "",
    clanName: contact.clanName ?? "",
    latinFamilyName: contact.latinFamilyName ?? "",
    latinGivenName: contact.latinGivenName ?? "",
    gender: contact.gender ?? "",
    honorific: contact.honorific ?? "",
  };
}

export function contactLabels(contact: Omit<ContactRow, "id" | "memberId" | "version" | "isDemo">, locale: Lng) {
  const person = toPersonName(contact, locale);
  return {
    roster: formatName(person, locale, "roster"),
    formal: formatName(person, locale, "formal"),
    salutation: formatName(person, locale, "salutation"),
  };
}
