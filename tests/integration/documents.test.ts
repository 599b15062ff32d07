import crypto from "node:crypto";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase, withServerDb } from "../helpers/db";
import { hugePngHeader, PDF } from "../helpers/documents";
import { locationOf, TestClient } from "../helpers/http";
import { formState, inviteCountry } from "../helpers/replies";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";

function upload(fields: Record<string, string>, file?: { bytes: Uint8Array; name: string; type?: string }) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append("file", new Blob([Uint8Array.from(file.bytes)], { type: file.type ?? "application/octet-stream" }), file.name);
  return form;
}

/**
 * Issue 18 §1 through the real server: multipart uploads from the reply link (Russian members, so refusals
 * must read in Russian), staff downloads with their headers and access checks, and a passport scan's audit row.
 */
describe(`delegation documents over HTTP (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let admin: TestClient;
  let staff: TestClient;
  let eventPath = "";
  let links: string[] = [];
  const path = (i: number) => new URL(links[i]).pathname;
  const delegate = () => new TestClient(server.url);
  let delegateId = "";

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    createUser(database.env, "staff@example.org", "staff");
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    admin = new TestClient(server.url);
    await admin.signIn("admin@example.org", TEST_PASSWORD);
    staff = new TestClient(server.url);
    await staff.signIn("staff@example.org", TEST_PASSWORD);
    expect(locationOf(await admin.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
    eventPath = locationOf(
      await admin.post("/events/new", {
        kind: "general_assembly",
        timeZone: "Asia/Vladivostok",
        start: "2027-09-14T09:00",
        end: "2027-09-15T18:00",
        rsvpDeadline: "2027-08-01T18:00",
        format: "in_person",
        quota: "5",
        categories: "delegate",
        "title.en": "Assembly",
        "title.ru": "Ассамблея",
        "venue.en": "Vladivostok",
      }),
    );
    links = await inviteCountry(admin, sink, { eventPath, country: "RU", count: 2 });
    const eventId = eventPath.split("/").pop()!;
    await withServerDb(server, database.env, (db) =>
      db
        .updateTable("event")
        .set({ passport_countries: ["RU"] })
        .where("id", "=", eventId)
        .execute(),
    );
    // the first delegation registers its head
    const client = delegate();
    const state = formState(await (await client.get(path(0))).text());
    const body = new URLSearchParams({ response: "attending", ...state });
    for (const [field, value] of Object.entries({ role: "head", nameLocale: "ru", familyName: "Кожемяко", givenName: "Олег" }))
      body.append(`delegates[0].${field}`, value);
    expect((await client.post(path(0), body)).status).toBe(303);
    delegateId = (await (await client.get(path(0))).text()).match(/name="delegateId" value="([0-9a-f-]{36})"/)![1];
  }, 300_000);
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  const documentIds = async (i: number) =>
    [...(await (await delegate().get(path(i))).text()).matchAll(/name="documentId" value="([0-9a-f-]{36})"/g)].map((m) => m[1]);
  const staffLinks = async () => {
    const replies = await (await admin.get(`${eventPath}/replies`)).text();
    const replyPaths = [...replies.matchAll(new RegExp(`href="(${eventPath}/replies/[0-9a-f-]{36})"`, "g"))].map((m) => m[1]);
    const html = (await Promise.all(replyPaths.map(async (p) => (await admin.get(p)).text()))).join("");
    return [...html.matchAll(new RegExp(`href="(${eventPath}/documents/[0-9a-f-]{36})"`, "g"))].map((m) => m[1]);
  };

  it("a delegation uploads its note verbale from the link; staff download it as an attachment that is never sniffed", async () => {
    const response = await delegate().post(
      path(0),
      upload({ intent: "upload-document", kind: "note_verbale" }, { bytes: PDF, name: "Нота МИД.pdf", type: "application/pdf" }),
    );
    expect(response.status).toBe(303);
    expect(locationOf(response)).toBe(`${path(0)}?documents=saved#documents`);
    const page = await (await delegate().get(path(0))).text();
    expect(page).toContain("Нота МИД.pdf");
    const [href] = await staffLinks();
    const file = await admin.get(href);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename=".*\.pdf"; filename\*=UTF-8''%D0%9D%D0%BE%D1%82%D0%B0/);
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it("nobody else gets the file: not without signing in, not through another event's address, not removed by another delegation's link", async () => {
    const [href] = await staffLinks();
    const anonymous = await delegate().get(href);
    expect(anonymous.status).toBe(302);
    expect(locationOf(anonymous)).toMatch(/^\/login\?/);
    expect((await admin.get(href.replace(eventPath.split("/").pop()!, crypto.randomUUID()))).status).toBe(404);
    const [documentId] = await documentIds(0);
    const other = await delegate().post(path(1), upload({ intent: "remove-document", documentId }));
    expect(other.status).toBe(404);
    expect(await documentIds(0)).toEqual([documentId]);
    // the other link's own page lists nothing of the first delegation's
    expect(await (await delegate().get(path(1))).text()).not.toContain("Нота МИД.pdf");
  });

  it("refuses bad files with a message in the delegation's language and stores nothing", async () => {
    const before = await documentIds(0);
    const exe = Buffer.concat([Buffer.from("MZ\x90\x00", "latin1"), crypto.randomBytes(4000)]);
    const cases: [Uint8Array, string, string, number, string][] = [
      [exe, "note_verbale", "note.pdf", 415, "Файлы этого типа не принимаются"],
      [Buffer.concat([PDF, crypto.randomBytes(6 * 1024 * 1024)]), "note_verbale", "big.pdf", 413, "Файл слишком большой: не более 5 МБ."],
      [hugePngHeader(50_000, 50_000), "photo", "bomb.png", 413, "Изображение слишком большое"],
      [PDF, "note_verbale", "note\u202Efdp.exe", 400, "Имя файла содержит управляющие символы"],
    ];
    for (const [bytes, kind, name, status, message] of cases) {
      const response = await delegate().post(path(0), upload({ intent: "upload-document", kind, delegateId }, { bytes, name }));
      expect(response.status, name).toBe(status);
      expect(await response.text(), name).toContain(message);
    }
    expect(await documentIds(0)).toEqual(before);
  });

  it("a passport scan is downloaded by an administrator (with an audit row), refused to staff without passport rights", async () => {
    const scan = await sharp({ create: { width: 800, height: 560, channels: 3, background: "#dde" } })
      .png()
      .toBuffer();
    const response = await delegate().post(
      path(0),
      upload({ intent: "upload-document", kind: "passport_scan", delegateId }, { bytes: scan, name: "passport.png" }),
    );
    expect(response.status).toBe(303);
    const stored = await withServerDb(server, database.env, (db) =>
      db.selectFrom("document").select(["id", "content", "key_id"]).where("kind", "=", "passport_scan").executeTakeFirstOrThrow(),
    );
    expect(stored.key_id).toBeTruthy();
    expect(stored.content.subarray(1, 4).toString("latin1")).not.toBe("PNG");
    const href = `${eventPath}/documents/${stored.id}`;
    expect((await staff.get(href)).status).toBe(403);
    const file = await admin.get(href);
    expect(file.status).toBe(200);
    expect((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).format).toBe("png");
    const audit = await withServerDb(server, database.env, (db) =>
      db.selectFrom("audit_log").select(["action", "object_id"]).where("action", "=", "replies.passport_scan_downloaded").execute(),
    );
    expect(audit).toEqual([{ action: "replies.passport_scan_downloaded", object_id: delegateId }]);
  });

  it("the delegation removes its own file through its link", async () => {
    const [first] = await documentIds(0);
    const response = await delegate().post(path(0), upload({ intent: "remove-document", documentId: first }));
    expect(response.status).toBe(303);
    expect(await documentIds(0)).not.toContain(first);
  });
});
