import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import jsQR from "jsqr";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { unseal } from "~/lib/sealed.server";
import { LINK_PLACEHOLDER } from "~/lib/tokens.server";
import { EBADGE_QR_CID } from "~/mail/ebadges.server";
import { submitReply } from "~/mail/replies.server";
import { startMailWorker } from "~/mail/worker.server";
import { findBadgeByToken } from "~/models/ebadge.server";
import { createEvent, createProgrammeItem, getEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";
import { SmtpSink } from "../helpers/smtp-sink";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-ebadge-"));
const env = parseEnv({
  DATA_DIR: dataDir,
  APP_URL: "https://plenary.example.org",
  MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>",
  MAIL_RATE_PER_MINUTE: "0",
  DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString("hex"),
});

/** What a scanner reads from a PNG: the text of its QR code. */
function decodeQr(png: Buffer) {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

type Person = Record<string, unknown>;

describe(`personal confirmations with a QR e-badge (${databaseLabel})`, () => {
  let t: TestDb;
  let eventId = "";
  let invitationId = "";
  const items: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDb();
    const { id: memberId } = await createMember(
      t.db,
      MemberSchema.parse({ country: "KR", kind: "province", names: { en: "Gyeongsangbuk-do", ko: "경상북도", ru: "Кёнсан-Пукто" }, timeZone: "Asia/Seoul" }),
    );
    ({ id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({
        kind: "general_assembly",
        title: { en: "16th NEAR General Assembly", ko: "제16차 NEAR 총회", ru: "16-я Генеральная ассамблея NEAR" },
        timeZone: "Asia/Seoul",
        start: "2027-06-16T09:00",
        end: "2027-06-17T18:00",
        quota: "5",
        categories: ["delegate"],
      }),
    ));
    for (const [name, title] of [
      ["plenary", { en: "Plenary session", ko: "본회의", ru: "Пленарное заседание" }],
      ["dinner", { en: "Welcome dinner", ko: "환영 만찬", ru: "Приветственный ужин" }],
    ] as const) {
      const input = ProgrammeItemSchema.parse({
        kind: name === "dinner" ? "welcome_dinner" : "plenary",
        start: "2027-06-16T10:00",
        end: "2027-06-16T12:00",
        title,
      });
      items[name] = (await createProgrammeItem(t.db, { eventId, timeZone: "Asia/Seoul", input })).id;
    }
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    ({ id: invitationId } = await ensureInvitation(t.db, { eventId, memberId, letterLocale: "ko", createdBy: null }));
  }, 60_000);
  afterAll(() => t.close());

  async function save(delegates: Person[], response = "attending") {
    const { revision } = await t.db.selectFrom("invitation").select("revision").where("id", "=", invitationId).executeTakeFirstOrThrow();
    const input = replySchema({ quota: 5, passportAllowed: false, programmeIds: Object.values(items), storedPassport: [], staff: false }).parse({
      response,
      revision: String(revision),
      submission: crypto.randomUUID(),
      delegates: response === "declining" ? [] : delegates,
    });
    const event = (await getEvent(t.db, { id: eventId }))!;
    const outcome = await submitReply(t.db, { env, event, invitationId, input, actor: { kind: "link" }, passportAllowed: false });
    expect(outcome.status).toBe("saved");
  }

  const ebadges = () =>
    t.db
      .selectFrom("email_message")
      .select(["id", "idempotency_key", "locale", "subject", "html", "text_body", "to_addresses", "inline_images", "link_sealed", "ics"])
      .where("kind", "=", "ebadge")
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  const stored = () =>
    t.db.selectFrom("delegate").select(["id", "given_name", "check_in_code"]).where("invitation_id", "=", invitationId).orderBy("position").execute();
  const tokenOf = (message: { link_sealed: string | null }) => unseal(env.DATA_ENCRYPTION_KEY, message.link_sealed!);
  /** the messages of one transaction share created_at: pick them by address, not by order */
  const to = <M extends { to_addresses: { address: string }[] }>(messages: M[], address: string) =>
    messages.filter((m) => m.to_addresses[0].address === address);

  const head: Person = {
    role: "head",
    nameLocale: "ko",
    familyName: "김",
    givenName: "민수",
    latinFamilyName: "Kim",
    latinGivenName: "Minsoo",
    title: "부지사",
    email: "minsoo.kim@example.org",
    programme: [items.plenary ?? ""],
  };
  const official: Person = {
    role: "official",
    nameLocale: "ru",
    familyName: "Кожемяко",
    givenName: "Олег",
    patronymic: "Николаевич",
    gender: "male",
    email: "oleg@example.org",
    interpretation: "ru",
  };
  const staffer: Person = { role: "staff", nameLocale: "ko", familyName: "이", givenName: "영희" };

  it("each delegate with an address gets one, in their own language, with the QR code of their badge and their programme items", async () => {
    await save([{ ...head, programme: [items.plenary] }, official, staffer]);
    const people = await stored();
    const messages = await ebadges();
    expect(messages).toHaveLength(2); // the staffer has no address
    const [toHead] = to(messages, "minsoo.kim@example.org");
    const [toOfficial] = to(messages, "oleg@example.org");
    expect(toHead.to_addresses).toEqual([{ name: "KIM Minsoo", address: "minsoo.kim@example.org" }]);
    expect(toHead.locale).toBe("ko"); // the letter's language
    expect(toHead.subject).toBe("등록 확인 및 전자 명찰: 제16차 NEAR 총회");
    expect(toHead.html).toContain("김민수");
    expect(toHead.html).toContain("본회의");
    expect(toHead.html).not.toContain("환영 만찬");
    expect(toHead.html).toContain(`src="cid:${EBADGE_QR_CID}"`);
    expect(toHead.ics).toContain("BEGIN:VCALENDAR");
    expect(toOfficial.locale).toBe("ru"); // the interpretation language
    expect(toOfficial.subject).toBe("Подтверждение регистрации и электронный бейдж: 16-я Генеральная ассамблея NEAR");
    expect(toOfficial.text_body).toContain("Кожемяко Олег Николаевич"); // the name in its culture's order
    expect(toOfficial.text_body).toContain("Уважаемый Олег Николаевич!");
    expect(toOfficial.text_body).toContain("Пункты программы не выбраны.");
    // the QR code encodes exactly the badge's check-in code, as the printed badge does
    for (const [message, person] of [
      [toHead, people[0]],
      [toOfficial, people[1]],
    ] as const) {
      expect(message.inline_images).toHaveLength(1);
      expect(decodeQr(Buffer.from(message.inline_images[0].content, "base64"))).toBe(person.check_in_code);
      expect(message.text_body).toContain(person.check_in_code);
    }
    // nothing at rest opens a door: the stored message holds the e-badge link masked, its token sealed beside it
    for (const message of messages) {
      expect(message.text_body).toContain(`https://plenary.example.org/b/${LINK_PLACEHOLDER}`);
      const token = tokenOf(message);
      expect(message.html).not.toContain(token);
      const links = await t.db.selectFrom("delegate_badge_link").select(["token_hash", "token_sealed"]).execute();
      expect(JSON.stringify(links)).not.toContain(token);
    }
    const badge = await findBadgeByToken(t.db, { token: tokenOf(toOfficial) });
    expect(badge?.delegateId).toBe(people[1].id);
    expect(badge?.holder.checkInCode).toBe(people[1].check_in_code);
  });

  it("saving the same delegation again queues none; a changed person gets an updated one with the same link", async () => {
    const [first] = to(await ebadges(), "minsoo.kim@example.org");
    const ids = (await stored()).map((p) => p.id);
    await save([
      { ...head, id: ids[0], programme: [items.plenary] },
      { ...official, id: ids[1] },
      { ...staffer, id: ids[2] },
    ]);
    expect(await ebadges()).toHaveLength(2);
    // new programme items for the head only
    await save([
      { ...head, id: ids[0], programme: [items.plenary, items.dinner] },
      { ...official, id: ids[1] },
      { ...staffer, id: ids[2] },
    ]);
    const messages = await ebadges();
    expect(messages).toHaveLength(3);
    const updated = messages[2];
    expect(updated.to_addresses).toEqual([{ name: "KIM Minsoo", address: "minsoo.kim@example.org" }]);
    expect(updated.html).toContain("환영 만찬");
    expect(tokenOf(updated)).toBe(tokenOf(first));
    // the staffer is given an address: their first confirmation
    await save([
      { ...head, id: ids[0], programme: [items.plenary, items.dinner] },
      { ...official, id: ids[1] },
      { ...staffer, id: ids[2], email: "younghee@example.org" },
    ]);
    const after = await ebadges();
    expect(after).toHaveLength(4);
    expect(after[3].to_addresses).toEqual([expect.objectContaining({ address: "younghee@example.org" })]);
  });

  it("a substitute gets their own badge and link; the person replaced or removed gets nothing and their link stops", async () => {
    const before = await ebadges();
    const officialToken = tokenOf(to(before, "oleg@example.org")[0]);
    const ids = (await stored()).map((p) => p.id);
    await save([
      { ...head, id: ids[0], programme: [items.plenary, items.dinner] },
      { role: "official", nameLocale: "ru", familyName: "Иванова", givenName: "Анна", email: "anna@example.org", replaces: ids[1] },
      { ...staffer, id: ids[2], email: "younghee@example.org" },
    ]);
    const messages = await ebadges();
    expect(messages).toHaveLength(before.length + 1);
    const substitute = messages.at(-1)!;
    expect(substitute.to_addresses).toEqual([expect.objectContaining({ address: "anna@example.org" })]);
    expect(substitute.locale).toBe("ko"); // no interpretation language: the letter's
    const people = await stored();
    expect(people[1].given_name).toBe("Анна");
    expect(decodeQr(Buffer.from(substitute.inline_images[0].content, "base64"))).toBe(people[1].check_in_code);
    expect(await findBadgeByToken(t.db, { token: officialToken })).toBeUndefined();
    // the staffer removed: nothing is sent, and their link no longer opens a badge
    const stafferToken = tokenOf(to(before, "younghee@example.org")[0]);
    expect(await findBadgeByToken(t.db, { token: stafferToken })).toBeDefined();
    await save([
      { ...head, id: people[0].id, programme: [items.plenary, items.dinner] },
      { role: "official", nameLocale: "ru", familyName: "Иванова", givenName: "Анна", email: "anna@example.org", id: people[1].id },
    ]);
    expect(await ebadges()).toHaveLength(messages.length);
    expect(await findBadgeByToken(t.db, { token: stafferToken })).toBeUndefined();
  });

  it("the worker sends the QR code as an inline image and the live e-badge link, which opens the badge", async () => {
    const sink = await new SmtpSink().start();
    try {
      await t.db.updateTable("email_message").set({ status: "cancelled" }).where("kind", "<>", "ebadge").execute();
      await t.db
        .updateTable("email_message")
        .set({ status: "cancelled" })
        .where("kind", "=", "ebadge")
        .where("id", "not in", [to(await ebadges(), "minsoo.kim@example.org")[0].id])
        .execute();
      const worker = startMailWorker({ db: t.db, env: { ...env, SMTP_URL: sink.url() }, loop: false });
      await worker.runOnce();
      await worker.stop();
      expect(sink.messages).toHaveLength(1);
      const mail = sink.messages[0];
      const image = mail.attachments.find((a) => a.contentType === "image/png")!;
      expect(image.cid).toBe(EBADGE_QR_CID);
      expect(image.contentDisposition).toBe("inline");
      const code = decodeQr(image.content);
      // mailparser shows a cid: image in place, as a mail client does
      expect(mail.html).toContain(`data:image/png;base64,${image.content.toString("base64")}`);
      expect(mail.attachments.some((a) => a.contentType === "text/calendar")).toBe(true);
      const token = mail.text!.match(/https:\/\/plenary\.example\.org\/b\/([A-Za-z0-9_-]{43})/)![1];
      const badge = await findBadgeByToken(t.db, { token });
      expect(badge?.holder.checkInCode).toBe(code);
      expect(badge?.holder.givenName).toBe("민수");
    } finally {
      await sink.stop();
    }
  });
  it("anonymised people, a declined reply and a cancelled event get no e-badges; their links open nothing", async () => {
    const count = (await ebadges()).length;
    const people = await stored();
    const annaToken = tokenOf((await ebadges()).at(-1)!);
    await t.db.updateTable("delegate").set({ anonymised_at: new Date() }).where("id", "=", people[1].id).execute();
    expect(await findBadgeByToken(t.db, { token: annaToken })).toBeUndefined();
    await save([
      { ...head, id: people[0].id, programme: [items.plenary, items.dinner] },
      { role: "official", nameLocale: "ru", familyName: "Иванова", givenName: "Анна", email: "anna@example.org", id: people[1].id, programme: [items.dinner] },
    ]);
    expect(await ebadges()).toHaveLength(count);
    await t.db.updateTable("delegate").set({ anonymised_at: null }).where("id", "=", people[1].id).execute();

    const headToken = tokenOf(to(await ebadges(), "minsoo.kim@example.org")[0]);
    expect(await findBadgeByToken(t.db, { token: headToken })).toBeDefined();
    await save([], "declining");
    expect(await ebadges()).toHaveLength(count);
    expect(await findBadgeByToken(t.db, { token: headToken })).toBeUndefined();

    const { version } = await t.db.selectFrom("event").select("version").where("id", "=", eventId).executeTakeFirstOrThrow();
    await transitionEvent(t.db, { id: eventId, version, to: "cancelled", reason: "Typhoon" });
    await save([{ ...head, programme: [items.plenary] }]);
    expect(await ebadges()).toHaveLength(count);
    expect(await findBadgeByToken(t.db, { token: "x".repeat(43) })).toBeUndefined();
    expect(await findBadgeByToken(t.db, { token: "not a token" })).toBeUndefined();
    await t.db.updateTable("event").set({ status: "open" }).where("id", "=", eventId).execute();
  });
});
