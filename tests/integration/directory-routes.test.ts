import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { countMembers } from "~/models/member.server";
import { loadDemo } from "../fixtures/directory";
import { newAccount, serverDb } from "../fixtures/staff";
import { databaseLabel } from "../helpers/db";
import { locationOf, type TestClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

function multipart(fields: Record<string, string>, file: { name: string; type: string; content: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new Blob([file.content], { type: file.type }), file.name);
  return form;
}

/**
 * The administrator and the viewer are shared and no test changes them; each test adds the members it looks at
 * (the demo load is idempotent), so each passes alone and in any order.
 */
describe(`directory pages over HTTP (${databaseLabel})`, () => {
  let server: TestServer;
  let adminClient: TestClient;
  let viewerClient: TestClient;
  /** The members page as each of them first saw it: before any test has added a member. */
  let firstVisit: { admin: string; viewer: string };

  beforeAll(async () => {
    server = await startTestServer();
    adminClient = (await newAccount(server, "admin")).client;
    viewerClient = (await newAccount(server, "viewer")).client;
    firstVisit = {
      admin: await (await adminClient.get("/members")).text(),
      viewer: await (await viewerClient.get("/members")).text(),
    };
  });
  afterAll(() => server.dispose());

  it("shows an empty directory with the demo button to admins only", async () => {
    for (const page of [firstVisit.admin, firstVisit.viewer]) expect(page).toContain("The directory is empty");
    expect(firstVisit.admin).toContain("Load demo data");
    expect(firstVisit.viewer).not.toContain("Load demo data");
  });

  it("refuses the demo load and member creation to a viewer (403), and allows them to an admin", async () => {
    expect((await viewerClient.post("/members?index", { intent: "load-demo" })).status).toBe(403);
    expect((await viewerClient.get("/members/new")).status).toBe(403);
    const loaded = await adminClient.post("/members?index", { intent: "load-demo" });
    expect(loaded.status).toBe(302);
    expect(locationOf(loaded)).toBe("/members?loaded=82");
    const page = await (await viewerClient.get("/members?q=%EB%9E%B4%EC%98%A4%EB%8B%9D", { "accept-language": "ko" })).text();
    expect(page).toContain("Liaoning Province");
  });

  it("validates the member form on the server, in the user's language", async () => {
    const response = await adminClient.post(
      "/members/new",
      { "names.en": "", country: "ZZ", kind: "castle", timeZone: "Mars/Base", status: "member", defaultLocale: "ru" },
      { "accept-language": "ru" },
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('lang="ru"');
    expect(html).toContain("Пожалуйста, заполните это поле.");
  });

  it("stores markup verbatim and renders it escaped", async () => {
    const created = await adminClient.post("/members/new", {
      "names.en": "<script>alert('x')</script> Oblast",
      country: "RU",
      kind: "oblast",
      status: "member",
      defaultLocale: "ru",
      timeZone: "Asia/Omsk",
    });
    expect(created.status).toBe(302);
    const html = await (await adminClient.get(locationOf(created))).text();
    expect(html).toContain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Oblast");
    expect(html).not.toContain("<script>alert('x')</script>");
  });

  it("refuses a 3 MiB upload with a clear message and writes nothing", async () => {
    const importBatches = async () => (await serverDb(server).selectFrom("import_batch").select("id").execute()).length;
    const [members, batches] = [await countMembers(serverDb(server)), await importBatches()];
    const big = "country,kind,name_en,time_zone\n" + "RU,oblast,X,Asia/Omsk\n".repeat(150_000);
    const response = await fetch(`${server.url}/members/import`, {
      method: "POST",
      headers: { origin: server.url, cookie: `plenary_session=${adminClient.cookies.get("plenary_session")}`, "accept-language": "en" },
      body: multipart({ kind: "members" }, { name: "big.csv", type: "text/csv", content: big }),
      redirect: "manual",
    });
    expect(big.length).toBeGreaterThan(3 * 1024 * 1024);
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("The file is larger than 2 MB");
    expect(await countMembers(serverDb(server))).toBe(members);
    expect(await importBatches()).toBe(batches);
  });

  it("checks an upload, then imports it on confirmation; a second confirmation applies nothing twice", async () => {
    const csv = "country,kind,name_en,name_ko,time_zone\nRU,oblast,Kaliningrad Oblast,칼리닌그라드주,Europe/Kaliningrad\n";
    const cookie = `plenary_session=${adminClient.cookies.get("plenary_session")}`;
    const check = await fetch(`${server.url}/members/import`, {
      method: "POST",
      headers: { origin: server.url, cookie },
      body: multipart({ kind: "members" }, { name: "one.csv", type: "text/csv", content: csv }),
    });
    const html = await check.text();
    expect(check.status).toBe(200);
    const batchId = html.match(/name="batchId" value="([0-9a-f-]{36})"/)?.[1];
    expect(batchId).toBeDefined();
    const apply = await adminClient.post("/members/import", { intent: "apply", batchId: batchId! });
    expect(locationOf(apply)).toBe("/members/import?done=members&created=1&updated=0&unchanged=0");
    const again = await adminClient.post("/members/import", { intent: "apply", batchId: batchId! });
    expect(locationOf(again)).toBe("/members/import?done=members&created=0&updated=0&unchanged=0");
  });

  it("a preview names a bad cell in words, whichever namespace its message comes from", async () => {
    const csv = "country,kind,name_en,time_zone,office_email\nRU,oblast,Tver Oblast,Mars/Olympus,not-an-address\n";
    const check = await fetch(`${server.url}/members/import`, {
      method: "POST",
      headers: { origin: server.url, cookie: `plenary_session=${adminClient.cookies.get("plenary_session")}`, "accept-language": "en" },
      body: multipart({ kind: "members" }, { name: "bad.csv", type: "text/csv", content: csv }),
    });
    const html = (await check.text()).replaceAll("<!-- -->", "");
    expect(html).toContain("<code>office_email</code>: Please enter a valid email address");
    expect(html).toContain("<code>time_zone</code>: Please enter a time zone such as Asia/Seoul.");
    expect(html).not.toMatch(/<\/code>: [\w:]*validation\./);
  });

  it("exports members as formula-safe UTF-8 CSV with a BOM and contacts as XLSX, audited; viewers may not export", async () => {
    expect((await viewerClient.get("/members/export?type=contacts&format=csv")).status).toBe(403);
    await loadDemo(adminClient);
    // a name that a spreadsheet would run as a formula
    const created = await adminClient.post("/members/new", {
      "names.en": '=HYPERLINK("http://evil.example","Open")',
      country: "MN",
      kind: "aimag",
      status: "observer",
      defaultLocale: "mn",
      timeZone: "Asia/Ulaanbaatar",
    });
    expect(created.status).toBe(302);
    const response = await adminClient.get("/members/export?type=members&format=csv");
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="plenary-members-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(new TextDecoder().decode(bytes), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.name_en === "Liaoning Province")).toMatchObject({ name_ko: "랴오닝성", name_zh: "辽宁省", country: "CN" });
    expect(rows.filter((r) => r.name_en.includes("HYPERLINK")).map((r) => r.name_en)).toEqual(['\'=HYPERLINK("http://evil.example","Open")']);

    const audited = async () => {
      const csv = parse(await (await adminClient.get("/settings/audit.csv")).text(), { bom: true, columns: true }) as Record<string, string>[];
      return csv.filter((row) => row.action === "directory.contacts_exported").length;
    };
    const auditedBefore = await audited();
    const contacts = await adminClient.get("/members/export?type=contacts&format=xlsx");
    expect(contacts.headers.get("content-type")).toContain("spreadsheetml");
    expect(new Uint8Array(await contacts.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
    expect(await audited()).toBe(auditedBefore + 1);
  });
});
