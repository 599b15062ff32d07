import { sql } from "kysely";

import { type DB, inTransaction } from "~/db.server";
import type { Lng } from "~/i18n";
import { zonedToUtc } from "~/lib/dates";
import { demoAddresses } from "~/lib/demo-addresses";
import type { ContactInput, MemberInput } from "~/lib/directory-schemas";
import { upsertContact } from "~/models/contact.server";
import { createEvent, createProgrammeItem } from "~/models/event.server";
import { compact, upsertMember } from "~/models/member.server";
import { fillIdentityIfEmpty, type SecretariatInput } from "~/models/secretariat.server";
import type { EventKind, EventStatus, LocalizedText, MemberKind, ProgrammeKind } from "../../db/schema";
import demoPeople from "../../db/seed/demo-people.json";
import demoEvents from "../../db/seed/events.json";
import nearMembers from "../../db/seed/near-members.json";
import subcommittees from "../../db/seed/subcommittees.json";

const COUNTRY_LANGUAGE: Record<string, Lng> = { CN: "zh", JP: "ja", KR: "ko", KP: "ko", MN: "mn", RU: "ru" };

/** near-members.json describes kinds in prose ("prefecture (県 ken)"); map them onto ours. */
export function kindFromDescription(description: string): MemberKind {
  const d = description.toLowerCase();
  if (d.startsWith("special self-governing province")) return "special_self_governing_province";
  if (d.startsWith("special self-governing city")) return "special_self_governing_city";
  if (d.startsWith("metropolitan city")) return "metropolitan_city";
  if (d.startsWith("special city")) return "special_city";
  if (d.startsWith("autonomous region")) return "autonomous_region";
  if (d.startsWith("capital")) return "capital_city";
  for (const kind of ["prefecture", "krai", "oblast", "republic", "aimag", "province"] as const) if (d.startsWith(kind)) return kind;
  return "other";
}

type Entry = (typeof nearMembers.members)[number];

const ADDRESSES = demoAddresses(nearMembers.members.map((entry) => entry.names.en));
const addressesOf = (nameEn: string) => ADDRESSES.get(nameEn)!;

export function memberFromSeed(entry: Entry): MemberInput {
  const language = COUNTRY_LANGUAGE[entry.country] ?? "en";
  const names = entry.names as LocalizedText & { en: string };
  return {
    country: entry.country,
    kind: kindFromDescription(entry.type),
    status: "member",
    names: { ...names },
    nameKana: entry.nameKana,
    headTitle: compact({
      en: entry.headTitle.en.replace(/\s*\(UNCERTAIN\)/, ""),
      [language]: entry.headTitle.native.replace(/\s*\(UNCERTAIN\)/, ""),
    }) as MemberInput["headTitle"],
    defaultLocale: language,
    timeZone: entry.timeZone[0],
    officeEmail: addressesOf(names.en).office,
    postalAddress: undefined,
    notes: entry.note ? `${entry.note}\n(Demo data.)` : "(Demo data.)",
  };
}

const pick = <T>(list: T[], n: number) => list[n % list.length];

/** A clearly fictional person in the naming culture of `language`; deterministic, so reloading changes nothing. */
export function demoPerson(language: Lng, n: number, female: boolean) {
  const wantGender = female ? "female" : "male";
  if (language === "zh" || language === "ja" || language === "ko") {
    const pool = demoPeople[language];
    const family = pick(pool.family, n * 7 + 3);
    const given = pick(
      pool.given.filter((g) => g.gender === wantGender),
      n * 5 + 1,
    );
    return {
      nameLocale: language,
      familyName: family.native,
      givenName: given.native,
      latinFamilyName: family.latin,
      latinGivenName: given.latin,
      gender: wantGender,
    } as const;
  }
  if (language === "ru") {
    const pool = demoPeople.ru;
    const family = pick(pool.family, n * 7 + 3);
    const given = pick(
      pool.given.filter((g) => g.gender === wantGender),
      n * 5 + 1,
    );
    const patronymic = pick(pool.patronymicFrom, n * 3 + 2);
    return {
      nameLocale: language,
      familyName: female ? family.female : family.male,
      givenName: given.native,
      patronymic: female ? patronymic.female : patronymic.male,
      latinFamilyName: female ? family.latinFemale : family.latinMale,
      latinGivenName: given.latin,
      gender: wantGender,
    } as const;
  }
  const pool = demoPeople.mn;
  const patronymic = pick(pool.patronymic, n * 7 + 3);
  const given = pick(
    pool.given.filter((g) => g.gender === wantGender),
    n * 5 + 1,
  );
  return {
    nameLocale: "mn" as const,
    patronymic: patronymic.native,
    givenName: given.native,
    clanName: n % 3 === 0 ? pick(pool.clan, n).native : undefined,
    latinFamilyName: patronymic.latin,
    latinGivenName: given.latin,
    gender: wantGender,
  } as const;
}

function contactInput(person: ReturnType<typeof demoPerson>, extra: Partial<ContactInput>): ContactInput {
  return {
    familyName: undefined,
    patronymic: undefined,
    clanName: undefined,
    honorific: undefined,
    phone: undefined,
    preferredLocale: undefined,
    position: {},
    isHead: false,
    isFocalPoint: false,
    emails: [],
    ...person,
    ...extra,
  } as ContactInput;
}

/** NEAR's names in its six languages (DOMAIN.md §1) and its permanent secretariat in Pohang. */
const NEAR_IDENTITY: SecretariatInput = {
  name: {
    en: "The Association of North East Asia Regional Governments (NEAR)",
    ko: "동북아시아지방정부연합",
    zh: "东北亚地区地方政府联合会",
    ja: "北東アジア地域自治体連合",
    ru: "Ассоциация региональных администраций стран Северо-Восточной Азии (АРАССВА)",
    mn: "Зүүн хойд Азийн нутгийн захиргаадын холбоо",
  },
  shortName: "NEAR",
  address: { en: "Pohang, Gyeongsangbuk-do, Republic of Korea", ko: "대한민국 경상북도 포항시" },
  signature: {
    en: "LIM Byung-jin\nSecretary-General\nNEAR Secretariat",
    ko: "LIM Byung-jin\n사무총장\n동북아시아지방정부연합 사무국",
    zh: "LIM Byung-jin\n秘书长\n东北亚地区地方政府联合会秘书处",
    ja: "LIM Byung-jin\n事務総長\n北東アジア地域自治体連合事務局",
    ru: "LIM Byung-jin\nГенеральный секретарь\nСекретариат АРАССВА",
    mn: "LIM Byung-jin\nЕрөнхий нарийн бичгийн дарга\nЗүүн хойд Азийн нутгийн захиргаадын холбооны Нарийн бичгийн дарга нарын газар",
  },
  timeZone: "Asia/Seoul",
  defaultLocale: "en",
};

export type DemoResult = { members: number; contacts: number; subcommittees: number; events: number };

/**
 * Loads the 82 NEAR members (public fact), the 19 subcommittees with their coordinators and two fictional
 * contacts per member (example.org addresses, marked as demo). Idempotent: natural keys make a second run a no-op.
 */
export async function loadDemoData(db: DB): Promise<DemoResult> {
  return inTransaction(db, async (trx) => {
    const idsByName = new Map<string, string>();
    let contacts = 0;
    for (const [index, entry] of nearMembers.members.entries()) {
      const input = memberFromSeed(entry);
      const { id } = await upsertMember(trx, input, { isDemo: true });
      idsByName.set(input.names.en, id);
      const language = input.defaultLocale;
      const addresses = addressesOf(input.names.en);
      const head = demoPerson(language, index, index % 4 === 1);
      const focal = demoPerson(language, index + 41, index % 2 === 0);
      await upsertContact(trx, {
        memberId: id,
        isDemo: true,
        input: contactInput(head, {
          isHead: true,
          position: input.headTitle,
          emails: [addresses.governor],
          preferredLocale: language,
        }),
      });
      await upsertContact(trx, {
        memberId: id,
        isDemo: true,
        input: contactInput(focal, {
          isFocalPoint: true,
          position: demoPeople.positions.focal,
          emails: [addresses.intl],
          phone: "+00 000 0000",
          preferredLocale: language === "en" ? undefined : language,
        }),
      });
      contacts += 2;
    }

    for (const entry of subcommittees) {
      const names = JSON.stringify(compact(entry.names));
      const existing = await trx
        .selectFrom("subcommittee")
        .select("id")
        .where(sql`lower(names->>'en')`, "=", entry.names.en.toLowerCase())
        .executeTakeFirst();
      const id = existing?.id ?? (await trx.insertInto("subcommittee").values({ number: entry.number, names }).returning("id").executeTakeFirstOrThrow()).id;
      for (const coordinator of entry.coordinators) {
        const memberId = idsByName.get(coordinator);
        if (!memberId) throw new Error(`Seed coordinator "${coordinator}" is not a member`);
        await trx
          .insertInto("subcommittee_member")
          .values({ subcommittee_id: id, member_id: memberId, is_coordinator: true })
          .onConflict((oc) => oc.columns(["subcommittee_id", "member_id"]).doNothing())
          .execute();
      }
    }
    const subcommitteeIds = new Map(
      (
        await trx
          .selectFrom("subcommittee")
          .select(["id", sql<string>`names->>'en'`.as("en")])
          .execute()
      ).map((s) => [s.en, s.id]),
    );
    for (const entry of demoEvents) {
      // Natural key for the demo: English title and start.
      const start = zonedToUtc(entry.start, entry.timeZone);
      const exists = await trx
        .selectFrom("event")
        .select("id")
        .where(sql`title->>'en'`, "=", entry.title.en)
        .where("starts_at", "=", start)
        .executeTakeFirst();
      if (exists) continue;
      const { id: eventId } = await createEvent(trx, {
        kind: entry.kind as EventKind,
        subcommitteeId: entry.subcommittee ? subcommitteeIds.get(entry.subcommittee) : undefined,
        hostMemberId: entry.host ? idsByName.get(entry.host) : undefined,
        title: entry.title,
        description: entry.description,
        venue: entry.venue,
        timeZone: entry.timeZone,
        start: entry.start,
        end: entry.end,
        rsvpDeadline: entry.rsvpDeadline ?? undefined,
        format: entry.format as "in_person" | "online" | "hybrid",
        meetingUrl: entry.meetingUrl ?? undefined,
        quota: entry.quota,
        reminderDays: entry.status === "open" ? [14, 3] : [],
        categories: ["delegate", "observer"],
        contactName: "NEAR Secretariat",
        contactEmail: "secretariat@example.org",
        contactPhone: undefined,
        status: entry.status as EventStatus,
        isDemo: true,
      });
      for (const item of entry.programme) {
        await createProgrammeItem(trx, {
          eventId,
          timeZone: entry.timeZone,
          input: {
            kind: item.kind as ProgrammeKind,
            start: item.start,
            end: item.end,
            title: item.title,
            description: {},
            place: item.place,
            attendanceAsked: item.attendanceAsked,
            capacity: item.capacity ?? undefined,
          },
        });
      }
    }
    // The secretariat's identity, only while nobody has set one (Settings → Identity)
    await fillIdentityIfEmpty(trx, NEAR_IDENTITY);
    return { members: nearMembers.members.length, contacts, subcommittees: subcommittees.length, events: demoEvents.length };
  });
}
