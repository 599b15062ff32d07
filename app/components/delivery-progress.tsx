import { useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import type { Delivery } from "~/lib/delivery";

/**
 * How much of the event's mail has been handed over. While messages are pending it asks the small delivery
 * document every two seconds (not the whole page); when the last one is out, the page loads once more so each
 * row shows its final status.
 */
export function DeliveryProgress({ eventId, initial }: { eventId: string; initial: Delivery }) {
  const { t } = useTranslation("invitations");
  const fetcher = useFetcher<Delivery>();
  const revalidator = useRevalidator();
  const mail = fetcher.data ?? initial;
  const settled = useRef(!initial.pending);
  useEffect(() => {
    if (!mail.pending) {
      if (!settled.current) {
        settled.current = true;
        revalidator.revalidate();
      }
      return;
    }
    settled.current = false;
    if (fetcher.state !== "idle") return;
    const timer = setTimeout(() => fetcher.load(`/events/${eventId}/delivery`), 2000);
    return () => clearTimeout(timer);
  }, [mail.pending, fetcher, fetcher.state, eventId, revalidator]);
  return (
    <div className="progress-block">
      <label htmlFor="delivery">{t("progress", { delivered: mail.delivered, total: mail.total })}</label>
      <progress id="delivery" max={mail.total || 1} value={mail.delivered} />
      {mail.local ? <p className="small muted">{t("localNote")}</p> : null}
      {mail.failed ? <p className="small field-errors">{t("failedNote", { count: mail.failed })}</p> : null}
    </div>
  );
}
