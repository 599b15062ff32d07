import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { formatWallClock, readerZoneLabel, type WallClockPattern } from "~/lib/dates";

/**
 * The server writes times in the venue's zone; once in the browser, when the reader's own zone differs, the
 * same instant is added in the reader's time (a Vladivostok office reading a Pohang meeting). It is written with
 * the page language's pattern from the server (wallClockPattern), not with the browser's own language data.
 */
export function ReaderTime({ iso, venueZone, pattern }: { iso: string; venueZone: string; pattern: WallClockPattern }) {
  const { t } = useTranslation("reply");
  const [reader, setReader] = useState<{ zone: string; text: string } | null>(null);
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const at = new Date(iso);
    if (!zone || formatWallClock(at, zone, pattern) === formatWallClock(at, venueZone, pattern)) return;
    setReader({ zone: readerZoneLabel(at, zone), text: formatWallClock(at, zone, pattern) });
  }, [iso, venueZone, pattern]);
  if (!reader) return null;
  return <span className="reader-time small muted"> {t("page.yourTime", { time: reader.text, zone: reader.zone })}</span>;
}
