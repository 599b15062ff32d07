import { render } from "@react-email/render";
import { describe, expect, it } from "vitest";

import { renderEmail, renderEmailText } from "~/mail/render-email.server";
import Ebadge from "../../emails/ebadge";
import Letter from "../../emails/letter";
import StaffLink from "../../emails/staff-link";
import TestMessage from "../../emails/test-message";

/** What a streaming render adds for hydration, and nothing else: Suspense boundaries and text separators. */
const withoutHydrationMarkers = (html: string) => html.replace(/<!--\$-->|<!--\/\$-->|<!-- -->/g, "");

// Values as a member's directory entry or a letter's text may hold them: markup, quotes, ampersands, line breaks,
// six scripts, a letterhead with a logo and an address.
const HOSTILE = `<script>alert("x")</script> & 'quoted' "double" 김민수 李明 山田太郎 Цыденов Батбаяр`;
const LETTERHEAD = { name: "NEAR Secretariat", logoUrl: "https://example.org/logo.png?a=1&b=2", address: "Pohang\n경상북도 포항시" };

const elements = {
  letter: Letter({ ...Letter.PreviewProps }),
  "letter, hostile values and an English second part": Letter({
    ...Letter.PreviewProps,
    lang: "ko",
    preview: HOSTILE,
    paragraphs: [`${HOSTILE},`, "첫째 줄\n둘째 줄", "Yours sincerely,"],
    facts: { heading: "회의", rows: [{ label: "일시", value: HOSTILE }] },
    footer: HOSTILE,
    second: { lang: "en", heading: "English version", paragraphs: [HOSTILE], linkLabel: "Reply" },
    letterhead: LETTERHEAD,
  }),
  ebadge: Ebadge({ ...Ebadge.PreviewProps }),
  "ebadge, hostile values": Ebadge({ ...Ebadge.PreviewProps, greeting: HOSTILE, intro: HOSTILE, letterhead: LETTERHEAD }),
  "staff link": StaffLink({ ...StaffLink.PreviewProps }),
  "test message": TestMessage({ ...TestMessage.PreviewProps, body: HOSTILE }),
};

describe("an email's HTML made by one synchronous render (issue 15: composing a 5,000-letter wave)", () => {
  for (const [name, element] of Object.entries(elements)) {
    it(`is react-email's document without the streaming render's hydration markers: ${name}`, async () => {
      const ours = renderEmail(element);
      const theirs = await render(element);
      expect(theirs).toMatch(/<!--\$-->/); // the comparison means something only if react-email streamed
      expect(ours).not.toMatch(/<!--\$-->|<!-- -->/);
      expect(ours).toBe(withoutHydrationMarkers(theirs));
      // the plain-text part is react-email's own from the same HTML
      expect(renderEmailText(ours)).toBe(await render(element, { plainText: true }));
    });
  }

  it("keeps values as text: markup in a value is shown, never run", () => {
    const html = renderEmail(elements["letter, hostile values and an English second part"]);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;");
  });
});
