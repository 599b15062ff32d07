import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { supportedLngs } from "~/i18n";
import { localized, sortMembers } from "~/lib/directory";
import { listContacts } from "~/models/contact.server";
import { kindFromDescription, loadDemoData } from "~/models/demo.server";
import { listMembers } from "~/models/member.server";
import { listSubcommittees } from "~/models/subcommittee.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

describe(`demo directory (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.close());

  it("loads 82 members in six countries, 19 subcommittees with coordinators, and fictional demo contacts", async () => {
    expect(await loadDemoData(t.db)).toEqual({ members: 82, contacts: 164, subcommittees: 19, events: 7 });
    const members = await listMembers(t.db);
    expect(members).toHaveLength(82);
    const byCountry = Object.fromEntries(["CN", "JP", "KR", "KP", "MN", "RU"].map((c) => [c, members.filter((m) => m.country === c).length]));
    expect(byCountry).toEqual({ CN: 14, JP: 11, KR: 16, KP: 2, MN: 22, RU: 17 });
    const liaoning = members.find((m) => m.names.en === "Liaoning Province")!;
    expect(liaoning).toMatchObject({ kind: "province", defaultLocale: "zh", timeZone: "Asia/Shanghai", isDemo: true });
    expect(liaoning.names).toMatchObject({ ko: "랴오닝성", zh: "辽宁省" });
    expect(liaoning.headTitle).toEqual({ en: "Governor", zh: "省长" });
    expect(liaoning.nameKana).toBe("りょうねいしょう");
    for (const lng of supportedLngs) expect(members.filter((m) => !m.names[lng]).map((m) => m.names.en)).toEqual([]);
    expect(members.filter((m) => !m.nameKana).map((m) => m.names.en)).toEqual([]);
    // a Mongolian page shows no Latin names, a Japanese list is in reading order
    expect(members.filter((m) => /[a-z]/i.test(localized(m.names, "mn"))).map((m) => m.names.en)).toEqual([]);
    expect(
      sortMembers(members, "ja")
        .slice(0, 3)
        .map((m) => m.names.ja),
    ).toEqual(["青森県", "秋田県", "アムール州"]);

    const subcommittees = await listSubcommittees(t.db);
    expect(subcommittees).toHaveLength(19);
    const tourism = subcommittees.find((s) => s.names.en === "Tourism")!;
    expect(tourism.coordinators.map((c) => c.names.en).sort()).toEqual(["Henan Province", "Ningxia Hui Autonomous Region"]);
    for (const s of subcommittees) expect(Object.keys(s.names).sort()).toEqual(["en", "ja", "ko", "mn", "ru", "zh"]);

    const contacts = await listContacts(t.db);
    expect(contacts).toHaveLength(164);
    expect(contacts.every((c) => c.isDemo && c.emails.every((e) => e.endsWith("@example.org")))).toBe(true);
    const addresses = [...contacts.flatMap((c) => c.emails), ...members.map((m) => m.officeEmail)];
    expect(addresses).toHaveLength(164 + 82);
    expect(new Set(addresses).size).toBe(addresses.length);
    const russianHead = contacts.find((c) => c.memberCountry === "RU" && c.isHead)!;
    expect(russianHead.patronymic).toMatch(/(вич|вна)$/);
    const mongolian = contacts.find((c) => c.memberCountry === "MN")!;
    expect(mongolian.familyName).toBeNull();
    expect(mongolian.patronymic).toMatch(/(ын|ийн|гийн|ы|ий)$/);
  });

  it("is idempotent: loading it again changes nothing", async () => {
    const before = await t.db.selectFrom("member").select(["id", "version"]).orderBy("id").execute();
    const contactsBefore = await t.db.selectFrom("contact").select(["id", "version"]).orderBy("id").execute();
    await loadDemoData(t.db);
    expect(await t.db.selectFrom("member").select(["id", "version"]).orderBy("id").execute()).toEqual(before);
    expect(await t.db.selectFrom("contact").select(["id", "version"]).orderBy("id").execute()).toEqual(contactsBefore);
    expect(
      await t.db
        .selectFrom("subcommittee_member")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirst(),
    ).toEqual({ n: "20" });
  });

  it.each([
    ["prefecture (県 ken)", "prefecture"],
    ["special self-governing province (특별자치도)", "special_self_governing_province"],
    ["metropolitan city (광역시)", "metropolitan_city"],
    ["aimag (аймаг, province)", "aimag"],
    ["capital city (нийслэл)", "capital_city"],
    ["something new", "other"],
  ])("maps %j to %s", (description, kind) => {
    expect(kindFromDescription(description)).toBe(kind);
  });
});
