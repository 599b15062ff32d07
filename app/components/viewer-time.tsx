import { useEffect, useState } from "react";
import { type Lng } from "~/i18n";
import { formatDateTime, utcOffsetLabel } from "~/lib/dates";

/** The reader's own IANA time zone, once in the browser (undefined on the server and before hydration). */
export function useViewerZone(): string | undefined {
  const [zone, setZone] = useState<string>();
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || undefined), []);
  return zone;
}

/**
 * An instant in the reader's time zone and language, named with its offset ("3 March 2027 at 14:05 UTC+9").
 * The server cannot know the zone, so it writes `zone` (UTC unless told otherwise); the browser then rewrites it.
 */
export function ViewerTime({ iso, locale, zone = "UTC" }: { iso: string; locale: Lng; zone?: string }) {
  const viewerZone = useViewerZone() ?? zone;
  const date = new Date(iso);
  return (
    <time dateTime={iso}>
      {formatDateTime(date, locale, viewerZone)} {utcOffsetLabel(date, viewerZone)}
    </time>
  );
}
