import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sortMembers } from "~/lib/directory";
import { ContactSchema, MemberSchema } from "~/lib/directory-schemas";
import { createContact, listContacts, listContactsOfMember, updateContact, upsertContact } from "~/models/contact.server";
import { ConflictError, DuplicateError } from "~/models/errors";
import { createMember, getMember, listMembers, setMemberArchived, updateMember, upsertMember } from "~/models/member.server";
import { createSubcommittee, getSubcommittee, listSubcommittees, listSubcommitteesOfMember, updateSubcommittee } from "~/models/subcommittee.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

const member = (overrides: Record<string, unknown> = {}) =>
  MemberSchema.parse({
    country: "cn",
    kind: "province",
    names: { en: "Liaoning Province", zh: "辽宁省", ko: "랴오닝성", ja: "遼寧省", ru: "провинция Ляонин" },
    headTitle: { en: "Governor", zh: "省长" },
    defaultLocale: "zh",
    timeZone: "Asia/Shanghai",
    ...overrides,
  });

const contact = (overrides: Record<string, unknown> = {}) =>
  ContactSchema.parse({
    nameLocale: "ru",
    familyName: "Кожемяко",
    givenName: "Олег",
    patronymic: "Николаевич",
    latinFamilyName: "Kozhemyako",
    latinGivenName: "Oleg",
    gender: "male",
    position: { en: "Governor", ru: "Губернатор" },
    isHead: "on",
    emails: "governor@primorsky.example.org, office@primorsky.example.org",
    ...overrides,
  });

describe("forms with a language group left empty", () => {
  it("accept a member without head-of-government titles and a contact without positions", () => {
    // An all-empty group never reaches the server as a key: it must default to {} rather than be "required".
    expect(MemberSchema.safeParse({ country: "KR", kind: "province", names: { en: "Gyeonggi Province" }, timeZone: "Asia/Seoul" }).success).toBe(true);
    expect(ContactSchema.safeParse({ nameLocale: "ko", givenName: "민준", emails: "" }).success).toBe(true);
  });
});

describe(`directory models (${databaseLabel})`, () => {
  let t: TestDb;
  let liaoning: string;
  let primorsky: string;
  beforeAll(async () => {
    t = await createTestDb();
    liaoning = (await createMember(t.db, member())).id;
    primorsky = (
      await createMember(
        t.db,
        member({
          country: "RU",
          kind: "krai",
          names: { en: "Primorsky Krai", ru: "Приморский край", ko: "연해주" },
          defaultLocale: "ru",
          timeZone: "Asia/Vladivostok",
        }),
      )
    ).id;
    await createMember(
      t.db,
      member({
        country: "JP",
        kind: "prefecture",
        names: { en: "Toyama Prefecture", ja: "富山県" },
        nameKana: "とやまけん",
        defaultLocale: "ja",
        timeZone: "Asia/Tokyo",
      }),
    );
    await createMember(
      t.db,
      member({
        country: "JP",
        kind: "prefecture",
        names: { en: "Akita Prefecture", ja: "秋田県" },
        nameKana: "あきたけん",
        defaultLocale: "ja",
        timeZone: "Asia/Tokyo",
      }),
    );
  });
  afterAll(() => t.close());

  it.each([
    ["Liaoning", "Liaoning Province"],
    ["liaoning", "Liaoning Province"],
    ["辽宁", "Liaoning Province"],
    ["랴오닝", "Liaoning Province"],
    ["Ляонин", "Liaoning Province"],
    ["とやま", "Toyama Prefecture"],
    ["연해주", "Primorsky Krai"],
  ])("finds members by a name in any language: %s", async (q, expected) => {
    expect((await listMembers(t.db, { q })).map((m) => m.names.en)).toEqual([expected]);
  });

  it("treats search text literally (no LIKE wildcards)", async () => {
    expect(await listMembers(t.db, { q: "%" })).toEqual([]);
    expect(await listMembers(t.db, { q: "_" })).toEqual([]);
  });

  it("filters by country, kind and status", async () => {
    expect((await listMembers(t.db, { country: "JP" })).length).toBe(2);
    expect((await listMembers(t.db, { kind: "krai" })).map((m) => m.names.en)).toEqual(["Primorsky Krai"]);
    expect((await listMembers(t.db, { status: "observer" })).length).toBe(0);
  });

  it("sorts Japanese by the kana reading, not by kanji code points", async () => {
    const japanese = await listMembers(t.db, { country: "JP" });
    expect(sortMembers(japanese, "ja").map((m) => m.names.ja)).toEqual(["秋田県", "富山県"]);
  });

  it("refuses a second member with the same country and English name", async () => {
    await expect(createMember(t.db, member({ names: { en: "LIAONING PROVINCE" } }))).rejects.toBeInstanceOf(DuplicateError);
  });

  it("never silently overwrites: a save from a stale version is refused", async () => {
    const current = (await getMember(t.db, { id: liaoning }))!;
    await updateMember(t.db, { id: liaoning, version: current.version, input: member({ notes: "first" }) });
    await expect(updateMember(t.db, { id: liaoning, version: current.version, input: member({ notes: "second" }) })).rejects.toBeInstanceOf(ConflictError);
    expect((await getMember(t.db, { id: liaoning }))!.notes).toBe("first");
  });

  it("archives instead of deleting, and restores", async () => {
    const { version } = (await getMember(t.db, { id: primorsky }))!;
    await setMemberArchived(t.db, { id: primorsky, version, archived: true });
    expect((await listMembers(t.db)).map((m) => m.names.en)).not.toContain("Primorsky Krai");
    expect((await listMembers(t.db, { archived: true })).map((m) => m.names.en)).toEqual(["Primorsky Krai"]);
    await setMemberArchived(t.db, { id: primorsky, version: version + 1, archived: false });
    expect((await listMembers(t.db)).map((m) => m.names.en)).toContain("Primorsky Krai");
  });

  it("upserts by natural key: the same data twice is unchanged", async () => {
    const input = member({
      country: "KR",
      kind: "metropolitan_city",
      names: { en: "Ulsan Metropolitan City", ko: "울산광역시" },
      defaultLocale: "ko",
      timeZone: "Asia/Seoul",
    });
    expect((await upsertMember(t.db, input)).outcome).toBe("created");
    expect((await upsertMember(t.db, input)).outcome).toBe("unchanged");
    expect((await upsertMember(t.db, { ...input, notes: "14th GA host" })).outcome).toBe("updated");
  });

  it("stores contacts with the full name model and emails, head first", async () => {
    await createContact(t.db, {
      memberId: primorsky,
      input: contact({
        isHead: "",
        isFocalPoint: "on",
        givenName: "Анна",
        familyName: "Смирнова",
        patronymic: "Игоревна",
        gender: "female",
        emails: "intl@primorsky.example.org",
      }),
    });
    await createContact(t.db, { memberId: primorsky, input: contact() });
    const contacts = await listContactsOfMember(t.db, { memberId: primorsky });
    expect(contacts.map((c) => [c.familyName, c.isHead, c.isFocalPoint])).toEqual([
      ["Кожемяко", true, false],
      ["Смирнова", false, true],
    ]);
    expect(contacts[0]).toMatchObject({
      patronymic: "Николаевич",
      emails: ["governor@primorsky.example.org", "office@primorsky.example.org"],
      position: { en: "Governor", ru: "Губернатор" },
    });
    expect((await listContacts(t.db, { q: "Кожемяко" })).length).toBe(1);
    expect((await listContacts(t.db, { q: "primorsky.example" })).length).toBe(2);
  });

  it("refuses a contact whose first email another contact of the member already has", async () => {
    await expect(createContact(t.db, { memberId: primorsky, input: contact({ emails: "GOVERNOR@primorsky.example.org" }) })).rejects.toBeInstanceOf(
      DuplicateError,
    );
  });

  it("contact edits use versions too, and upsert by first email", async () => {
    const [head] = await listContactsOfMember(t.db, { memberId: primorsky });
    await updateContact(t.db, { id: head.id, memberId: primorsky, version: head.version, input: contact({ phone: "+7 423 000 00 00" }) });
    await expect(updateContact(t.db, { id: head.id, memberId: primorsky, version: head.version, input: contact() })).rejects.toBeInstanceOf(ConflictError);
    expect((await upsertContact(t.db, { memberId: primorsky, input: contact({ phone: "+7 423 000 00 00" }) })).outcome).toBe("unchanged");
  });

  it("keeps values like <script> and =HYPERLINK verbatim", async () => {
    const id = (
      await createMember(
        t.db,
        member({ country: "MN", kind: "aimag", names: { en: "<script>alert(1)</script>", mn: '=HYPERLINK("http://x")' }, timeZone: "Asia/Ulaanbaatar" }),
      )
    ).id;
    expect((await getMember(t.db, { id }))!.names).toEqual({ en: "<script>alert(1)</script>", mn: '=HYPERLINK("http://x")' });
  });

  it("subcommittees have names per language, members and (co-)coordinators; edits are versioned", async () => {
    const { id } = await createSubcommittee(t.db, {
      number: 5,
      names: { en: "Tourism", ko: "관광 분과위원회" },
      memberIds: [liaoning, primorsky],
      coordinatorIds: [liaoning],
    });
    const [summary] = await listSubcommittees(t.db);
    expect(summary).toMatchObject({ number: 5, memberCount: 2, coordinators: [{ id: liaoning }] });
    const detail = (await getSubcommittee(t.db, { id }))!;
    await updateSubcommittee(t.db, {
      id,
      version: detail.version,
      input: { number: 5, names: { en: "Tourism" }, memberIds: [primorsky], coordinatorIds: [primorsky, liaoning] },
    });
    await expect(
      updateSubcommittee(t.db, { id, version: detail.version, input: { names: { en: "Tourism" }, memberIds: [], coordinatorIds: [] } }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await listSubcommitteesOfMember(t.db, { memberId: liaoning })).map((s) => s.isCoordinator)).toEqual([true]);
    expect((await getSubcommittee(t.db, { id }))!.members).toHaveLength(2);
  });
});
