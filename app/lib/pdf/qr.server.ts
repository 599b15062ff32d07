import QRCode from "qrcode";

/**
 * Draw a QR code as vector squares (error correction M) with the 4-module quiet zone the standard asks for,
 * `size` points wide including the quiet zone. Horizontal runs of dark modules become one rectangle each, all
 * filled at once.
 */
export function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const quiet = 4;
  const n = modules.size;
  const unit = size / (n + 2 * quiet);
  doc.rect(x, y, size, size).fill("#ffffff");
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      // a hair of overlap so that no white seams show between modules when rasterised
      doc.rect(x + (quiet + start) * unit, y + (quiet + row) * unit, (col - start) * unit + 0.01, unit + 0.01);
    }
  }
  doc.fill("#000000");
}
