import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "~/lib/dates";
import { type Lng } from "~/i18n";

/**
 * The server writes times in the venue's zone; once in the browser, when the reader's own zone differs, the
 * same instant is added in the reader's time (a Vladivostok office reading a Pohang meeting).
 */
export function ReaderTime({ iso, venueZone, locale }: { iso: string; venueZone: string; locale: Lng }) {
  const { t } = useTranslation("reply");
  const [reader, setReader] = useState<{ zone: string; text: string } | null>(null);
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const at = new Date(iso);
    if (!zone || formatDateTime(at, locale, zone) === formatDateTime(at, locale, venueZone)) return;
    setReader({ zone, text: formatDateTime(at, locale, zone) });
  }, [iso, venueZone, locale]);
  if (!reader) return null;
  return <span className="reader-time small muted"> {t("page.yourTime", { time: reader.text, zone: reader.zone })}</span>;
}
