import * as z from "zod";

import type { DB } from "~/db.server";
import type { Lng } from "~/i18n";
import { getFixedT } from "~/i18next.server";
import { countryName, localized } from "~/lib/directory";
import { latinName, nativeName, type PersonName } from "~/lib/names";
import { protocolCountryName, protocolOrder, protocolSections, type SectionKind } from "~/lib/protocol";
import type { EventRow } from "~/models/event.server";
import { listRosterDelegations, listRosterPeople, type RosterFilter, type RosterPerson } from "~/models/roster.server";
import { type DelegateRole, type Locale, PARTICIPANT_CATEGORIES, type ParticipantCategory } from "../../db/schema";

import "~/lib/validation";

/** One line of the List of Participants, in the roster language; also the frozen form of a version. */
export type RosterLine = {
  key: string;
  sectionKind: SectionKind;
  section: string;
  memberId: string;
  member: string;
  country: string;
  name: string;
  nameLang: Locale;
  latin: string;
  title: string;
  role: DelegateRole;
  roleLabel: string;
  category: ParticipantCategory;
  categoryLabel: string;
  /** agreed to appear on the published list (issue 18 §2); absent in versions frozen before it was asked */
  listConsent?: boolean;
};

export type RosterView = {
  lang: Lng;
  sections: { kind: SectionKind; heading: string; members: { memberId: string; heading: string; lines: RosterLine[] }[] }[];
  count: number;
};

export const CATEGORY_COLORS: Record<ParticipantCategory, string> = {
  delegate: "#1d4ed8",
  observer: "#047857",
  press: "#b45309",
  guest: "#7e22ce",
  staff: "#4b5563",
};

export const RosterFilterSchema = z.object({
  category: z.enum(PARTICIPANT_CATEGORIES).optional().catch(undefined),
  programmeItemId: z.string().uuid().optional().catch(undefined),
  attendance: z.enum(["confirmed", "all", "checked_in", "not_checked_in"]).optional().catch(undefined),
});

/** Roster filters from a URL's query (unknown values are ignored, not errors: these are links people bookmark). */
export function rosterFilterFrom(url: URL): RosterFilter {
  const parsed = RosterFilterSchema.parse({
    category: url.searchParams.get("category") || undefined,
    programmeItemId: url.searchParams.get("programme") || undefined,
    attendance: url.searchParams.get("attendance") || undefined,
  });
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as RosterFilter;
}

export function personName(p: RosterPerson): PersonName {
  return {
    nameLocale: p.nameLocale,
    familyName: p.familyName,
    givenName: p.givenName,
    patronymic: p.patronymic,
    clanName: p.clanName,
    latinFamilyName: p.latinFamilyName,
    latinGivenName: p.latinGivenName,
    gender: p.gender,
    honorific: p.honorific,
  };
}

/** Native-script name and Latin name (family name upper-cased); a western name is shown once, in Latin. */
export function nameForms(p: RosterPerson) {
  const person = personName(p);
  const latin = latinName(person);
  const native = nativeName(person);
  if (p.nameLocale === "en" || !native) return { name: latin || native, latin: "" };
  return { name: native, latin: latin.toLowerCase() === native.toLowerCase() ? "" : latin };
}

export async function rosterLabels(lang: Lng) {
  const t = await getFixedT(lang, ["rosters", "reply", "events", "common", "delegation", "guests"]);
  return {
    t,
    role: (role: DelegateRole) => t(`reply:roles.${role}`),
    category: (category: ParticipantCategory) => t(`events:categories.${category}`),
    section: (kind: SectionKind, country: string) => {
      // English lists say "Korea", as NEAR's own documents do; other languages use their usual short names
      const name = lang === "en" ? protocolCountryName(country) : countryName(country, lang);
      if (kind === "guests") return t("guests:section");
      return kind === "country" ? name : t(`rosters:sections.${kind}`, { country: name });
    },
  };
}

/** The live List of Participants in protocol order, in `lang`. */
export async function buildRoster(db: DB, event: EventRow, { lang, filter }: { lang: Lng; filter: RosterFilter }): Promise<RosterView> {
  return viewOf(event, lang, await listRosterPeople(db, { eventId: event.id, filter }));
}

/**
 * One page of the live list (rows `offset` to `offset + limit` in protocol order), with `count` the whole list's
 * size. Protocol order sorts delegations and keeps each one's people together, so the page is found among the
 * delegations (one row each, with its size: 2,000 rows for a 10,000-person list) and the full rows are read for
 * the delegations it overlaps only. Protocol order is a total order, so the page's rows keep their places, and
 * sections and delegation headings come out as in the whole list (roster.server.test.ts cuts a list into pages of
 * every size and compares them with the whole).
 */
export async function buildRosterPage(
  db: DB,
  event: EventRow,
  { lang, filter, offset, limit }: { lang: Lng; filter: RosterFilter; offset: number; limit: number },
): Promise<RosterView> {
  const protocol = event.protocol ?? {};
  const delegations = await listRosterDelegations(db, { eventId: event.id, filter });
  // the delegations in order (one row each: their people's order within them does not matter here), then those
  // the page's rows fall in, and how many people of the first of them the previous pages showed
  const ordered = protocolOrder(
    delegations.map((d) => ({ ...d, role: "head" as const, position: 0 })),
    protocol,
    event.hostMemberId,
  );
  const wanted: string[] = [];
  let start = 0;
  let skip = 0;
  for (const delegation of ordered) {
    if (start >= offset + limit) break;
    if (start + delegation.people > offset) {
      if (!wanted.length) skip = Math.max(0, offset - start);
      wanted.push(delegation.memberId);
    }
    start += delegation.people;
  }
  const count = delegations.reduce((sum, d) => sum + d.people, 0);
  const people = await listRosterPeople(db, { eventId: event.id, filter, memberIds: wanted });
  const page = protocolOrder(people, protocol, event.hostMemberId).slice(skip, skip + limit);
  return { ...(await viewOf(event, lang, page)), count };
}

async function viewOf(event: EventRow, lang: Lng, people: RosterPerson[]): Promise<RosterView> {
  const labels = await rosterLabels(lang);
  const sections = protocolSections(people, event.protocol ?? {}, event.hostMemberId).map((section) => {
    const heading = labels.section(section.kind, section.country);
    return {
      kind: section.kind,
      heading,
      members: section.members.map(({ memberId, rows }) => {
        const member = localized(rows[0].memberNames, lang);
        return {
          memberId,
          heading: member,
          lines: rows.map<RosterLine>((p) => ({
            key: p.delegateId,
            sectionKind: section.kind,
            section: heading,
            memberId,
            member,
            country: p.country,
            ...nameForms(p),
            nameLang: p.nameLocale,
            title: p.title ?? "",
            role: p.role,
            roleLabel: labels.role(p.role),
            category: p.category,
            categoryLabel: labels.category(p.category),
            listConsent: p.listConsent,
          })),
        };
      }),
    };
  });
  return { lang, sections, count: people.length };
}

/** Regroups frozen lines (stored flat, in order) into sections and members. */
export function regroup(lang: Lng, lines: RosterLine[]): RosterView {
  const sections: RosterView["sections"] = [];
  for (const line of lines) {
    let section = sections.at(-1);
    if (!section || section.heading !== line.section || section.kind !== line.sectionKind) {
      section = { kind: line.sectionKind, heading: line.section, members: [] };
      sections.push(section);
    }
    let member = section.members.at(-1);
    if (!member || member.memberId !== line.memberId) {
      member = { memberId: line.memberId, heading: line.member, lines: [] };
      section.members.push(member);
    }
    member.lines.push(line);
  }
  return { lang, sections, count: lines.length };
}

export function flatten(view: RosterView): RosterLine[] {
  return view.sections.flatMap((s) => s.members.flatMap((m) => m.lines));
}

const COMPARED = ["name", "latin", "title", "memberId", "role", "category"] as const;
export type RosterDiff = {
  added: RosterLine[];
  removed: RosterLine[];
  changed: { before: RosterLine; after: RosterLine; fields: (typeof COMPARED)[number][] }[];
};

/** What changed from one version to another, person by person (delegates keep their id across edits). */
export function diffRosters(before: RosterLine[], after: RosterLine[]): RosterDiff {
  const old = new Map(before.map((line) => [line.key, line]));
  const now = new Map(after.map((line) => [line.key, line]));
  const changed: RosterDiff["changed"] = [];
  for (const line of after) {
    const was = old.get(line.key);
    if (!was) continue;
    const fields = COMPARED.filter((field) => was[field] !== line[field]);
    if (fields.length) changed.push({ before: was, after: line, fields });
  }
  return {
    added: after.filter((line) => !old.has(line.key)),
    removed: before.filter((line) => !now.has(line.key)),
    changed,
  };
}
