import { htmlLang, type Lng } from "~/i18n";

/**
 * Event times are stored in UTC with the venue's IANA zone, entered and shown in venue time.
 * Pure and isomorphic; everything goes through Intl (full ICU in Node and browsers).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl.DateTimeFormat instances are costly to build (ICU data): one per locale and options, reused. */
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    if (formatters.size > 2000) formatters.clear();
    format = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, format);
  }
  return format;
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

function partsIn(date: Date, timeZone: string) {
  const parts = dateFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour") % 24, minute: get("minute"), second: get("second") };
}

/** Minutes east of UTC that `timeZone` is at `date`. */
export function offsetMinutes(date: Date, timeZone: string): number {
  const p = partsIn(date, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

export function isLocalDateTime(value: string) {
  const m = LOCAL_PATTERN.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi] = m.map(Number);
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d && h < 24 && mi < 60;
}

/**
 * "2025-06-11T09:30" in `timeZone` → the UTC instant. In a DST gap the later valid time is used; in an overlap
 * the earlier one (none of NEAR's zones has DST today, but the venue may be anywhere).
 */
export function zonedToUtc(local: string, timeZone: string): Date {
  const m = LOCAL_PATTERN.exec(local);
  if (!m) throw new RangeError(`Not a local date-time: ${local}`);
  const [, y, mo, d, h, mi] = m.map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const first = wall - offsetMinutes(new Date(wall), timeZone) * 60000;
  const second = wall - offsetMinutes(new Date(first), timeZone) * 60000;
  const candidates = [...new Set([first, second])];
  const valid = candidates.filter((c) => utcToLocalInput(new Date(c), timeZone) === local);
  // overlap: two valid instants → the earlier; gap: none → the later (the wall time shifted forwards)
  return new Date(valid.length ? Math.min(...valid) : Math.max(...candidates));
}

/** The UTC instant as "YYYY-MM-DDTHH:mm" in `timeZone` (the value of an <input type="datetime-local">). */
export function utcToLocalInput(date: Date, timeZone: string): string {
  const p = partsIn(date, timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** "UTC+8", "UTC+5:30", "UTC−3", "UTC" — the zone named as people read it, independent of language. */
export function utcOffsetLabel(date: Date, timeZone: string): string {
  const minutes = offsetMinutes(date, timeZone);
  if (minutes === 0) return "UTC";
  const sign = minutes > 0 ? "+" : "−";
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, "0")}` : ""}`;
}

/**
 * A reader's zone as the reply page names it: "Asia/Vladivostok, UTC+10"; a zone that is UTC itself ("UTC",
 * "Etc/UTC", "Etc/GMT") is just "UTC", not "UTC, UTC".
 */
export function readerZoneLabel(date: Date, timeZone: string): string {
  const offset = utcOffsetLabel(date, timeZone);
  return /^(Etc\/)?(UTC|GMT|UCT|Universal|Zulu)$/.test(timeZone) || timeZone === offset ? offset : `${timeZone}, ${offset}`;
}

/** English dates read day-month-year, as in NEAR's English documents ("11 June 2025"). */
function intlLocale(locale: Lng) {
  return locale === "en" ? "en-GB" : htmlLang[locale];
}

/**
 * ICU's interval patterns for these languages are numeric ("2025/6/11 – 2025/6/12"), so their ranges are
 * composed from two Intl-formatted parts: the full start date, then only what differs, joined by the
 * language's range mark.
 */
const COMPOSED_RANGE: Partial<Record<Lng, string>> = { zh: "至", ja: "～", mn: " – " };

/** "11 – 12 June 2025" / "2025년 6월 11일~12일" / "2025年6月11日至12日" / "11–12 июня 2025 г." in the venue's zone. */
export function formatDateRange(start: Date, end: Date, locale: Lng, timeZone: string): string {
  const full = dateFormat(intlLocale(locale), { timeZone, year: "numeric", month: "long", day: "numeric" });
  const mark = COMPOSED_RANGE[locale];
  if (!mark) return full.formatRange(start, end);
  const a = partsIn(start, timeZone);
  const b = partsIn(end, timeZone);
  if (a.year === b.year && a.month === b.month && a.day === b.day) return full.format(start);
  const tail: Intl.DateTimeFormatOptions =
    a.year !== b.year ? { year: "numeric", month: "long", day: "numeric" } : a.month !== b.month ? { month: "long", day: "numeric" } : { day: "numeric" };
  return `${full.format(start)}${mark}${dateFormat(intlLocale(locale), { timeZone, ...tail }).format(end)}`;
}

/** "09:30–12:00" in 24-hour time, as meeting programmes are written. */
export function formatTimeRange(start: Date, end: Date, locale: Lng, timeZone: string): string {
  return dateFormat(intlLocale(locale), { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatRange(start, end);
}

/** "09:30": the time of one instant, 24-hour. */
export function formatTime(date: Date, locale: Lng, timeZone: string): string {
  return dateFormat(intlLocale(locale), { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
}

/** Date and time of one instant, e.g. "11 June 2025 at 09:30". */
export function formatDateTime(date: Date, locale: Lng, timeZone: string): string {
  return dateFormat(intlLocale(locale), {
    timeZone,
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(date);
}

const slots = new Map<string, string>();

/**
 * A programme slot: "11 June 2025, 09:30–12:00"; across days, both full date-times. Remembered (ICU's range
 * formatting is slow, and every view of a reply page shows the same slots twice).
 */
export function formatSlot(start: Date, end: Date, locale: Lng, timeZone: string): string {
  const key = `${start.getTime()}|${end.getTime()}|${locale}|${timeZone}`;
  let text = slots.get(key);
  if (text === undefined) {
    text = formatSlotOnce(start, end, locale, timeZone);
    if (slots.size >= 5000) slots.clear();
    slots.set(key, text);
  }
  return text;
}

function formatSlotOnce(start: Date, end: Date, locale: Lng, timeZone: string): string {
  const a = partsIn(start, timeZone);
  const b = partsIn(end, timeZone);
  if (a.year !== b.year || a.month !== b.month || a.day !== b.day) {
    return `${formatDateTime(start, locale, timeZone)} – ${formatDateTime(end, locale, timeZone)}`;
  }
  const date = dateFormat(intlLocale(locale), { timeZone, year: "numeric", month: "long", day: "numeric" }).format(start);
  const separator = locale === "zh" || locale === "ja" || locale === "ko" ? " " : ", ";
  return `${date}${separator}${formatTimeRange(start, end, locale, timeZone)}`;
}

/** "11–12 June 2025, Shenyang (UTC+8)": dates in the venue's zone, with the zone named. */
export function formatEventDates(start: Date, end: Date, locale: Lng, timeZone: string, place?: string | null): string {
  const dates = formatDateRange(start, end, locale, timeZone);
  const zone = utcOffsetLabel(start, timeZone);
  const separator = locale === "zh" || locale === "ja" ? "，" : ", ";
  return place ? `${dates}${separator}${place} (${zone})` : `${dates} (${zone})`;
}

/** "11 June 2025 at 09:30 (UTC+9)": date and time of one instant, with the zone it is written in. */
export function formatDateTimeZoned(date: Date, locale: Lng, timeZone: string): string {
  return `${formatDateTime(date, locale, timeZone)} (${utcOffsetLabel(date, timeZone)})`;
}

/** "09:30 (UTC+8)": the time of one instant, with its zone. */
export function formatTimeZoned(date: Date, locale: Lng, timeZone: string): string {
  return `${formatTime(date, locale, timeZone)} (${utcOffsetLabel(date, timeZone)})`;
}

type WallClockField = "year" | "month" | "day" | "hour" | "minute";

/** How one language writes a date and time (formatDateTime's layout), as plain data a browser can fill in. */
export type WallClockPattern = { parts: ({ field: WallClockField } | { text: string })[]; months: string[] };

const WALL_CLOCK_FIELDS: readonly string[] = ["year", "month", "day", "hour", "minute"];

/**
 * formatDateTime's layout and month names for `locale`, read from the server's full ICU data. A browser may lack
 * the language (Chromium has no Mongolian and writes "2027 M09 14 00:00"; a phone falls back to its own
 * language), so the browser fills this pattern in with formatWallClock instead of formatting in `locale` itself.
 */
export function wallClockPattern(locale: Lng): WallClockPattern {
  const format = dateFormat(intlLocale(locale), {
    timeZone: "UTC",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const parts = format
    .formatToParts(new Date(Date.UTC(2001, 0, 2, 3, 4)))
    // V8's format() writes ICU's narrow no-break space (U+202F) as a plain space, formatToParts() does not
    .map((part) => (WALL_CLOCK_FIELDS.includes(part.type) ? { field: part.type as WallClockField } : { text: part.value.replace(/\u202f/g, " ") }));
  // each month as it reads inside a full date (Russian "сентября", not "сентябрь")
  const months = Array.from(
    { length: 12 },
    (_, month) => format.formatToParts(new Date(Date.UTC(2001, month, 15, 12))).find((p) => p.type === "month")?.value ?? String(month + 1),
  );
  return { parts, months };
}

/** `date` in `timeZone`, written with a pattern from wallClockPattern; needs no language data in the browser. */
export function formatWallClock(date: Date, timeZone: string, pattern: WallClockPattern): string {
  const p = partsIn(date, timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  const value: Record<WallClockField, string> = {
    year: String(p.year),
    month: pattern.months[p.month - 1],
    day: String(p.day),
    hour: pad(p.hour),
    minute: pad(p.minute),
  };
  return pattern.parts.map((part) => ("field" in part ? value[part.field] : part.text)).join("");
}
