import zlib from "node:zlib";

import { describe, expect, it } from "vitest";

import { checkLogo, MAX_LOGO_BYTES } from "~/lib/logo.server";
import { png as pngOf } from "../../tests/helpers/png";

const png = (width: number, height: number, padding = 0) => pngOf(width, height, { padding });

const svg = (body: string, attributes = "") =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported -->\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 40"${attributes}>${body}</svg>\n`,
  );

describe("logo upload checks", () => {
  it("accepts a PNG and reads its dimensions", () => {
    const result = checkLogo(png(120, 48));
    expect(result).toMatchObject({ ok: true, type: "image/png", width: 120, height: 48 });
  });

  it("refuses files above 512 KB, empty files and other formats", () => {
    expect(checkLogo(png(10, 10, MAX_LOGO_BYTES))).toEqual({ ok: false, problem: "tooLarge" });
    expect(checkLogo(new Uint8Array())).toEqual({ ok: false, problem: "empty" });
    expect(checkLogo(Buffer.from("GIF89a\x01\x00\x01\x00"))).toEqual({ ok: false, problem: "format" });
    expect(checkLogo(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]))).toEqual({ ok: false, problem: "format" });
    expect(checkLogo(Buffer.from("<html><body>hello</body></html>"))).toEqual({ ok: false, problem: "format" });
  });

  it("refuses a truncated PNG, a damaged chunk and anything appended after IEND", () => {
    const good = png(32, 32);
    expect(checkLogo(good.subarray(0, good.length - 6))).toEqual({ ok: false, problem: "pngCorrupt" });
    const damaged = Buffer.from(good);
    damaged[45] ^= 0xff; // inside IDAT: its CRC no longer matches
    expect(checkLogo(damaged)).toEqual({ ok: false, problem: "pngCorrupt" });
    expect(checkLogo(Buffer.concat([good, Buffer.from("<script>alert(1)</script>")]))).toEqual({ ok: false, problem: "pngCorrupt" });
    expect(checkLogo(good.subarray(0, 8))).toEqual({ ok: false, problem: "pngCorrupt" });
  });

  it("refuses a PNG whose dimensions are absurd (a decompression bomb for the PDF renderer)", () => {
    expect(checkLogo(png(5000, 1))).toEqual({ ok: false, problem: "pngDimensions" });
    const header = png(1, 1);
    header.writeUInt32BE(100_000, 16); // claims 100000 × 1 with a consistent CRC
    header.writeUInt32BE(zlib.crc32(header.subarray(12, 29)), 29);
    expect(checkLogo(header)).toEqual({ ok: false, problem: "pngDimensions" });
  });

  it("accepts a plain SVG with gradients, internal references and an embedded raster image", () => {
    const file = svg(
      `<defs><linearGradient id="g"><stop offset="0" stop-color="#17406d"/></linearGradient><style>.t{font-family:'Noto Sans';fill:url(#g)}</style></defs>` +
        `<rect id="r" width="100" height="40" fill="url(#g)"/><use href="#r" xlink:href="#r"/>` +
        `<image width="10" height="10" href="data:image/png;base64,iVBORw0KGgo="/><text class="t" x="4" y="30">NEAR · 동북아</text>`,
      ' version="1.1" font-family="Noto Sans"',
    );
    expect(checkLogo(file)).toMatchObject({ ok: true, type: "image/svg+xml" });
  });

  it.each([
    ["a script element", `<script>alert(1)</script>`, "svgScript"],
    ["a namespaced script element", `<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>`, "svgScript"],
    ["an onload attribute", `<rect width="1" height="1" onload="alert(1)"/>`, "svgEvents"],
    ["an event attribute after a slash", `<g/onclick=alert(1)></g>`, "svgEvents"],
    ["a javascript: link", `<a href="javascript:alert(1)"><text>x</text></a>`, "svgScript"],
    ["an entity-encoded javascript: link", `<a xlink:href="&#106;ava&#x73;cript&colon;alert(1)"><text>x</text></a>`, "svgScript"],
    ["an external image", `<image href="https://tracker.example/pixel.png" width="1" height="1"/>`, "svgLinks"],
    ["an external use", `<use xlink:href="other.svg#shape"/>`, "svgLinks"],
    ["an external stylesheet import", `<style>@import url(https://example.org/x.css);</style>`, "svgLinks"],
    ["an external url() in a style", `<rect style="fill:url(https://example.org/p.svg#p)" width="1" height="1"/>`, "svgLinks"],
    ["an animation that rewrites a link", `<a href="#x"><set attributeName="href" to="#y"/></a>`, "svgLinks"],
    ["a foreignObject", `<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>`, "svgForeignObject"],
    ["an iframe", `<iframe src="#x"></iframe>`, "svgForeignObject"],
  ])("refuses an SVG with %s", (_, body, problem) => {
    expect(checkLogo(svg(body))).toEqual({ ok: false, problem });
  });

  it("refuses an SVG with a DOCTYPE or entity declarations (external entities, billion laughs)", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>`;
    expect(checkLogo(Buffer.from(xxe))).toEqual({ ok: false, problem: "svgDoctype" });
    const stylesheet = `<?xml version="1.0"?><?xml-stylesheet href="https://example.org/x.css"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`;
    expect(checkLogo(Buffer.from(stylesheet))).toEqual({ ok: false, problem: "svgDoctype" });
  });

  it("refuses text that only mentions svg, and SVG that is not UTF-8", () => {
    expect(checkLogo(Buffer.from(`<html><body><svg viewBox="0 0 1 1"></svg></body></html>`))).toEqual({ ok: false, problem: "svgInvalid" });
    expect(
      checkLogo(Buffer.concat([Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><text>`), Buffer.from([0xff, 0xfe]), Buffer.from(`</text></svg>`)])),
    ).toEqual({
      ok: false,
      problem: "svgInvalid",
    });
  });
});
