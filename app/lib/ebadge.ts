import { isSupportedLng, type Lng } from "~/i18n";
import { latinName, nativeName, type PersonName } from "~/lib/names";

/** The language a delegate's own confirmation and e-badge speak: their interpretation language, else the letter's. */
export function badgeLocale(interpretation: string | null | undefined, letterLocale: Lng): Lng {
  return isSupportedLng(interpretation) ? interpretation : letterLocale;
}

/**
 * A badge's two name lines, as the printed badge shows them: the name in its own script and its culture's order
 * ("김민수", "Кожемяко Олег Николаевич"), and the Latin form when it differs ("KIM Minsoo").
 */
export function badgeNames(person: PersonName): { native: string; latin: string | null } {
  const native = nativeName(person);
  const latin = latinName(person);
  return { native, latin: latin && latin !== native ? latin : null };
}
