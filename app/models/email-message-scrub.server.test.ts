import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createMigrator } from "../../db/migrator";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";

/** Issue 13 §3: messages stored before links were masked are cleaned by the migration. */
describe(`stored messages are scrubbed of working links (${databaseLabel})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t?.close());

  it("replaces reply, set-password and setup tokens in html and text with the masked link, leaving the rest", async () => {
    const migrator = createMigrator(t.db);
    expect((await migrator.migrateTo("2026_11_24_1700_add_visa_officer_role")).error).toBeUndefined();
    const reply = "A".repeat(20) + "b-c_d" + "9".repeat(18);
    const password = "Z".repeat(43);
    await t.db
      .insertInto("email_message")
      .values({
        idempotency_key: "old:1",
        message_id: "<old1@example.org>",
        kind: "invitation",
        locale: "ko",
        to_addresses: JSON.stringify([{ address: "gov@example.org" }]),
        subject: "초대",
        html: `<a href="https://plenary.example/r/${reply}">회신</a> https://plenary.example/events/123`,
        text_body: `https://plenary.example/r/${reply}\nhttps://plenary.example/account/password/${password}\nhttps://plenary.example/setup/${password}`,
      } as never)
      .execute();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const row = await t.db.selectFrom("email_message").select(["html", "text_body"]).where("idempotency_key", "=", "old:1").executeTakeFirstOrThrow();
    expect(row.html).toBe('<a href="https://plenary.example/r/__plenary_link__">회신</a> https://plenary.example/events/123');
    expect(row.text_body).toBe(
      "https://plenary.example/r/__plenary_link__\nhttps://plenary.example/account/password/__plenary_link__\nhttps://plenary.example/setup/__plenary_link__",
    );
  });
});
