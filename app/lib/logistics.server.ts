import { languageNames, type Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { countryName, localized } from "~/lib/directory";
import type { LogisticsList } from "~/lib/logistics";
import { latinName } from "~/lib/names";
import { protocolCountryName } from "~/lib/protocol";
import type { RosterPerson } from "~/models/roster.server";
import { nameForms, personName } from "~/services/roster-view.server";
import { DIETARY_TAGS, type DietaryTag } from "../../db/schema";

export type LogisticsTable = {
  headers: string[];
  rows: string[][];
  groups?: { heading: string; from: number; to: number }[];
  warnings?: number;
  summary?: { label: string; count: number }[];
};

const byDateTime = (a: string | null, b: string | null) => (a ?? "9999").localeCompare(b ?? "9999");

/** Latin letters only (hotel systems reject other scripts); empty when the delegation gave no Latin name. */
function latinOnly(p: RosterPerson) {
  const latin = latinName(personName(p));
  return /^[\p{Script=Latin}\p{P}\p{Zs}\d]*$/u.test(latin) ? latin : "";
}

/** A logistics list for the host: arrivals and departures by date and flight, rooming list, dietary and interpretation needs. */
export async function logisticsTable(list: LogisticsList, people: RosterPerson[], lang: Lng): Promise<LogisticsTable> {
  const t = await getFixedT(lang, ["rosters", "reply"]);
  const who = (p: RosterPerson) => {
    const n = nameForms(p);
    return n.latin ? `${n.name} (${n.latin})` : n.name;
  };
  const member = (p: RosterPerson) => localized(p.memberNames, lang);
  switch (list) {
    case "arrivals":
    case "departures": {
      const arriving = list === "arrivals";
      const sorted = people
        .filter((p) => (arriving ? p.arrivalAt : p.departureAt))
        .sort((a, b) =>
          arriving
            ? byDateTime(a.arrivalAt, b.arrivalAt) || (a.arrivalTransport ?? "").localeCompare(b.arrivalTransport ?? "")
            : byDateTime(a.departureAt, b.departureAt) || (a.departureTransport ?? "").localeCompare(b.departureTransport ?? ""),
        );
      const rows = sorted.map((p) => {
        const at = (arriving ? p.arrivalAt : p.departureAt) ?? "";
        return [
          at.slice(0, 10),
          at.slice(11, 16),
          (arriving ? p.arrivalTransport : p.departureTransport) ?? "",
          (arriving ? p.arrivalPlace : p.departurePlace) ?? "",
          who(p),
          member(p),
          p.phone ?? "",
          p.hotel ?? "",
        ];
      });
      const groups: LogisticsTable["groups"] = [];
      rows.forEach((row, index) => {
        const last = groups.at(-1);
        if (last && last.heading === row[0]) last.to = index;
        else groups.push({ heading: row[0], from: index, to: index });
      });
      return {
        headers: ["date", "time", arriving ? "flightIn" : "flightOut", arriving ? "arrivalPlace" : "departurePlace", "name", "member", "phone", "hotel"].map(
          (k) => t(`rosters:logistics.columns.${k}`),
        ),
        rows,
        groups,
        warnings: people.length - sorted.length,
      };
    }
    case "rooming": {
      const rows = [...people]
        .sort((a, b) => (a.hotel ?? "").localeCompare(b.hotel ?? "") || latinOnly(a).localeCompare(latinOnly(b)))
        .map((p) => [
          p.latinFamilyName?.toUpperCase() ?? "",
          p.latinGivenName ?? "",
          latinOnly(p) || "",
          p.memberNames.en ?? "",
          protocolCountryName(p.country),
          p.arrivalAt?.slice(0, 10) ?? "",
          p.departureAt?.slice(0, 10) ?? "",
          p.hotel ?? "",
          p.accessibility ?? "",
        ]);
      return {
        headers: ["familyName", "givenName", "fullName", "member", "country", "checkIn", "checkOut", "hotel", "accessibility"].map((k) =>
          t(`rosters:logistics.columns.${k}`),
        ),
        rows,
        warnings: rows.filter((row) => !row[2]).length,
      };
    }
    case "dietary": {
      const counts = new Map<DietaryTag, number>();
      for (const p of people) for (const tag of p.dietary) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      const withNeeds = people.filter((p) => p.dietary.length || p.dietaryNote);
      return {
        headers: ["name", "member", "dietary", "note"].map((k) => t(`rosters:logistics.columns.${k}`)),
        rows: withNeeds.map((p) => [who(p), member(p), p.dietary.map((tag) => t(`rosters:dietary.${tag}`)).join(", "), p.dietaryNote ?? ""]),
        summary: DIETARY_TAGS.filter((tag) => counts.get(tag)).map((tag) => ({ label: t(`rosters:dietary.${tag}`), count: counts.get(tag)! })),
      };
    }
    case "interpretation": {
      const counts = new Map<string, number>();
      for (const p of people) if (p.interpretation) counts.set(p.interpretation, (counts.get(p.interpretation) ?? 0) + 1);
      const needing = people.filter((p) => p.interpretation).sort((a, b) => a.interpretation!.localeCompare(b.interpretation!));
      return {
        headers: ["language", "name", "member", "country"].map((k) => t(`rosters:logistics.columns.${k}`)),
        rows: needing.map((p) => [languageNames[p.interpretation!], who(p), member(p), countryName(p.country, lang)]),
        summary: [...counts.entries()].map(([lng, count]) => ({ label: languageNames[lng as Lng], count })),
      };
    }
  }
}
