import { useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import { waveFinished, type WaveProgress } from "~/lib/send-wave";

/**
 * A send wave being prepared (issue 15): a progress bar that asks the wave's small progress document once a
 * second, not the whole page; when the wave is done the page loads once more to list the new invitations.
 */
export function SendWaveProgress({ eventId, wave }: { eventId: string; wave: WaveProgress }) {
  const { t } = useTranslation("invitations");
  const fetcher = useFetcher<WaveProgress>();
  const revalidator = useRevalidator();
  const current = fetcher.data ?? wave;
  const finished = waveFinished(current);
  const reloaded = useRef(false);
  useEffect(() => {
    if (finished) {
      if (!reloaded.current) {
        reloaded.current = true;
        revalidator.revalidate();
      }
      return;
    }
    if (fetcher.state !== "idle") return;
    const timer = setTimeout(() => fetcher.load(`/events/${eventId}/waves/${wave.id}`), 1000);
    return () => clearTimeout(timer);
  }, [finished, fetcher, fetcher.state, eventId, wave.id, revalidator]);
  const id = `wave-${wave.id}`;
  return (
    <div className="progress-block" role="status" aria-live="polite">
      <label htmlFor={id}>{t(current.kind === "reminder" ? "wave.preparingReminders" : "wave.preparing", { done: current.done, total: current.total })}</label>
      <progress id={id} max={current.total || 1} value={current.done} />
    </div>
  );
}
