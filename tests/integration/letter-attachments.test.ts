import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { databaseLabel, type PreparedDatabase, prepareServerDatabase } from "../helpers/db";
import { locationOf, TestClient } from "../helpers/http";
import { extractText } from "../helpers/pdf";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpSink } from "../helpers/smtp-sink";
import { createUser, TEST_PASSWORD } from "../helpers/users";
import { waitForWave } from "../helpers/waves";

async function waitFor(check: () => boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** pdftotext (poppler) when the machine has it, else pdfjs: the text a reader would copy out of the PDF. */
function pdfText(pdf: Buffer): Promise<string> | string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "letter-"));
  try {
    fs.writeFileSync(path.join(dir, "letter.pdf"), pdf);
    return execFileSync("pdftotext", ["-enc", "UTF-8", path.join(dir, "letter.pdf"), "-"], { encoding: "utf8" });
  } catch {
    return extractText(pdf);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const AGENDA_PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "latin1");
const MAP_PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("map of the venue")]);
const PROGRAM_EXE = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 0x90)]);

describe(`letters as documents: attachments and the PDF letter (${databaseLabel})`, () => {
  let database: PreparedDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let staff: TestClient;
  let eventPath = "";

  const upload = (name: string, content: Buffer, type = "application/octet-stream") => {
    const form = new FormData();
    form.append("intent", "upload");
    form.append("file", new File([new Uint8Array(content)], name, { type }));
    return fetch(`${server.url}${eventPath}/letters`, {
      method: "POST",
      headers: { origin: server.url, cookie: [...staff.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
      body: form,
      redirect: "manual",
    });
  };
  const attachedNames = async () => {
    const page = await (await staff.get(`${eventPath}/letters`)).text();
    return [...page.matchAll(/href="\/events\/[0-9a-f-]+\/attachments\/[0-9a-f-]+" download="">([^<]*)</g)].map((m) => m[1]);
  };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    database = await prepareServerDatabase();
    createUser(database.env, "admin@example.org", "admin");
    server = await startTestServer({ SMTP_URL: sink.url(), MAIL_RETRY_BASE_SECONDS: "0.2" }, database);
    staff = new TestClient(server.url);
    await staff.signIn("admin@example.org", TEST_PASSWORD);
    expect(locationOf(await staff.post("/members?index", { intent: "load-demo" }))).toBe("/members?loaded=82");
    const created = await staff.post("/events/new", {
      kind: "general_assembly",
      timeZone: "Asia/Seoul",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      rsvpDeadline: "2027-05-14T18:00",
      format: "in_person",
      quota: "5",
      categories: "delegate",
      "title.en": "16th NEAR General Assembly",
      "title.ru": "16-я Генеральная ассамблея АРАССВА",
      "title.ko": "제16차 NEAR 총회",
      "venue.en": "Pohang",
      "venue.ru": "Пхохан",
      "venue.ko": "포항",
    });
    eventPath = locationOf(created);
    expect((await staff.post(eventPath, { to: "open", version: "1" })).status).toBe(302);
  });
  afterAll(async () => {
    await server?.dispose();
    await sink?.stop();
  });

  it("stores an agenda and a map once, and shows them with the total against the limit", async () => {
    const agenda = await upload("Повестка дня.pdf", AGENDA_PDF, "application/pdf");
    expect(agenda.status).toBe(302);
    expect(locationOf(agenda)).toContain("doc=added");
    expect((await upload("venue-map.png", MAP_PNG, "image/png")).status).toBe(302);
    expect(await attachedNames()).toEqual(["Повестка дня.pdf", "venue-map.png"]);
    // the same bytes again: refused as a duplicate
    expect((await upload("again.pdf", AGENDA_PDF)).status).toBe(409);
    // staff download exactly what they uploaded, as a download
    const page = await (await staff.get(`${eventPath}/letters`)).text();
    const href = /href="(\/events\/[0-9a-f-]+\/attachments\/[0-9a-f-]+)"/.exec(page)![1];
    const file = await staff.get(href);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(file.headers.get("x-content-type-options")).toContain("nosniff");
    expect(Buffer.from(await file.arrayBuffer()).equals(AGENDA_PDF)).toBe(true);
  });

  it("refuses bad files by their content and bad names, in the user's language, storing nothing", async () => {
    expect((await staff.post("/set-language", { lng: "ru", redirectTo: `${eventPath}/letters` })).status).toBe(302);
    const cases: [string, Buffer, number, string][] = [
      ["agenda.pdf", PROGRAM_EXE, 415, "Программы прикреплять нельзя"],
      ["agenda.pdf", Buffer.concat([Buffer.from("%PDF-1.7\n"), PROGRAM_EXE]), 415, "Файлы такого типа прикреплять нельзя"],
      ["photo.pdf", Buffer.concat([MAP_PNG, Buffer.from("other")]), 415, "Имя файла не соответствует его содержимому"],
      ["setup.exe", Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]), 415, "Файлы такого типа прикреплять нельзя"],
      ["programme\u202Efdp.exe", AGENDA_PDF, 400, "меняющие направление текста"],
      ["..\\..\\windows\\agenda.pdf", AGENDA_PDF, 400, "Имя файла не может содержать"],
      ["reports/agenda.pdf", AGENDA_PDF, 400, "Имя файла не может содержать"],
      ["big.pdf", Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(10 * 1024 * 1024), Buffer.from("\n%%EOF")]), 413, "Запрос превышает 8 МБ"],
    ];
    for (const [name, content, status, message] of cases) {
      const response = await upload(name, content);
      const body = (await response.text()).replace(/&quot;/g, '"').replace(/&#x27;/g, "'");
      expect({ name, status: response.status }).toEqual({ name, status });
      expect(body, name).toContain(message);
    }
    // the total: 6 MB fit, 4.5 MB more do not (10 MB per event); removing a file makes room again
    const pdfOf = (bytes: number) => Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(bytes, 0x20), Buffer.from("\n%%EOF")]);
    expect((await upload("annex-1.pdf", pdfOf(6 * 1024 * 1024))).status).toBe(302);
    const tooMuch = await upload("annex-2.pdf", pdfOf(4.5 * 1024 * 1024));
    expect(tooMuch.status).toBe(413);
    expect(await tooMuch.text()).toContain("С этим файлом вложения мероприятия превысят 10 МБ");
    const page = await (await staff.get(`${eventPath}/letters`)).text();
    const annexId = /attachments\/([0-9a-f-]{36})" download="">annex-1\.pdf/.exec(page)![1];
    const removed = await staff.post(`${eventPath}/letters`, { intent: "remove-attachment", attachmentId: annexId });
    expect(locationOf(removed)).toContain("doc=removed");
    expect(await attachedNames()).toEqual(["Повестка дня.pdf", "venue-map.png"]);
    if (server.db) {
      const rows = await server.db.selectFrom("event_attachment").select(["filename"]).execute();
      expect(rows.map((r) => r.filename).sort()).toEqual(["venue-map.png", "Повестка дня.pdf"].sort());
    }
    expect((await staff.post("/set-language", { lng: "en", redirectTo: `${eventPath}/letters` })).status).toBe(302);
  });

  it("previews the PDF letter per language", async () => {
    const pdf = await staff.get(`${eventPath}/letters.pdf?locale=ko`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const text = await pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain("동북아시아지방정부연합(NEAR) 사무국은");
  });

  it("delivers the invitation with the letter as a PDF (recipient's language + English) and the attachments", async () => {
    expect((await staff.post(`${eventPath}/letters`, { intent: "documents-options", attachPdf: "on", secondLocale: "en" })).status).toBe(302);
    const picked: string[] = [];
    for (const country of ["RU", "KR"]) {
      const page = await (await staff.get(`${eventPath}/invitations?mode=country&country=${country}`)).text();
      picked.push([...page.matchAll(/name="memberIds"[^>]*value="([0-9a-f-]{36})"/g)][0][1]);
    }
    const form = new URLSearchParams({ intent: "send", mode: "picked" });
    for (const id of picked) form.append("memberIds", id);
    const sent = await staff.post(`${eventPath}/invitations`, form);
    expect(sent.status).toBe(302);
    expect(await waitForWave(staff, locationOf(sent))).toMatchObject({ status: "done", queued: 2 });
    await waitFor(() => sink.messages.length >= 2);

    const byLang = new Map(sink.messages.map((m) => [String(m.html).match(/<html[^>]*lang="([^"]+)"/)?.[1] ?? "", m]));
    const expected = {
      ru: { file: "Письмо-приглашение.pdf", text: "Секретариат Ассоциации имеет честь пригласить" },
      ko: { file: "초청 서한.pdf", text: "동북아시아지방정부연합(NEAR) 사무국은" },
    };
    for (const [lang, want] of Object.entries(expected)) {
      const mail = byLang.get(lang);
      expect(mail, lang).toBeTruthy();
      const names = mail!.attachments.map((a) => a.filename);
      expect(names).toEqual([want.file, "Повестка дня.pdf", "venue-map.png", expect.stringMatching(/\.ics$/)]);
      const letter = mail!.attachments[0];
      expect(letter.contentType).toBe("application/pdf");
      const text = (await pdfText(letter.content)).replace(/\s+/g, " ");
      expect(text).toContain(want.text);
      // the English version on its own page, and the live reply link (the same as in the mail), never the masked one
      expect(text).toContain("On behalf of the Association of North East Asia Regional Governments");
      const link = String(mail!.text).match(/https?:\/\/[^\s]+\/r\/[A-Za-z0-9_-]{20,}/)?.[0];
      expect(link).toBeTruthy();
      expect(text.replace(/ /g, "")).toContain(link);
      expect(text).not.toContain("__plenary_link__");
      expect(mail!.attachments[1].content.equals(AGENDA_PDF)).toBe(true);
      expect(mail!.attachments[2].content.equals(MAP_PNG)).toBe(true);
    }
    if (server.db) {
      // the files are stored once per event; the sent messages' documents are forgotten (by the worker once the
      // relay took the message, a moment after the sink has it)
      const db = server.db;
      expect(await db.selectFrom("event_attachment").select("id").execute()).toHaveLength(2);
      await expect.poll(async () => (await db.selectFrom("email_message_document").select("message_id").execute()).length, { timeout: 15_000 }).toBe(0);
    }
  });

  it("reminds with the same PDF letter, rendered when the reminder is sent, in the recipient's language", async () => {
    const before = sink.messages.length;
    expect((await staff.post(eventPath, { intent: "remind", batch: crypto.randomUUID() })).status).toBe(302);
    await waitFor(() => sink.messages.length >= before + 2);
    const reminders = sink.messages.slice(before);
    const byLang = new Map(reminders.map((m) => [String(m.html).match(/<html[^>]*lang="([^"]+)"/)?.[1] ?? "", m]));
    for (const [lang, want] of Object.entries({
      ru: { file: "Письмо-приглашение.pdf", text: "Секретариат Ассоциации имеет честь пригласить" },
      ko: { file: "초청 서한.pdf", text: "동북아시아지방정부연합(NEAR) 사무국은" },
    })) {
      const mail = byLang.get(lang);
      expect(mail, lang).toBeTruthy();
      const letter = mail!.attachments.find((a) => a.contentType === "application/pdf");
      expect(letter?.filename, lang).toBe(want.file);
      const text = (await pdfText(letter!.content)).replace(/\s+/g, " ");
      expect(text).toContain(want.text);
      expect(text).toContain("On behalf of the Association of North East Asia Regional Governments");
      // the reminder's own live link, the invitation's link, is in the PDF
      const link = String(mail!.text).match(/https?:\/\/[^\s]+\/r\/[A-Za-z0-9_-]{20,}/)?.[0];
      expect(link).toBeTruthy();
      expect(text.replace(/ /g, "")).toContain(link);
      expect(text).not.toContain("__plenary_link__");
    }
  });
});
