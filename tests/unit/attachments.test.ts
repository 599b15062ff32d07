import { describe, expect, it } from "vitest";

import { checkAttachment, checkFilename, detectKind } from "~/lib/attachments";

const PDF = Buffer.from("%PDF-1.7\n...\n%%EOF\n");
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/** A ZIP with one stored entry per name (enough for the local-header walk). */
function zip(names: string[]): Buffer {
  return Buffer.concat(
    names.map((name) => {
      const header = Buffer.alloc(30);
      header.writeUInt32LE(0x04034b50, 0);
      header.writeUInt16LE(Buffer.byteLength(name), 26);
      return Buffer.concat([header, Buffer.from(name)]);
    }),
  );
}

describe("attachments are recognised by their bytes", () => {
  it("accepts PDF, PNG, Office documents and text; refuses programs and unknown bytes", () => {
    expect(detectKind(PDF)).toEqual({ ok: true, kind: "pdf" });
    expect(detectKind(PNG)).toEqual({ ok: true, kind: "png" });
    expect(detectKind(zip(["[Content_Types].xml", "word/document.xml"]))).toEqual({ ok: true, kind: "docx" });
    expect(detectKind(zip(["[Content_Types].xml", "xl/workbook.xml"]))).toEqual({ ok: true, kind: "xlsx" });
    expect(detectKind(zip(["payload.exe"]))).toEqual({ ok: false, problem: "unknownType" });
    expect(detectKind(Buffer.from("Программа визита\n"))).toEqual({ ok: true, kind: "txt" });
    expect(detectKind(Buffer.from("MZ\x90\x00"))).toEqual({ ok: false, problem: "executable" });
    expect(detectKind(Buffer.from("\x7fELF\x02"))).toEqual({ ok: false, problem: "executable" });
    expect(detectKind(Buffer.from("#!/bin/sh\nrm -rf /\n"))).toEqual({ ok: false, problem: "executable" });
    // a PDF header glued onto something else
    expect(detectKind(Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(3000, 0x90)]))).toEqual({ ok: false, problem: "unknownType" });
    expect(detectKind(Buffer.alloc(0))).toEqual({ ok: false, problem: "empty" });
  });

  it("refuses names that hide their type or carry a path, and a name that disagrees with the content", () => {
    expect(checkFilename("  Повестка дня.PDF ")).toEqual({ ok: true, name: "Повестка дня.PDF", extension: "pdf" });
    expect(checkFilename("agenda\u202Efdp.exe")).toEqual({ ok: false, problem: "nameBidi" });
    expect(checkFilename("agenda\u2067.pdf")).toEqual({ ok: false, problem: "nameBidi" });
    expect(checkFilename("a\u0000.pdf")).toEqual({ ok: false, problem: "nameControl" });
    expect(checkFilename("../etc/passwd")).toEqual({ ok: false, problem: "namePath" });
    expect(checkFilename("C:agenda.pdf")).toEqual({ ok: false, problem: "namePath" });
    expect(checkFilename(".htaccess")).toEqual({ ok: false, problem: "nameDots" });
    expect(checkFilename("x".repeat(200) + ".pdf")).toEqual({ ok: false, problem: "nameTooLong" });
    expect(checkAttachment("map.pdf", PNG)).toEqual({ ok: false, problem: "nameMismatch" });
    expect(checkAttachment("agenda.pdf", PDF)).toEqual({
      ok: true,
      file: { filename: "agenda.pdf", kind: "pdf", contentType: "application/pdf", size: PDF.length },
    });
  });
});
