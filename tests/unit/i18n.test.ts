import { describe, expect, it } from "vitest";

import { matchAcceptLanguage, toSupportedLng } from "~/i18n";
import { detectLocale, lngCookie } from "~/i18next.server";

describe("language negotiation", () => {
  it.each([
    ["ko-KR,ko;q=0.9,en-US;q=0.8", "ko"],
    ["en-US,en;q=0.9", "en"],
    ["zh-TW,zh;q=0.9", "zh"],
    ["zh-Hans-CN", "zh"],
    ["ja", "ja"],
    ["ru-RU;q=0.8, mn;q=0.9", "mn"],
    ["mn-Cyrl-MN", "mn"],
    ["de-DE,fr;q=0.9,ru;q=0.5", "ru"],
    ["de-DE,fr;q=0.9", undefined],
    ["ko;q=0, en;q=0.1", "en"],
    ["", undefined],
  ])("Accept-Language %j → %s", (header, expected) => {
    expect(matchAcceptLanguage(header)).toBe(expected);
  });

  it("maps regional and script tags to the six languages", () => {
    expect(toSupportedLng("ko-KP")).toBe("ko");
    expect(toSupportedLng("zh-HK")).toBe("zh");
    expect(toSupportedLng("pt-BR")).toBeUndefined();
  });

  it("prefers the saved preference, then the cookie, then Accept-Language, then English", async () => {
    const cookie = await lngCookie.serialize("ja");
    const both = new Request("http://x/", { headers: { cookie, "accept-language": "ru" } });
    expect(await detectLocale(both, "mn")).toBe("mn");
    expect(await detectLocale(both, null)).toBe("ja");
    expect(await detectLocale(new Request("http://x/", { headers: { "accept-language": "ru" } }))).toBe("ru");
    expect(await detectLocale(new Request("http://x/"))).toBe("en");
    const forged = new Request("http://x/", { headers: { cookie: "plenary_lng=xx", "accept-language": "ko" } });
    expect(await detectLocale(forged, "tlh")).toBe("ko");
  });
});
