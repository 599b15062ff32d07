import zlib from "node:zlib";

type Rgb = [number, number, number];

/** One PNG chunk: length, type, data and CRC-32 over type + data. */
export function pngChunk(type: string, data: Buffer) {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
  return out;
}

/**
 * A real, decodable 8-bit RGB PNG, as an image editor would export it: one colour or `colour(x, y)`,
 * optionally padded with a private ancillary chunk to make it as large as a test needs.
 */
export function png(
  width: number,
  height: number,
  { padding = 0, colour = () => [0x40, 0x40, 0x40] }: { padding?: number; colour?: (x: number, y: number) => Rgb } = {},
) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Array.from({ length: height }, (_, y) => Buffer.from([0, ...Array.from({ length: width }, (_, x) => colour(x, y)).flat()]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    ...(padding ? [pngChunk("prVt", Buffer.alloc(padding, 0x20))] : []),
    pngChunk("IDAT", zlib.deflateSync(Buffer.concat(rows))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}
