import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { checkSheet, COLUMNS, type ImportKind } from "~/lib/directory-import.server";
import { escapeFormula, MAX_UPLOAD_BYTES, readSpreadsheet, SpreadsheetError, toCsv, toXlsx } from "~/lib/spreadsheet.server";
import { applyImportBatch, createImportBatch, previewImport } from "~/models/import-batch.server";
import { listMembers } from "~/models/member.server";
import { createStaffUser } from "~/models/staff-user.server";
import { createTestDb, databaseLabel, type TestDb } from "../helpers/db";

const HEADER = "country,kind,name_en,name_ko,name_ru,time_zone,notes";
const memberLine = (i: number) =>
  `RU,oblast,Test Oblast ${String(i).padStart(3, "0")},테스트 주 ${i},Тестовая область ${i},Asia/Vladivostok,"Line ${i}, with a comma"`;
const csv = (lines: string[]) => new TextEncoder().encode(`\uFEFF${[HEADER, ...lines].join("\r\n")}\r\n`);

async function importFile(t: TestDb, userId: string, kind: ImportKind, name: string, bytes: Uint8Array) {
  const checked = checkSheet(kind, await readSpreadsheet({ name, bytes }));
  if (!checked.valid) return { checked };
  const rows = checked.rows.filter((r): r is Extract<typeof r, { ok: true }> => r.ok);
  const preview = await previewImport(t.db, kind, rows);
  const { id } = await createImportBatch(t.db, { kind, fileName: name, rows, userId });
  return { checked, preview, applied: await applyImportBatch(t.db, { id, user: { id: userId, email: "staff@example.org" } }) };
}

describe(`importing members and contacts (${databaseLabel})`, () => {
  let t: TestDb;
  let userId: string;
  beforeAll(async () => {
    t = await createTestDb();
    userId = (await createStaffUser(t.db, { email: "staff@example.org", displayName: "Staff", passwordHash: "x", role: "staff" })).id;
  });
  afterAll(() => t.close());

  it("a 500-row file with one bad row writes nothing and names the row and the column", async () => {
    const lines = Array.from({ length: 500 }, (_, i) => memberLine(i + 1));
    lines[336] = lines[336].replace("Asia/Vladivostok", "Mars/Olympus");
    const { checked } = await importFile(t, userId, "members", "members.csv", csv(lines));
    expect(checked.valid).toBe(false);
    const bad = checked.rows.filter((r) => !r.ok);
    expect(bad).toEqual([{ line: 338, ok: false, label: "RU Test Oblast 337", errors: [{ column: "time_zone", message: "directory:validation.timeZone" }] }]);
    expect(await listMembers(t.db)).toEqual([]);
  });

  it("imports a valid file in one go; the same file again changes nothing", async () => {
    const bytes = csv(Array.from({ length: 500 }, (_, i) => memberLine(i + 1)));
    const first = await importFile(t, userId, "members", "members.csv", bytes);
    expect(first.preview?.counts).toEqual({ created: 500, updated: 0, unchanged: 0 });
    expect(first.applied?.counts).toEqual({ created: 500, updated: 0, unchanged: 0 });
    const versions = await t.db.selectFrom("member").select(["id", "version"]).orderBy("id").execute();
    const second = await importFile(t, userId, "members", "members.csv", bytes);
    expect(second.applied?.counts).toEqual({ created: 0, updated: 0, unchanged: 500 });
    expect(await t.db.selectFrom("member").select(["id", "version"]).orderBy("id").execute()).toEqual(versions);
    const audit = await t.db.selectFrom("audit_log").select(["action", "details"]).where("action", "=", "directory.import_members").execute();
    expect(audit).toHaveLength(2);
  });

  it("applies a stored batch once even when confirmed twice", async () => {
    const rows = checkSheet("members", await readSpreadsheet({ name: "one.csv", bytes: csv([memberLine(900)]) })).rows;
    const valid = rows.filter((r): r is Extract<typeof r, { ok: true }> => r.ok);
    const { id } = await createImportBatch(t.db, { kind: "members", fileName: "one.csv", rows: valid, userId });
    const user = { id: userId, email: "staff@example.org" };
    const results = await Promise.all([applyImportBatch(t.db, { id, user }), applyImportBatch(t.db, { id, user })]);
    expect(results.map((r) => r.alreadyApplied).sort()).toEqual([false, true]);
    expect((await listMembers(t.db, { q: "Test Oblast 900" })).length).toBe(1);
  });

  it("flags duplicates inside the file, unknown columns, missing columns, control characters and over-long values", async () => {
    const dup = checkSheet("members", await readSpreadsheet({ name: "d.csv", bytes: csv([memberLine(1), memberLine(1)]) }));
    expect(dup.rows[1]).toMatchObject({ line: 3, ok: false, errors: [{ column: "name_en", message: "directory:import.errors.duplicate#2" }] });

    const unknown = checkSheet("members", { headers: ["country", "kind", "name_en", "time_zone", "colour"], rows: [] });
    expect(unknown.fileErrors).toEqual([{ column: "colour", message: "directory:import.errors.unknownColumn" }]);
    const missing = checkSheet("members", { headers: ["country", "name_en"], rows: [] });
    expect(missing.fileErrors.map((e) => e.column)).toEqual(["kind", "time_zone"]);

    const row = { country: "XX", kind: "castle", name_en: "Bad\u202Ename", time_zone: "Asia/Seoul", name_ko: "가".repeat(151), office_email: "nope" };
    const bad = checkSheet("members", { headers: Object.keys(row), rows: [row] }).rows[0];
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((e) => `${e.column}:${e.message}`).sort()).toEqual([
      "country:directory:validation.country",
      "kind:directory:validation.kind",
      "name_en:validation.controlCharacters",
      "name_ko:validation.tooLong#150",
      "office_email:validation.email",
    ]);
  });

  it("imports contacts for existing members, matched by first email, and refuses unknown members", async () => {
    const header =
      "member_country,member_name_en,name_locale,family_name,given_name,patronymic,latin_family_name,latin_given_name,gender,position_en,position_ru,is_head,emails";
    const good = `RU,Test Oblast 001,ru,Иванов,Сергей,Петрович,Ivanov,Sergei,male,Governor,Губернатор,yes,governor@test.example.org`;
    const bytes = new TextEncoder().encode([header, good].join("\n"));
    const first = await importFile(t, userId, "contacts", "contacts.csv", bytes);
    expect(first.applied?.counts).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const again = await importFile(t, userId, "contacts", "contacts.csv", bytes);
    expect(again.applied?.counts).toEqual({ created: 0, updated: 0, unchanged: 1 });

    const orphan = new TextEncoder().encode([header, good.replace("Test Oblast 001", "Atlantis")].join("\n"));
    const rows = checkSheet("contacts", await readSpreadsheet({ name: "c.csv", bytes: orphan })).rows.filter((r): r is Extract<typeof r, { ok: true }> => r.ok);
    const preview = await previewImport(t.db, "contacts", rows);
    expect(preview.rowErrors).toEqual([{ line: 2, errors: [{ column: "member_name_en", message: "directory:import.errors.unknownMember" }] }]);
  });

  it("reads XLSX as well as CSV, and round-trips Hangul, Hanzi, Kana and Cyrillic", async () => {
    const headers = ["country", "kind", "name_en", "name_ko", "name_zh", "name_ja", "name_mn", "time_zone"];
    const values = ["MN", "aimag", "Töv Province", "투브 아이막", "中央省", "トゥブ県", "Төв аймаг", "Asia/Ulaanbaatar"];
    const xlsx = await toXlsx("members", headers, [values]);
    const sheet = await readSpreadsheet({ name: "members.xlsx", bytes: xlsx });
    expect(sheet.rows[0]).toEqual(Object.fromEntries(headers.map((h, i) => [h, values[i]])));
    const checked = checkSheet("members", sheet);
    expect(checked.valid).toBe(true);
  });

  it("refuses files over 2 MiB, empty files, wrong formats and non-UTF-8 CSV with a message key", async () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(0x41);
    await expect(readSpreadsheet({ name: "big.csv", bytes: big })).rejects.toMatchObject({ key: "directory:import.errors.tooLarge" });
    expect(big.byteLength).toBeGreaterThan(MAX_UPLOAD_BYTES);
    await expect(readSpreadsheet({ name: "e.csv", bytes: new Uint8Array() })).rejects.toMatchObject({ key: "directory:import.errors.empty" });
    await expect(readSpreadsheet({ name: "x.pdf", bytes: new TextEncoder().encode("%PDF") })).rejects.toBeInstanceOf(SpreadsheetError);
    await expect(readSpreadsheet({ name: "fake.xlsx", bytes: new TextEncoder().encode("a,b") })).rejects.toMatchObject({
      key: "directory:import.errors.format",
    });
    await expect(readSpreadsheet({ name: "l1.csv", bytes: new Uint8Array([0x63, 0x6f, 0xe9, 0x0a]) })).rejects.toMatchObject({
      key: "directory:import.errors.encoding",
    });
    const manyRows = new TextEncoder().encode([HEADER, ...Array.from({ length: 5001 }, (_, i) => memberLine(i))].join("\n"));
    await expect(readSpreadsheet({ name: "many.csv", bytes: manyRows })).rejects.toMatchObject({ key: "directory:import.errors.tooManyRows" });
  });
});

describe("exports are formula-safe", () => {
  it.each([["=1+1"], ["+SUM(A1)"], ["-2"], ["@cmd"], ["\tx"], ["\rx"]])("escapes %j", (value) => {
    expect(escapeFormula(value)).toBe(`'${value}`);
  });

  it("leaves ordinary text alone", () => {
    for (const value of ["Liaoning", "辽宁省", "Кожемяко", "a=b", "<script>"]) expect(escapeFormula(value)).toBe(value);
  });

  it("writes CSV with a BOM and every dangerous cell as text; a re-parse gives the text back", () => {
    const text = toCsv(["a", "b"], [['=HYPERLINK("http://evil")', '랴오닝성, "quoted"']]);
    expect(text.startsWith("\uFEFF")).toBe(true);
    const [header, row] = parse(text, { bom: true }) as string[][];
    expect(header).toEqual(["a", "b"]);
    expect(row).toEqual(['\'=HYPERLINK("http://evil")', '랴오닝성, "quoted"']);
  });

  it("writes XLSX cells as strings, never formulas", async () => {
    const bytes = await toXlsx("members", COLUMNS.members.slice(0, 2), [["=1+1", "@x"]]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const row = workbook.worksheets[0].getRow(2);
    expect(row.getCell(1).value).toBe("'=1+1");
    expect(row.getCell(1).type).toBe(ExcelJS.ValueType.String);
  });
});
