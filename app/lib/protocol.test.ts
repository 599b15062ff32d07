import { describe, expect, it } from "vitest";

import type { DelegateRole, ProtocolOrder } from "../../db/schema";
import { protocolOrder, protocolSections } from "./protocol";

type Row = { name: string; country: string; memberId: string; memberNameEn: string; role: DelegateRole; position: number };

// Names in five scripts (Hangul, Hanzi, kana/kanji, Cyrillic incl. Mongolian, Latin) on purpose: order never depends on them.
const people: Row[] = [
  { name: "Кожемяко Олег", country: "RU", memberId: "primorsky", memberNameEn: "Primorsky Krai", role: "official", position: 1 },
  { name: "Иванов Пётр", country: "RU", memberId: "primorsky", memberNameEn: "Primorsky Krai", role: "head", position: 0 },
  { name: "Sergei SMIRNOV", country: "RU", memberId: "buryatia", memberNameEn: "Republic of Buryatia", role: "head", position: 0 },
  { name: "이철우", country: "KR", memberId: "gyeongbuk", memberNameEn: "Gyeongsangbuk-do", role: "interpreter", position: 0 },
  { name: "김영희", country: "KR", memberId: "gyeongbuk", memberNameEn: "Gyeongsangbuk-do", role: "head", position: 2 },
  { name: "박민수", country: "KR", memberId: "gyeongbuk", memberNameEn: "Gyeongsangbuk-do", role: "deputy", position: 1 },
  { name: "王伟", country: "CN", memberId: "liaoning", memberNameEn: "Liaoning Province", role: "accompanying", position: 0 },
  { name: "李乐成", country: "CN", memberId: "liaoning", memberNameEn: "Liaoning Province", role: "head", position: 1 },
  { name: "张军", country: "CN", memberId: "heilongjiang", memberNameEn: "Heilongjiang Province", role: "head", position: 0 },
  { name: "鈴木一郎", country: "JP", memberId: "tottori", memberNameEn: "Tottori Prefecture", role: "head", position: 0 },
  { name: "さとう はなこ", country: "JP", memberId: "tottori", memberNameEn: "Tottori Prefecture", role: "staff", position: 1 },
  { name: "Өлзийбат Үүрийнтуяа", country: "MN", memberId: "tov", memberNameEn: "Töv Province", role: "head", position: 0 },
  { name: "Батболд Ц.", country: "MN", memberId: "dornod", memberNameEn: "Dornod Province", role: "official", position: 0 },
];

const names = (protocol: ProtocolOrder, host?: string) => protocolOrder(people, protocol, host).map((row) => row.name);

describe("protocol order of the List of Participants", () => {
  it("by default: countries (China, Japan, Korea, Mongolia, Russia) and members in English alphabetical order, head first, then rank", () => {
    expect(names({})).toEqual([
      "张军",
      "李乐成",
      "王伟", // China: Heilongjiang before Liaoning; head before the accompanying person entered first
      "鈴木一郎",
      "さとう はなこ", // Japan
      "김영희",
      "박민수",
      "이철우", // Korea: head, deputy, interpreter whatever the entry order
      "Батболд Ц.",
      "Өлзийбат Үүрийнтуяа", // Mongolia: Dornod before Töv
      "Иванов Пётр",
      "Кожемяко Олег",
      "Sergei SMIRNOV", // Russia: Primorsky Krai before Republic of Buryatia
    ]);
  });

  it.each<{ case: string; protocol: ProtocolOrder; host?: string; first: string[]; sections: string[] }>([
    {
      case: "custom country order (host country Korea first, then the rest as listed)",
      protocol: { countryOrder: ["KR", "RU", "MN", "JP", "CN"] },
      first: ["김영희", "박민수", "이철우", "Иванов Пётр"],
      sections: ["country:KR", "country:RU", "country:MN", "country:JP", "country:CN"],
    },
    {
      case: "countries missing from a custom order come after it, alphabetically",
      protocol: { countryOrder: ["MN"] },
      first: ["Батболд Ц.", "Өлзийбат Үүрийнтуяа", "张军"],
      sections: ["country:MN", "country:CN", "country:JP", "country:KR", "country:RU"],
    },
    {
      case: "custom member order inside a country",
      protocol: { memberOrder: ["liaoning", "heilongjiang", "buryatia"] },
      first: ["李乐成", "王伟", "张军"],
      sections: ["country:CN", "country:JP", "country:KR", "country:MN", "country:RU"],
    },
    {
      case: "chair first, then host, then the countries without them",
      protocol: { chairFirst: true, chairMemberId: "tov", hostFirst: true },
      host: "gyeongbuk",
      first: ["Өлзийбат Үүрийнтуяа", "김영희", "박민수", "이철우", "张军"],
      sections: ["chair:MN", "host:KR", "country:CN", "country:JP", "country:MN", "country:RU"],
    },
    {
      case: "chair and host flags off: chair member stays in its country",
      protocol: { chairFirst: false, chairMemberId: "tov", hostFirst: false },
      host: "gyeongbuk",
      first: ["张军"],
      sections: ["country:CN", "country:JP", "country:KR", "country:MN", "country:RU"],
    },
    {
      case: "the host is also the chair: one leading section",
      protocol: { chairFirst: true, chairMemberId: "gyeongbuk", hostFirst: true },
      host: "gyeongbuk",
      first: ["김영희", "박민수", "이철우", "张军"],
      sections: ["chair:KR", "country:CN", "country:JP", "country:MN", "country:RU"],
    },
  ])("$case", ({ protocol, host, first, sections }) => {
    expect(names(protocol, host).slice(0, first.length)).toEqual(first);
    expect(protocolSections(people, protocol, host).map((s) => `${s.kind}:${s.country}`)).toEqual(sections);
    expect(names(protocol, host).sort()).toEqual(people.map((p) => p.name).sort()); // nobody lost or repeated
  });

  it("puts the head first even when entered last, and keeps entry order within a rank", () => {
    const rows: Row[] = [
      { name: "B official", country: "KR", memberId: "m", memberNameEn: "M", role: "official", position: 0 },
      { name: "A official", country: "KR", memberId: "m", memberNameEn: "M", role: "official", position: 1 },
      { name: "Head", country: "KR", memberId: "m", memberNameEn: "M", role: "head", position: 2 },
    ];
    expect(protocolOrder(rows, {}).map((r) => r.name)).toEqual(["Head", "B official", "A official"]);
  });
});
