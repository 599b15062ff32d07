import { describe, expect, it } from "vitest";

import { supportedLngs } from "~/i18n";
import { demoAddresses } from "~/lib/demo-addresses";
import { sortMembers } from "~/lib/directory";
import nearMembers from "../../db/seed/near-members.json";

const members = nearMembers.members.map((m) => ({ ...m, names: m.names as Record<string, string | undefined> & { en: string } }));

/** The script each language's name must be written in; brackets may add the Han form ("산시성(陝西省)"). */
const SCRIPT: Record<string, RegExp> = {
  en: /^[\p{Script=Latin}\s\-–()'.]+$/u,
  zh: /^[\p{Script=Han}（）()]+$/u,
  ja: /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー・\s()（）]+$/u,
  ko: /^[\p{Script=Hangul}\p{Script=Han}\s\-()]+$/u,
  ru: /^[\p{Script=Cyrillic}\s\-–()]+$/u,
  mn: /^[\p{Script=Cyrillic}\s\-–()]+$/u,
};

describe("NEAR members seed (db/seed/near-members.json)", () => {
  it("has 82 members", () => {
    expect(members).toHaveLength(82);
  });

  it.each(supportedLngs)("names every member in %s, in that language's script", (lng) => {
    const missing = members.filter((m) => !m.names[lng]?.trim()).map((m) => m.names.en);
    expect(missing).toEqual([]);
    const wrongScript = members.filter((m) => !SCRIPT[lng].test(m.names[lng]!)).map((m) => `${m.names.en}: ${m.names[lng]}`);
    expect(wrongScript).toEqual([]);
  });

  it("gives every member a kana reading in hiragana only, distinct per member", () => {
    const bad = members.filter((m) => !/^[\p{Script=Hiragana}ー]+$/u.test(m.nameKana ?? "")).map((m) => `${m.names.en}: ${m.nameKana}`);
    expect(bad).toEqual([]);
    expect(new Set(members.map((m) => m.nameKana)).size).toBe(members.length);
  });

  it("readings end with the kind's reading, as the Japanese name does", () => {
    const ending: [RegExp, RegExp][] = [
      [/省$/, /しょう$/],
      [/県$/, /けん$/],
      [/府$/, /ふ$/],
      [/州$/, /しゅう$/],
      [/地方$/, /ちほう$/],
      [/共和国$/, /きょうわこく$/],
      [/自治区$/, /じちく$/],
      [/広域市$/, /こういきし$/],
    ];
    const bad = members.filter((m) => ending.some(([kanji, kana]) => kanji.test(m.names.ja!.replace(/\s*\(.*\)$/, "")) && !kana.test(m.nameKana)));
    expect(bad.map((m) => `${m.names.ja}: ${m.nameKana}`)).toEqual([]);
  });

  it("sorts Japanese by reading, not by code point", () => {
    const japanese = members.filter((m) => m.country === "JP");
    expect(sortMembers(japanese, "ja").map((m) => m.names.ja)).toEqual([
      "青森県",
      "秋田県",
      "石川県",
      "京都府",
      "島根県",
      "鳥取県",
      "富山県",
      "新潟県",
      "兵庫県",
      "福井県",
      "山形県",
    ]);
  });

  it("gives every demo contact and office its own address", () => {
    const addresses = demoAddresses(members.map((m) => m.names.en));
    const all = [...addresses.values()].flatMap((a) => [a.office, a.governor, a.intl]);
    expect(all).toHaveLength(82 * 3);
    expect(new Set(all).size).toBe(all.length);
    expect(addresses.get("Altai Republic")!.governor).not.toBe(addresses.get("Altai Krai")!.governor);
    expect(addresses.get("Liaoning Province")).toEqual({
      office: "office.liaoning@example.org",
      governor: "governor.liaoning@example.org",
      intl: "intl.liaoning@example.org",
    });
  });

  it("refuses two members that would share an address", () => {
    expect(() => demoAddresses(["Altai Republic", "Altai Krai", "Altai-Krai"])).toThrow(/"altai-krai"/);
    expect(() => demoAddresses(["Altai Krai", "Altai Krai"])).toThrow(/"altai-krai"/);
  });
});
