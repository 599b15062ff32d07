import { useTranslation } from "react-i18next";

export type ChartPoint = { at: string; label: string; attending: number; representative: number; declining: number; undecided: number };
const SERIES = [
  { key: "attending", colour: "#1d6b3a", dash: undefined },
  { key: "representative", colour: "#17406d", dash: "6 3" },
  { key: "undecided", colour: "#b7791f", dash: "2 3" },
  { key: "declining", colour: "#b3261e", dash: "10 4" },
] as const;

/**
 * Answers over time as step lines (one per answer, each with its own colour AND dash pattern, so it reads in
 * grey too), with a table of the same figures for screen readers.
 */
export function AnswersChart({ points, invited }: { points: ChartPoint[]; invited: number }) {
  const { t } = useTranslation("reply");
  if (points.length === 0) return <p className="muted">{t("overview.chartEmpty")}</p>;
  const width = 640;
  const height = 220;
  const pad = { left: 36, right: 12, top: 12, bottom: 28 };
  const times = points.map((p) => new Date(p.at).getTime());
  const first = times[0];
  const last = Math.max(times[times.length - 1], first + 60_000);
  const max = Math.max(1, ...points.flatMap((p) => SERIES.map((s) => p[s.key])));
  const x = (time: number) => pad.left + ((time - first) / (last - first)) * (width - pad.left - pad.right);
  const y = (value: number) => height - pad.bottom - (value / max) * (height - pad.top - pad.bottom);
  const path = (key: (typeof SERIES)[number]["key"]) =>
    points
      .map((p, i) => {
        const px = x(times[i]);
        const py = y(p[key]);
        return i === 0 ? `M${px},${py}` : `H${px}V${py}`;
      })
      .join("");
  const ticks = Array.from(new Set([0, Math.round(max / 2), max]));
  return (
    <figure className="answers-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="answers-chart-title">
        <title id="answers-chart-title">{t("overview.chartTitle", { invited })}</title>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={pad.left} x2={width - pad.right} y1={y(tick)} y2={y(tick)} stroke="#d8dee6" />
            <text x={pad.left - 6} y={y(tick) + 4} textAnchor="end" fontSize="11" fill="#4a5565">
              {tick}
            </text>
          </g>
        ))}
        <text x={pad.left} y={height - 8} fontSize="11" fill="#4a5565">
          {points[0].label}
        </text>
        {/* one label when the answers all came in the same minute: two long dates would run into each other */}
        {points[points.length - 1].label !== points[0].label ? (
          <text x={width - pad.right} y={height - 8} fontSize="11" fill="#4a5565" textAnchor="end">
            {points[points.length - 1].label}
          </text>
        ) : null}
        {SERIES.map((s) => (
          <path key={s.key} d={path(s.key)} fill="none" stroke={s.colour} strokeWidth="2.5" strokeDasharray={s.dash} />
        ))}
      </svg>
      <figcaption className="chart-legend">
        {SERIES.map((s) => (
          <span key={s.key} className={`legend-item legend-${s.key}`}>
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" x2="28" y1="5" y2="5" stroke={s.colour} strokeWidth="3" strokeDasharray={s.dash} />
            </svg>{" "}
            {t(`overview.stats.${s.key}`)}: {points[points.length - 1][s.key]}
          </span>
        ))}
      </figcaption>
      <table className="visually-hidden">
        <caption>{t("overview.chartTable")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("overview.when")}</th>
            {SERIES.map((s) => (
              <th scope="col" key={s.key}>
                {t(`overview.stats.${s.key}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {points.map((p, i) => (
            <tr key={i}>
              <th scope="row">{p.label}</th>
              {SERIES.map((s) => (
                <td key={s.key}>{p[s.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
