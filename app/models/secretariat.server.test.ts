import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { checkLogo } from "~/lib/logo.server";
import { ConflictError } from "~/models/errors";
import {
  fillIdentityIfEmpty,
  getBrand,
  getLogo,
  getMailSender,
  getSecretariat,
  letterhead,
  removeLogo,
  type SecretariatInput,
  setLogo,
  updateSecretariat,
} from "~/models/secretariat.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";
import { png } from "../../tests/helpers/png";

/** A minimal valid PNG (1×1). */
const tinyPng = () => png(1, 1);

const INPUT: SecretariatInput = {
  name: {
    en: "The Association of North East Asia Regional Governments (NEAR)",
    ko: "동북아시아지방정부연합",
    ru: "Ассоциация региональных администраций стран Северо-Восточной Азии (АРАССВА)",
  },
  shortName: "NEAR",
  address: { en: "Pohang, Gyeongsangbuk-do, Republic of Korea", ko: "대한민국 경상북도 포항시" },
  phone: "+82 54 000 0000",
  website: "https://www.neargov.org",
  senderName: "NEAR Secretariat",
  replyTo: "secretariat@near.example.org",
  signature: { en: "LIM Byung-jin\nSecretary-General", ru: "Лим Бён Джин\nГенеральный секретарь" },
  timeZone: "Asia/Seoul",
  defaultLocale: "en",
};

describe(`secretariat identity (${databaseLabel})`, () => {
  let t: TestDb;
  let admin: { id: string; email: string };
  beforeAll(async () => {
    t = await createTestDb();
    const row = await t.db
      .insertInto("staff_user")
      .values({ email: "sg@near.example.org", display_name: "Admin", password_hash: "x", role: "admin" })
      .returning(["id", "email"])
      .executeTakeFirstOrThrow();
    admin = row;
  });
  afterAll(() => t.close());

  const auditRows = () =>
    t.db.selectFrom("audit_log").select(["action", "actor_id", "object_type", "details"]).where("action", "like", "settings.%").orderBy("id").execute();

  it("starts empty: the header says Plenary, mail keeps MAIL_FROM, letters have no letterhead", async () => {
    const identity = await getSecretariat(t.db);
    expect(identity).toMatchObject({ name: {}, shortName: null, logo: null, version: 1, timeZone: "Asia/Seoul", defaultLocale: "en" });
    expect(await getBrand(t.db, "ko")).toEqual({ name: null, fullName: null, logoUrl: null });
    expect(await getMailSender(t.db)).toEqual({ senderName: null, replyTo: null });
    expect(await letterhead(t.db, "ru")).toEqual({ name: "", shortName: "", address: "", phone: "", website: "", signature: "" });
  });

  it("saves the identity in several languages and audits which fields changed", async () => {
    expect(await updateSecretariat(t.db, { version: 1, input: INPUT, actor: admin, ip: "10.0.0.9" })).toBe(2);
    const identity = await getSecretariat(t.db);
    expect(identity).toMatchObject({ name: INPUT.name, shortName: "NEAR", senderName: "NEAR Secretariat", version: 2 });
    expect(await getMailSender(t.db)).toEqual({ senderName: "NEAR Secretariat", replyTo: "secretariat@near.example.org" });
    expect(await getBrand(t.db, "ru")).toEqual({ name: "NEAR", fullName: INPUT.name.ru, logoUrl: null });
    const [audit] = await auditRows();
    expect(audit).toMatchObject({ action: "settings.identity_updated", actor_id: admin.id, object_type: "secretariat" });
    expect((audit.details as { fields: string[] }).fields.sort()).toEqual(
      ["address", "name", "phone", "replyTo", "senderName", "shortName", "signature", "website"].sort(),
    );
  });

  it("refuses a save based on an old version and keeps what was saved", async () => {
    const stale = { ...INPUT, name: { en: "Overwritten" } };
    await expect(updateSecretariat(t.db, { version: 1, input: stale, actor: admin })).rejects.toBeInstanceOf(ConflictError);
    const identity = await getSecretariat(t.db);
    expect(identity.name.en).toBe(INPUT.name.en);
    expect(identity.version).toBe(2);
    expect(await auditRows()).toHaveLength(1);
  });

  it("stores a logo's bytes, gives the letterhead in one language (English where it is missing) and removes the logo", async () => {
    const checked = checkLogo(tinyPng());
    if (!checked.ok) throw new Error(checked.problem);
    expect(await setLogo(t.db, { version: 2, data: checked.data, type: checked.type, width: checked.width, height: checked.height, actor: admin })).toBe(3);
    const logo = await getLogo(t.db);
    expect(logo?.type).toBe("image/png");
    expect(Buffer.isBuffer(logo?.data)).toBe(true);
    expect(logo?.data.equals(tinyPng())).toBe(true);
    expect((await getBrand(t.db, "ko")).logoUrl).toBe(`/logo?v=${logo!.version}`);

    const russian = await letterhead(t.db, "ru");
    expect(russian).toMatchObject({
      name: INPUT.name.ru,
      shortName: "NEAR",
      address: INPUT.address.en,
      signature: INPUT.signature.ru,
      website: "https://www.neargov.org",
    });
    expect(russian.logo?.data.equals(tinyPng())).toBe(true);
    expect((await letterhead(t.db, "mn")).name).toBe(INPUT.name.en);

    await expect(removeLogo(t.db, { version: 2, actor: admin })).rejects.toBeInstanceOf(ConflictError);
    expect(await getLogo(t.db)).toBeDefined();
    expect(await removeLogo(t.db, { version: 3, actor: admin })).toBe(4);
    expect(await getLogo(t.db)).toBeUndefined();
    expect((await letterhead(t.db, "ru")).logo).toBeUndefined();
    expect((await auditRows()).map((r) => r.action)).toEqual(["settings.identity_updated", "settings.logo_updated", "settings.logo_removed"]);
    expect((await auditRows())[1].details).toMatchObject({ type: "image/png", bytes: tinyPng().length, width: 1, height: 1 });
  });

  it("lets the demo fill the identity only while none is set", async () => {
    const demo = { ...INPUT, name: { en: "Demo" } };
    expect(await fillIdentityIfEmpty(t.db, demo)).toBe(false);
    expect((await getSecretariat(t.db)).name.en).toBe(INPUT.name.en);
    const fresh = await createTestDb();
    try {
      expect(await fillIdentityIfEmpty(fresh.db, demo)).toBe(true);
      expect(await fillIdentityIfEmpty(fresh.db, { ...demo, name: { en: "Again" } })).toBe(false);
      expect((await getSecretariat(fresh.db)).name).toEqual({ en: "Demo" });
    } finally {
      await fresh.close();
    }
  });
});
