import { useTranslation } from "react-i18next";

export type Standing = {
  id: string;
  line: string;
  approval: "not_required" | "pending" | "approved" | "refused";
  waiting: { item: string; position: number }[];
};

/**
 * Where each person of the delegation stands (issue 18 §7): waiting for the secretariat's approval (or approved,
 * or not), and their place on the waiting list of full programme items. Nothing when nobody waits for anything.
 */
export function RegistrationStanding({ standing, approvalsHref }: { standing: Standing[]; approvalsHref?: string }) {
  const { t } = useTranslation("capacity");
  if (!standing.length) return null;
  return (
    <section className="registration-standing" aria-labelledby="standing-heading">
      <h3 id="standing-heading">{t("status.heading")}</h3>
      <ul className="compact-list">
        {standing.map((person) => (
          <li key={person.id}>
            <strong>{person.line}</strong>
            {person.approval !== "not_required" ? (
              <span className={person.approval === "approved" ? "badge" : "badge warn"}>{t(`status.approval.${person.approval}`)}</span>
            ) : null}
            {person.waiting.map((w) => (
              <div key={w.item} className="small">
                {t("status.waiting", { item: w.item, position: w.position })}
              </div>
            ))}
          </li>
        ))}
      </ul>
      {approvalsHref && standing.some((p) => p.approval === "pending") ? (
        <p>
          <a href={approvalsHref}>{t("status.decide")}</a>
        </p>
      ) : null}
    </section>
  );
}
