/** qrcode on first use (e-badges, the authenticator set-up), not at start-up. */
const qrcode = async () => (await import("qrcode")).default;

/**
 * The e-badge's QR code carries exactly what the printed badge's does (app/lib/pdf/badges.server.ts): the
 * delegate's check-in code, error correction M, the 4-module quiet zone. Check-in scans either the same way.
 */
const OPTIONS = { errorCorrectionLevel: "M", margin: 4 } as const;

/** A PNG for email (sent as an inline CID image: Gmail and Outlook do not show data: images). */
export async function qrPng(text: string): Promise<Buffer> {
  return (await qrcode()).toBuffer(text, { ...OPTIONS, type: "png", scale: 8, color: { dark: "#000000", light: "#ffffff" } });
}

/** One SVG path of the dark modules and the side in modules (quiet zone included), for the e-badge page. */
export async function qrSvgPath(text: string): Promise<{ path: string; size: number }> {
  const { modules } = (await qrcode()).create(text, { errorCorrectionLevel: OPTIONS.errorCorrectionLevel });
  const n = modules.size;
  const quiet = OPTIONS.margin;
  const parts: string[] = [];
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      parts.push(`M${start + quiet} ${row + quiet}h${col - start}v1h${start - col}z`);
    }
  }
  return { path: parts.join(""), size: n + 2 * quiet };
}
