import { PassThrough, type Transform } from "node:stream";
import { text } from "node:stream/consumers";

import { renderToPipeableStream, renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { withoutTrailingNulls } from "~/lib/html-stream.server";

/** A page streamed the way entry.server.tsx streams it: through `body`, read back whole. */
function stream(element: React.ReactElement, body: Transform): Promise<string> {
  return new Promise((resolve, reject) => {
    const { pipe } = renderToPipeableStream(element, {
      onAllReady() {
        pipe(body);
        text(body).then(resolve, reject);
      },
      onError: reject,
    });
  });
}

// Cyrillic (2 bytes) and Hangul (3 bytes) text shifted by 0–3 ASCII letters: some multibyte character straddles
// the renderer's 2 KB buffer boundary in every language and offset.
const pages = ["вопросам ", "회신하지 않은 "].flatMap((word) =>
  [0, 1, 2, 3].map((shift) => (
    <main key={shift}>
      {Array.from({ length: 60 }, (_, i) => (
        <p key={i}>{"a".repeat(shift + (i % 3)) + word.repeat(6)}</p>
      ))}
    </main>
  )),
);

describe("the HTML stream", () => {
  it("carries no zero bytes: the page is exactly what React renders as a string", async () => {
    for (const page of pages) {
      const html = await stream(page, withoutTrailingNulls());
      expect(html).not.toContain("\0");
      expect(html).toBe(renderToString(page));
    }
  });

  it("(React 18 itself leaves them in: the case above is real)", async () => {
    const raw = await Promise.all(pages.map((page) => stream(page, new PassThrough())));
    expect(raw.some((html) => html.includes("\0"))).toBe(true);
  });
});
