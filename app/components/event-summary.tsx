import { useTranslation } from "react-i18next";

import type { EventCounts } from "~/models/dashboard.server";

/**
 * The event page's first lines: how many were invited, reached, answered, are coming or declined, how many people
 * registered, and how long is left to answer. Numbers, right-aligned in tiles, readable at a glance.
 */
export function EventSummary({ counts, deadline }: { counts: EventCounts; deadline: { at: string; days: number } | null }) {
  const { t, i18n } = useTranslation("events");
  const number = (n: number) => n.toLocaleString(i18n.language);
  const tiles = [
    { key: "invited", value: counts.invited },
    { key: "delivered", value: counts.delivered },
    { key: "answered", value: counts.answered },
    { key: "attending", value: counts.attending },
    { key: "declining", value: counts.declining },
    { key: "people", value: counts.people },
  ] as const;
  return (
    <section className="summary-tiles" aria-label={t("summary.label")}>
      <dl>
        {tiles.map((tile) => (
          <div key={tile.key} className={`tile tile-${tile.key}`}>
            <dt>{t(`summary.${tile.key}`)}</dt>
            <dd>{number(tile.value)}</dd>
          </div>
        ))}
        <div className={`tile tile-deadline${deadline && deadline.days >= 0 && deadline.days <= 7 ? " soon" : ""}`}>
          <dt>{t("summary.deadline")}</dt>
          <dd>
            {deadline ? (deadline.days >= 0 ? t("summary.daysLeft", { count: deadline.days }) : t("summary.closed")) : "—"}
            {deadline ? <span className="tile-note">{deadline.at}</span> : null}
          </dd>
        </div>
      </dl>
    </section>
  );
}
