import { describe, expect, it } from "vitest";

import { type Lng, supportedLngs } from "~/i18n";
import { composeLetter, composeLetterFully, letterFrameStats, type LetterIdentity } from "~/mail/compose.server";
import type { EventRow } from "~/models/event.server";
import { defaultLetter } from "~/models/letter.server";
import { EVENT_ROW } from "../../tests/fixtures/event-row";

// characters HTML escapes in the venue too, which the frame carries as it is
const EVENT: EventRow = {
  ...EVENT_ROW,
  venue: { en: "Pohang & Gyeongju <Korea>", ko: '포항 "포스코" 국제관' },
  timeZone: "Asia/Seoul",
  format: "in_person",
  meetingUrl: null,
};

const IDENTITY: LetterIdentity = {
  name: { en: "NEAR Secretariat", ko: "NEAR 사무국" },
  shortName: "NEAR",
  address: { en: "Pohang, Republic of Korea" },
  signature: { en: "Secretary General\nNEAR Secretariat" },
  logoUrl: "https://plenary.example.org/logo?v=3",
};

/** Members whose names and heads a mail merge could get wrong: markup, quotes, ampersands, six scripts, apostrophes. */
const MEMBERS = [
  {
    names: { en: "Primorsky Krai", ru: "Приморский край" },
    headTitle: { en: "Governor", ru: "Губернатор" },
    head: { familyName: "Kozhemyako", givenName: "Oleg" },
  },
  {
    names: { en: `<b>Busan</b> & "Metro" 'City'`, ko: "부산광역시 & <시청>" },
    headTitle: { en: "Mayor" },
    head: { familyName: "Park", givenName: "Heong-joon" },
  },
  { names: { en: "Tottori", ja: "鳥取県" }, headTitle: { en: "Governor", ja: "知事" }, head: null },
  { names: { en: "Töv Aimag", mn: "Төв аймаг" }, headTitle: {}, head: { familyName: "O'Neil & <Sons>", givenName: "Bat-Erdene" } },
  { names: { en: "Liaoning", zh: "辽宁省" }, headTitle: { en: "Governor", zh: "省长" }, head: { familyName: "王", givenName: "新伟" } },
  // replacement patterns of String.replace: inserted as written
  { names: { en: "Gov $& $1 $$ $' $`", ko: "$& 도" }, headTitle: { en: "$1 Governor" }, head: null },
];

const inputOf = (member: (typeof MEMBERS)[number], locale: Lng, bilingual: boolean) => ({
  kind: "invitation" as const,
  locale,
  letter: defaultLetter("invitation", locale),
  english: bilingual && locale !== "en" ? defaultLetter("invitation", "en") : null,
  event: EVENT,
  member: { names: member.names, headTitle: member.headTitle },
  head: member.head ? { nameLocale: locale, familyName: member.head.familyName, givenName: member.head.givenName } : null,
  rsvpUrl: "https://plenary.example.org/r/{{link}}",
  identity: IDENTITY,
});

describe("a wave's letters are filled into one frame per language (issue 15)", () => {
  it.each(supportedLngs)("%s: every letter is exactly the letter composed on its own, bilingual or not", async (locale) => {
    const before = letterFrameStats.merged;
    for (const bilingual of [false, true]) {
      for (const member of MEMBERS) {
        const input = inputOf(member, locale, bilingual);
        expect(await composeLetter(input)).toEqual(await composeLetterFully(input));
      }
    }
    // the frame was used (the comparison above is not between two full compositions)
    expect(letterFrameStats.merged - before).toBe(MEMBERS.length * 2);
  });

  it("a name the letter's layout could treat differently (a line break, a run of spaces, nothing, a link, a placeholder) is composed on its own", async () => {
    for (const names of [
      { en: "Primorsky\nKrai" },
      { en: "Primorsky  Krai" },
      { en: "" },
      { en: " Krai" },
      { en: "https://evil.example" },
      { en: "{{salutation}}" },
    ]) {
      const input = { ...inputOf(MEMBERS[0], "en", true), member: { names, headTitle: {} } };
      const before = { ...letterFrameStats };
      expect(await composeLetter(input)).toEqual(await composeLetterFully(input));
      expect(letterFrameStats.rendered - before.rendered).toBe(1);
      expect(letterFrameStats.merged).toBe(before.merged);
    }
  });

  it("markup in a name is shown as text in the merged letter, never run", async () => {
    const { html, subject, text } = await composeLetter({
      ...inputOf(MEMBERS[1], "en", false),
      letter: { subject: "Invitation for {{member}}", body: "Dear {{member}}," },
    });
    expect(html).toContain("&lt;b&gt;Busan&lt;/b&gt; &amp; &quot;Metro&quot; &#x27;City&#x27;");
    expect(html).not.toContain("<b>Busan");
    expect(subject).toBe(`Invitation for <b>Busan</b> & "Metro" 'City'`);
    expect(text).toContain(`Dear <b>Busan</b> & "Metro" 'City',`);
  });
});
