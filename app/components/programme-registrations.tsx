import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

type Registration = { delegateId: string; href: string; name: string; member: string; status: "registered" | "waiting" };

/** Who holds a place on a programme item and who waits, in order (issue 18 §7), on the staff item page. */
export function ProgrammeRegistrations({ registrations, capacity }: { registrations: Registration[]; capacity: number | null }) {
  const { t } = useTranslation("capacity");
  const registered = registrations.filter((r) => r.status === "registered");
  const waiting = registrations.filter((r) => r.status === "waiting");
  const list = (people: Registration[], ordered: boolean) => {
    const items = people.map((r) => (
      <li key={r.delegateId}>
        <Link to={r.href}>{r.name}</Link> <span className="muted small">{r.member}</span>
      </li>
    ));
    return ordered ? <ol className="compact-list">{items}</ol> : <ul className="compact-list">{items}</ul>;
  };
  return (
    <section className="panel" aria-labelledby="registrations-heading">
      <h2 id="registrations-heading">{t("item.heading")}</h2>
      <p>
        {capacity === null
          ? t("item.noLimit", { registered: registered.length })
          : t("item.taken", { registered: registered.length, capacity, waiting: waiting.length })}
      </p>
      <h3>{t("item.registered", { n: registered.length })}</h3>
      {registered.length ? list(registered, false) : <p className="empty-inline">{t("item.nobody")}</p>}
      {waiting.length || capacity !== null ? (
        <>
          <h3>{t("item.waiting", { n: waiting.length })}</h3>
          {waiting.length ? list(waiting, true) : <p className="empty-inline">{t("item.nobodyWaiting")}</p>}
        </>
      ) : null}
    </section>
  );
}
