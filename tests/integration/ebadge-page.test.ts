import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DB } from "~/db.server";
import { parseEnv } from "~/env.server";
import { MemberSchema } from "~/lib/directory-schemas";
import { qrSvgPath } from "~/lib/ebadge-qr.server";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { unseal } from "~/lib/sealed.server";
import { submitReply } from "~/mail/replies.server";
import { createEvent, createProgrammeItem, getEvent, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { databaseLabel } from "../helpers/db";
import { TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const KEY_HEX = crypto.randomBytes(32).toString("hex");

describe(`the e-badge page a delegate opens from their email (${databaseLabel})`, () => {
  let server: TestServer;
  let db: DB;
  const tokens: Record<string, string> = {};
  const codes: Record<string, string> = {};
  let invitationId = "";
  let eventId = "";

  beforeAll(async () => {
    server = await startTestServer({ DATA_ENCRYPTION_KEY: KEY_HEX, MAIL_WORKER: "false" });
    db = server.db!;
    const env = parseEnv({ DATA_DIR: server.dataDir, APP_URL: server.url, DATA_ENCRYPTION_KEY: KEY_HEX });
    const { id: memberId } = await createMember(
      db,
      MemberSchema.parse({ country: "MN", kind: "aimag", names: { en: "Töv Province", mn: "Төв аймаг", ja: "トゥブ県" }, timeZone: "Asia/Ulaanbaatar" }),
    );
    ({ id: eventId } = await createEvent(
      db,
      EventSchema.parse({
        kind: "forum",
        title: { en: "NEAR Forum on Tourism", ja: "NEAR観光フォーラム", mn: "NEAR аялал жуулчлалын форум" },
        venue: { en: "Ulaanbaatar" },
        timeZone: "Asia/Ulaanbaatar",
        start: "2027-09-01T09:00",
        end: "2027-09-02T18:00",
        quota: "3",
        categories: ["delegate", "observer"],
      }),
    ));
    const input = ProgrammeItemSchema.parse({
      kind: "field_trip",
      start: "2027-09-02T09:00",
      end: "2027-09-02T17:00",
      title: { en: "Field trip", ja: "視察", mn: "Танилцах аялал" },
    });
    const { id: tripId } = await createProgrammeItem(db, { eventId, timeZone: "Asia/Ulaanbaatar", input });
    await transitionEvent(db, { id: eventId, version: 1, to: "open" });
    ({ id: invitationId } = await ensureInvitation(db, { eventId, memberId, letterLocale: "mn", createdBy: null }));
    const reply = replySchema({ quota: 3, passportAllowed: false, programmeIds: [tripId], storedPassport: [], staff: false }).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      delegates: [
        {
          role: "head",
          nameLocale: "mn",
          patronymic: "Цэрэндорж",
          givenName: "Батболд",
          latinFamilyName: "Tserendorj",
          latinGivenName: "Batbold",
          email: "batbold@example.org",
          programme: [tripId],
        },
        {
          role: "interpreter",
          nameLocale: "ja",
          familyName: "山田",
          givenName: "花子",
          latinFamilyName: "Yamada",
          latinGivenName: "Hanako",
          email: "hanako@example.org",
          interpretation: "ja",
        },
      ],
    });
    await submitReply(db, { env, event: (await getEvent(db, { id: eventId }))!, invitationId, input: reply, actor: { kind: "link" }, passportAllowed: false });
    const messages = await db.selectFrom("email_message").select(["to_addresses", "link_sealed"]).where("kind", "=", "ebadge").execute();
    for (const message of messages) tokens[message.to_addresses[0].address] = unseal(env.DATA_ENCRYPTION_KEY, message.link_sealed!);
    for (const d of await db.selectFrom("delegate").select(["email", "check_in_code"]).execute()) codes[d.email!] = d.check_in_code;
  }, 180_000);
  afterAll(() => server?.dispose());

  it("shows the badge in the delegate's language: their name in its own order, the QR code of their badge code, their programme", async () => {
    const response = await new TestClient(server.url).get(`/b/${tokens["batbold@example.org"]}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    const html = await response.text();
    expect(html).toMatch(/<html[^>]*lang="mn"/);
    expect(html).toContain("Цэрэндорж Батболд");
    expect(html).toContain("Төв аймаг");
    expect(html).toContain("Танилцах аялал");
    expect(html).toContain("Таны цахим тэмдэг");
    expect(html).toContain(codes["batbold@example.org"]);
    expect(html).toContain(`d="${(await qrSvgPath(codes["batbold@example.org"])).path}"`);

    const interpreter = await (await new TestClient(server.url).get(`/b/${tokens["hanako@example.org"]}`)).text();
    expect(interpreter).toMatch(/<html[^>]*lang="ja"/);
    expect(interpreter).toContain("山田 花子");
    expect(interpreter).toContain("NEAR観光フォーラム");
    expect(interpreter).toContain("選択されたプログラムはありません。");
  });

  it("a reader's chosen language wins; unknown, malformed and withdrawn links get one not-found page", async () => {
    const reader = new TestClient(server.url);
    await reader.post("/set-language", { lng: "en", redirectTo: "/" });
    const english = await (await reader.get(`/b/${tokens["batbold@example.org"]}`)).text();
    expect(english).toMatch(/<html[^>]*lang="en"/);
    expect(english).toContain("Your e-badge");

    const stranger = new TestClient(server.url);
    for (const path of [`/b/${"A".repeat(43)}`, "/b/short", `/b/${tokens["batbold@example.org"]}x`]) {
      const response = await stranger.get(path);
      expect(response.status).toBe(404);
    }
    // the delegation declines: the badge is withdrawn
    const { revision } = await db.selectFrom("invitation").select("revision").where("id", "=", invitationId).executeTakeFirstOrThrow();
    await db
      .updateTable("invitation")
      .set({ response: "declining", revision: revision + 1 })
      .where("id", "=", invitationId)
      .execute();
    const withdrawn = await stranger.get(`/b/${tokens["hanako@example.org"]}`);
    expect(withdrawn.status).toBe(404);
    expect(await withdrawn.text()).toContain("This e-badge is not available");
  });
});
