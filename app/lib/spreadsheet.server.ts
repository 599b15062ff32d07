import { PassThrough } from "node:stream";

import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type ExcelJS from "exceljs";

/** ExcelJS on first use: it weighs some 30 MB in a process that never reads or writes a workbook. */
const excel = async () => (await import("exceljs")).default;

export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
export const MAX_ROWS = 5000;

export type Sheet = { headers: string[]; rows: Record<string, string>[] };

export class SpreadsheetError extends Error {
  constructor(
    public key: string,
    public values: Record<string, string | number> = {},
  ) {
    super(key);
    this.name = "SpreadsheetError";
  }
}

/** Reads an uploaded CSV (UTF-8, with or without BOM; comma, semicolon or tab) or XLSX file, first sheet. */
export async function readSpreadsheet(file: { name: string; bytes: Uint8Array }): Promise<Sheet> {
  if (file.bytes.byteLength > MAX_UPLOAD_BYTES) throw new SpreadsheetError("directory:import.errors.tooLarge", { max: 2 });
  if (file.bytes.byteLength === 0) throw new SpreadsheetError("directory:import.errors.empty");
  const isZip = file.bytes[0] === 0x50 && file.bytes[1] === 0x4b; // XLSX is a zip: "PK"
  const lower = file.name.toLowerCase();
  if (lower.endsWith(".xlsx") !== isZip || !(lower.endsWith(".xlsx") || lower.endsWith(".csv"))) {
    throw new SpreadsheetError("directory:import.errors.format");
  }
  const matrix = isZip ? await readXlsx(file.bytes) : readCsv(file.bytes);
  const [headerRow, ...body] = matrix.filter((row) => row.some((cell) => cell.trim() !== ""));
  if (!headerRow) throw new SpreadsheetError("directory:import.errors.empty");
  if (body.length > MAX_ROWS) throw new SpreadsheetError("directory:import.errors.tooManyRows", { max: MAX_ROWS, count: body.length });
  const headers = headerRow.map((h) => h.trim().toLowerCase());
  return {
    headers,
    rows: body.map((cells) => Object.fromEntries(headers.map((h, i) => [h, (cells[i] ?? "").trim()]))),
  };
}

function readCsv(bytes: Uint8Array): string[][] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new SpreadsheetError("directory:import.errors.encoding");
  }
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const delimiter = [",", ";", "\t"].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0];
  try {
    return parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new SpreadsheetError("directory:import.errors.csv", { detail: (error as Error).message.slice(0, 200) });
  }
}

async function readXlsx(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new (await excel()).Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw new SpreadsheetError("directory:import.errors.xlsx");
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new SpreadsheetError("directory:import.errors.empty");
  if (sheet.rowCount > MAX_ROWS + 1) throw new SpreadsheetError("directory:import.errors.tooManyRows", { max: MAX_ROWS, count: sheet.rowCount - 1 });
  const out: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let i = 1; i <= row.cellCount; i++) cells.push(cellText(row.getCell(i).value));
    out.push(cells);
  });
  return out;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value) return String(value.text);
    if ("result" in value) return value.result === undefined ? "" : String(value.result);
    if ("formula" in value) return "";
  }
  return String(value);
}

/**
 * Spreadsheet programs run a cell that starts with = + - @ TAB, CR or NUL as a formula (CSV injection);
 * a leading apostrophe makes it text. OWASP / ASVS 5.0 V1.2.10.
 */
export function escapeFormula(value: string): string {
  return /^[=+\-@\t\r\0]/.test(value) ? `'${value}` : value;
}

/** CSV with a UTF-8 BOM (so Excel reads Hangul, Hanzi and Cyrillic correctly), CRLF, every cell formula-safe. */
export function toCsv(headers: string[], rows: string[][]): string {
  return "\uFEFF" + stringify([headers, ...rows.map((row) => row.map(escapeFormula))], { record_delimiter: "\r\n" });
}

/** A name Excel accepts for a sheet: at most 31 characters, none of : \\ / ? * [ ], no apostrophe at either end. */
export function sheetTitle(name: string): string {
  const title = [...name.replace(/[:\\/?*[\]]/g, " ")]
    .slice(0, 31)
    .join("")
    .replace(/^[\s']+|[\s']+$/g, "");
  return title || "Sheet1";
}

/**
 * XLSX with a bold, frozen header row and every cell formula-safe text. Written row by row with ExcelJS's streaming
 * writer: each row is committed as XML into the zip as it is added, so memory does not grow with a cell object per
 * value (10,000 rows of 30 columns took 432 MB of heap in the in-memory workbook, over a render thread's budget).
 */
export async function toXlsx(sheetName: string, headers: string[], rows: string[][]): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  // awaited at the end; a failure before that is thrown by the step that failed, not left unhandled here
  ended.catch(() => undefined);
  const workbook = new (await excel()).stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = "Plenary";
  const sheet = workbook.addWorksheet(sheetTitle(sheetName), { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = headers.map(() => ({ width: 22 }));
  const head = sheet.addRow(headers);
  head.font = { bold: true };
  head.commit();
  for (const row of rows) sheet.addRow(row.map(escapeFormula)).commit();
  sheet.commit();
  await workbook.commit();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}
