import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseEnv } from "~/env.server";
import { supportedLngs } from "~/i18n";
import { MemberSchema } from "~/lib/directory-schemas";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { submitReply } from "~/mail/replies.server";
import { createEvent, createProgrammeItem, getEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";
import { ROOT } from "../helpers/paths";

const env = parseEnv({
  DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "plenary-waiting-")),
  APP_URL: "https://plenary.example.org",
  MAIL_FROM: "NEAR Secretariat <secretariat@near.example.org>",
  DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString("hex"),
});
const messages = (lng: string, ns: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "app/locales", lng, `${ns}.json`), "utf8"));

/**
 * A person who only waits for a programme item (issue 18 §7) is never told they are registered for it: the
 * delegation summary and their own e-badge confirmation name it under "waiting list".
 */
describe(`confirmations tell a place from a waiting-list turn (${databaseLabel})`, () => {
  let t: TestDb;
  let eventId = "";
  let invitationId = "";
  const items: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDb();
    const { id: memberId } = await createMember(
      t.db,
      MemberSchema.parse({ country: "RU", kind: "province", names: { en: "Primorsky Krai", ru: "Приморский край" }, timeZone: "Asia/Vladivostok" }),
    );
    ({ id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({
        kind: "general_assembly",
        title: { en: "16th NEAR General Assembly", ru: "16-я Генеральная ассамблея NEAR" },
        timeZone: "Asia/Vladivostok",
        start: "2027-06-16T09:00",
        end: "2027-06-17T18:00",
        quota: "5",
        categories: ["delegate"],
      }),
    ));
    for (const [name, title, capacity] of [
      ["plenary", { en: "Plenary session", ru: "Пленарное заседание" }, undefined],
      ["dinner", { en: "Welcome dinner", ru: "Приветственный ужин" }, "1"],
    ] as const) {
      const input = ProgrammeItemSchema.parse({
        kind: name === "dinner" ? "welcome_dinner" : "plenary",
        start: "2027-06-16T10:00",
        end: "2027-06-16T12:00",
        title,
        capacity,
      });
      items[name] = (await createProgrammeItem(t.db, { eventId, timeZone: "Asia/Vladivostok", input })).id;
    }
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    ({ id: invitationId } = await ensureInvitation(t.db, { eventId, memberId, letterLocale: "ru", createdBy: null }));
  }, 60_000);
  afterAll(() => t.close());

  it("the one place at dinner goes to the head; the deputy's confirmations list the dinner under the waiting list, not as registered", async () => {
    const input = replySchema({ quota: 5, passportAllowed: false, programmeIds: Object.values(items), storedPassport: [], staff: false }).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      delegates: [
        { role: "head", nameLocale: "ru", familyName: "Кожемяко", givenName: "Олег", email: "governor@example.org", programme: [items.plenary, items.dinner] },
        { role: "deputy", nameLocale: "ru", familyName: "Иванов", givenName: "Пётр", email: "ivanov@example.org", programme: [items.plenary, items.dinner] },
      ],
    });
    const event = (await getEvent(t.db, { id: eventId }))!;
    expect((await submitReply(t.db, { env, event, invitationId, input, actor: { kind: "link" }, passportAllowed: false })).status).toBe("saved");
    const places = await t.db
      .selectFrom("programme_registration")
      .select(["status"])
      .where("programme_item_id", "=", items.dinner)
      .orderBy("requested_at")
      .execute();
    expect(places.map((p) => p.status)).toEqual(["registered", "waiting"]);

    const reply = messages("ru", "reply");
    const ebadge = messages("ru", "ebadge");
    const waiting = reply.confirmation.waiting.replace("{{items}}", "Приветственный ужин");
    const summary = await t.db.selectFrom("email_message").select(["text_body", "html"]).where("kind", "=", "confirmation").executeTakeFirstOrThrow();
    const lines = summary.text_body.split("\n");
    const headLine = lines.find((l) => l.startsWith("1. "))!;
    const deputyLine = lines.find((l) => l.startsWith("2. "))!;
    expect(headLine).toContain("Пленарное заседание, Приветственный ужин");
    expect(headLine).not.toContain(waiting);
    expect(deputyLine).toContain("Пленарное заседание");
    expect(deputyLine).toContain(waiting);
    expect(deputyLine.replace(waiting, "")).not.toContain("Приветственный ужин");
    expect(summary.html).toContain(waiting);

    const badges = await t.db.selectFrom("email_message").select(["text_body", "html", "to_addresses"]).where("kind", "=", "ebadge").execute();
    const badge = badges.find((m) => m.to_addresses[0].address === "ivanov@example.org")!;
    const sections = badge.text_body.split("\n\n");
    const programme = sections.find((s) => s.startsWith(ebadge.programme))!;
    expect(programme).toContain("Пленарное заседание");
    expect(programme).not.toContain("Приветственный ужин");
    const queue = sections.find((s) => s.startsWith(ebadge.waiting))!;
    expect(queue).toContain("- Приветственный ужин");
    expect(badge.html).toContain(ebadge.waiting);
  });

  it("the waiting-list words exist in all six languages", () => {
    for (const lng of supportedLngs) {
      expect(messages(lng, "reply").confirmation.waiting, lng).toContain("{{items}}");
      expect(messages(lng, "ebadge").waiting, lng).toBeTruthy();
    }
  });
});
