import { afterAll, describe, expect, it } from "vitest";

import { syntheticBadges } from "../../tests/fixtures/badges";
import { pageCount } from "../../tests/helpers/pdf";
import { closeRenderPool, render } from "./render-pool.server";

const badges = syntheticBadges(1200);

/** How often the event loop turned while `work` ran: 0 when the work held the thread the whole time. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ turns: number; result: T }> {
  let turns = 0;
  let running = true;
  const spin = () => {
    turns++;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return { result: await work(), turns };
  } finally {
    running = false;
  }
}

describe("PDFs and spreadsheets render off the request thread (issue 15)", () => {
  afterAll(() => closeRenderPool());

  it("while 1,200 badges render in the pool, this thread keeps serving (on the request thread it turns not once)", async () => {
    const pooled = await turnsDuring(() =>
      render({ kind: "badges_pdf", input: { lang: "en", eventTitle: "17th General Assembly", badges, layout: "sheet" } }, { threads: 1 }),
    );
    expect(await pageCount(pooled.result)).toBe(150); // 8 a sheet
    expect(pooled.turns).toBeGreaterThan(100);

    // on the request thread (RENDER_THREADS=0): the renderers load on first use, then a render holds the thread
    await render(
      { kind: "badges_pdf", input: { lang: "en", eventTitle: "17th General Assembly", badges: badges.slice(0, 1), layout: "sheet" } },
      { threads: 0 },
    );
    const inline = await turnsDuring(() =>
      render({ kind: "badges_pdf", input: { lang: "en", eventTitle: "17th General Assembly", badges, layout: "sheet" } }, { threads: 0 }),
    );
    expect(await pageCount(inline.result)).toBe(150);
    expect(inline.turns).toBeLessThan(5);
  });

  it("a logo crosses to the worker and is drawn (a Buffer arrives as a Uint8Array and is revived)", async () => {
    // the smallest valid PNG: one transparent pixel
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
    const input = {
      lang: "en" as const,
      eventTitle: "GA",
      badges: badges.slice(0, 1),
      layout: "single" as const,
      letterhead: { name: "NEAR", logo: { data: png, type: "image/png" as const } },
    };
    const withLogo = await render({ kind: "badges_pdf", input }, { threads: 1 });
    const without = await render({ kind: "badges_pdf", input: { ...input, letterhead: { name: "NEAR" } } }, { threads: 1 });
    expect(withLogo.toString("latin1")).toMatch(/\/Subtype \/Image/);
    expect(without.toString("latin1")).not.toMatch(/\/Subtype \/Image/);
  });

  it("a spreadsheet renders in the pool too, and a task the worker cannot do is an error here, not a crash", async () => {
    const xlsx = await render({ kind: "xlsx", input: { sheetName: "Roster", headers: ["Name"], rows: [["=1+1"], ["김철수"]] } }, { threads: 1 });
    expect(xlsx.subarray(0, 2).toString()).toBe("PK"); // a zip container
    await expect(render({ kind: "nonsense" } as never, { threads: 1 })).rejects.toThrow();
  });
});
