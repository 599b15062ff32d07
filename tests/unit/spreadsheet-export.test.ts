// XLSX exports render in the render pool's threads, which share the server's heap budget (npm start's
// --max-old-space-size, 256 MB): a large export must fit in it, and still be a proper sheet.
import path from "node:path";

import ExcelJS from "exceljs";
import { Piscina } from "piscina";
import { afterAll, describe, expect, it } from "vitest";

import { sheetTitle, toXlsx } from "~/lib/spreadsheet.server";
import { ROOT } from "../helpers/paths";

describe("XLSX exports", () => {
  // a thread of the real render pool (app/lib/render-worker.mjs) with less heap than the server's budget
  const pool = new Piscina({ filename: path.join(ROOT, "app/lib/render-worker.mjs"), maxThreads: 1, resourceLimits: { maxOldGenerationSizeMb: 160 } });
  afterAll(() => pool.destroy());

  it("10,000 rows of 30 columns render in a render thread with 160 MB of heap", async () => {
    const headers = Array.from({ length: 30 }, (_, i) => `Column ${i + 1}`);
    const rows = Array.from({ length: 10_000 }, (_, r) => headers.map((_, c) => `대표단 ${r} Делегация ${c} 代表团`));
    rows[9_999][29] = '=HYPERLINK("http://evil")';
    const bytes = (await pool.run({ kind: "xlsx", input: { sheetName: "List of Participants", headers, rows } })) as Uint8Array;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe("List of Participants");
    expect(sheet.rowCount).toBe(10_001);
    expect(sheet.getRow(5_001).getCell(30).value).toBe("대표단 4999 Делегация 29 代表团");
    expect(sheet.getRow(10_001).getCell(30).value).toBe('\'=HYPERLINK("http://evil")');
  }, 60_000);

  it("has a bold header row that stays in view, and text cells only", async () => {
    const bytes = await toXlsx("A sheet name longer than Excel's thirty-one characters", ["이름", "Имя"], [["김철수", "+7 914"]]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    // cut to Excel's 31 characters, and no apostrophe left at the end (Excel and ExcelJS refuse to open that)
    expect(sheet.name).toBe("A sheet name longer than Excel");
    expect(sheet.getRow(1).getCell(1).value).toBe("이름");
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(sheet.getColumn(2).width).toBe(22);
    expect(sheet.getRow(2).getCell(2).value).toBe("'+7 914");
    expect(sheet.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.String);
  });

  it("names a sheet only with what Excel accepts", () => {
    expect(sheetTitle("Roster: Day 1/2 [draft]?")).toBe("Roster  Day 1 2  draft");
    expect(sheetTitle("'quoted'")).toBe("quoted");
    expect(sheetTitle("참가자 명단")).toBe("참가자 명단");
    expect(sheetTitle("*/?")).toBe("Sheet1");
  });
});
