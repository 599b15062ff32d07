import { describe, expect, it } from "vitest";

import { supportedLngs } from "~/i18n";
import {
  formatDateRange,
  formatDateTime,
  formatDateTimeZoned,
  formatEventDates,
  formatSlot,
  formatTimeZoned,
  formatWallClock,
  isLocalDateTime,
  offsetMinutes,
  readerZoneLabel,
  utcOffsetLabel,
  utcToLocalInput,
  wallClockPattern,
  zonedToUtc,
} from "~/lib/dates";

describe("venue time ↔ UTC", () => {
  it.each([
    ["2025-06-11T09:00", "Asia/Shanghai", "2025-06-11T01:00:00.000Z"],
    ["2027-06-16T09:00", "Asia/Irkutsk", "2027-06-16T01:00:00.000Z"],
    ["2026-09-01T08:30", "Asia/Vladivostok", "2026-08-31T22:30:00.000Z"],
    ["2026-03-05T00:15", "Asia/Kamchatka", "2026-03-04T12:15:00.000Z"],
    ["2026-10-01T10:00", "Asia/Seoul", "2026-10-01T01:00:00.000Z"],
    ["2026-07-01T12:00", "Europe/London", "2026-07-01T11:00:00.000Z"],
    ["2026-01-01T12:00", "America/New_York", "2026-01-01T17:00:00.000Z"],
    ["2026-02-01T09:00", "Asia/Kolkata", "2026-02-01T03:30:00.000Z"],
  ])("%s in %s is %s", (local, zone, utc) => {
    expect(zonedToUtc(local, zone).toISOString()).toBe(utc);
    expect(utcToLocalInput(new Date(utc), zone)).toBe(local);
  });

  it("resolves a DST gap forwards and an overlap to the earlier instant", () => {
    expect(zonedToUtc("2026-03-08T02:30", "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z");
    expect(zonedToUtc("2026-11-01T01:30", "America/New_York").toISOString()).toBe("2026-11-01T05:30:00.000Z");
  });

  it("names offsets the way people read them", () => {
    const d = new Date("2026-06-01T00:00:00Z");
    expect(utcOffsetLabel(d, "Asia/Shanghai")).toBe("UTC+8");
    expect(utcOffsetLabel(d, "Asia/Vladivostok")).toBe("UTC+10");
    expect(utcOffsetLabel(d, "Asia/Kolkata")).toBe("UTC+5:30");
    expect(utcOffsetLabel(d, "UTC")).toBe("UTC");
    expect(utcOffsetLabel(d, "America/Sao_Paulo")).toBe("UTC−3");
    expect(offsetMinutes(d, "Asia/Kamchatka")).toBe(720);
  });

  it("validates local date-times", () => {
    expect(isLocalDateTime("2026-02-28T10:00")).toBe(true);
    expect(isLocalDateTime("2026-02-30T10:00")).toBe(false);
    expect(isLocalDateTime("2026-02-28 10:00")).toBe(false);
    expect(isLocalDateTime("2026-02-28T24:00")).toBe(false);
  });
});

describe("dates in six languages, in the venue's zone", () => {
  const start = zonedToUtc("2025-06-11T09:00", "Asia/Shanghai");
  const end = zonedToUtc("2025-06-12T18:00", "Asia/Shanghai");

  it.each([
    ["en", "11\u2009–\u200912 June 2025, Shenyang (UTC+8)"],
    ["ko", "2025년 6월 11일~12일, Shenyang (UTC+8)"],
    ["zh", "2025年6月11日至12日，Shenyang (UTC+8)"],
    ["ja", "2025年6月11日～12日，Shenyang (UTC+8)"],
    ["ru", "11–12 июня 2025\u202fг., Shenyang (UTC+8)"],
    ["mn", "2025 оны зургаадугаар сарын 11 – 12, Shenyang (UTC+8)"],
  ] as const)("%s: %s", (locale, expected) => {
    expect(formatEventDates(start, end, locale, "Asia/Shanghai", "Shenyang")).toBe(expected);
  });

  it("spans months and years in every language", () => {
    const july = zonedToUtc("2025-07-02T12:00", "Asia/Shanghai");
    const nextYear = zonedToUtc("2026-01-02T12:00", "Asia/Shanghai");
    expect(formatDateRange(start, july, "zh", "Asia/Shanghai")).toBe("2025年6月11日至7月2日");
    expect(formatDateRange(start, july, "ja", "Asia/Shanghai")).toBe("2025年6月11日～7月2日");
    expect(formatDateRange(start, july, "mn", "Asia/Shanghai")).toBe("2025 оны зургаадугаар сарын 11 – долоодугаар сарын 2");
    expect(formatDateRange(start, nextYear, "zh", "Asia/Shanghai")).toBe("2025年6月11日至2026年1月2日");
    expect(formatDateRange(start, july, "ko", "Asia/Shanghai")).toBe("2025년 6월 11일~7월 2일");
    expect(formatDateRange(start, start, "zh", "Asia/Shanghai")).toBe("2025年6月11日");
  });

  it("writes programme slots in 24-hour time", () => {
    const s = zonedToUtc("2025-06-11T09:30", "Asia/Shanghai");
    const e = zonedToUtc("2025-06-11T12:00", "Asia/Shanghai");
    expect(formatSlot(s, e, "en", "Asia/Shanghai")).toBe("11 June 2025, 09:30–12:00");
    expect(formatSlot(s, e, "ja", "Asia/Shanghai")).toBe("2025年6月11日 9時30分～12時00分");
    expect(formatSlot(s, e, "ko", "Asia/Shanghai")).toBe("2025년 6월 11일 09:30 ~ 12:00");
    expect(formatSlot(s, e, "ru", "Asia/Shanghai")).toBe("11 июня 2025 г., 09:30–12:00");
  });

  it("shows an event in Vladivostok on the venue's calendar day whatever the viewer's language", () => {
    // 08:30 on 1 September in Vladivostok is still 31 August in UTC
    const s = zonedToUtc("2026-09-01T08:30", "Asia/Vladivostok");
    const e = zonedToUtc("2026-09-02T17:00", "Asia/Vladivostok");
    expect(formatEventDates(s, e, "ko", "Asia/Vladivostok", "블라디보스토크")).toBe("2026년 9월 1일~2일, 블라디보스토크 (UTC+10)");
    expect(formatEventDates(s, e, "ru", "Asia/Vladivostok", "Владивосток")).toBe("1–2 сентября 2026\u202fг., Владивосток (UTC+10)");
    expect(formatDateTime(s, "ru", "Asia/Vladivostok")).toBe("1 сентября 2026 г. в 08:30");
  });

  it("keeps an event that spans midnight UTC on the venue's days", () => {
    // 06:00–10:00 in Seoul on 3 March is 21:00 (2 March) to 01:00 (3 March) UTC
    const s = zonedToUtc("2026-03-03T06:00", "Asia/Seoul");
    const e = zonedToUtc("2026-03-03T10:00", "Asia/Seoul");
    expect(s.toISOString()).toBe("2026-03-02T21:00:00.000Z");
    expect(formatDateRange(s, e, "en", "Asia/Seoul")).toBe("3 March 2026");
    expect(formatDateRange(s, e, "zh", "Asia/Seoul")).toBe("2026年3月3日");
  });
});

describe("times with their zone", () => {
  it("names the offset after the time", () => {
    const at = new Date("2027-09-13T14:05:00Z");
    expect(formatDateTimeZoned(at, "en", "Asia/Vladivostok")).toBe("14 September 2027 at 00:05 (UTC+10)");
    expect(formatTimeZoned(at, "ru", "Asia/Seoul")).toBe("23:05 (UTC+9)");
  });
});

describe("a date and time written by a browser from the server's pattern", () => {
  it("reads exactly like the server's own formatting, in every language, zone and month", () => {
    for (const locale of supportedLngs) {
      const pattern = JSON.parse(JSON.stringify(wallClockPattern(locale))); // as it travels in the loader's data
      for (let month = 0; month < 12; month++) {
        const at = new Date(Date.UTC(2027, month, 1 + month * 2, month * 2, month * 5));
        for (const zone of ["Asia/Vladivostok", "Asia/Kolkata", "America/New_York", "UTC"]) {
          expect(formatWallClock(at, zone, pattern), `${locale} ${zone} ${at.toISOString()}`).toBe(formatDateTime(at, locale, zone));
        }
      }
    }
  });
});

describe("the reader's zone on the reply page", () => {
  const at = new Date("2027-06-15T14:00:00Z");
  it("names the zone and its offset, and a UTC browser just once ('UTC', not 'UTC, UTC')", () => {
    expect(readerZoneLabel(at, "Asia/Vladivostok")).toBe("Asia/Vladivostok, UTC+10");
    expect(readerZoneLabel(at, "Europe/Moscow")).toBe("Europe/Moscow, UTC+3");
    for (const zone of ["UTC", "Etc/UTC", "Etc/GMT"]) expect(readerZoneLabel(at, zone)).toBe("UTC");
    // a zone at UTC+0 with a name of its own keeps the name
    expect(readerZoneLabel(at, "Africa/Abidjan")).toBe("Africa/Abidjan, UTC");
  });
});
