import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The organiser's pages of one event: list of participants, logistics, badges, check-in, visa letters. */
export function EventTools({ eventId, isAdmin }: { eventId: string; isAdmin: boolean }) {
  const { t } = useTranslation("rosters");
  const links = [
    { to: `/events/${eventId}/roster`, label: t("tools.roster") },
    { to: `/events/${eventId}/logistics`, label: t("tools.logistics") },
    { to: `/events/${eventId}/badges`, label: t("tools.badges") },
    { to: `/events/${eventId}/check-in`, label: t("tools.checkIn") },
    ...(isAdmin ? [{ to: `/events/${eventId}/visa-letters`, label: t("tools.visaLetters") }] : []),
  ];
  return (
    <nav aria-label={t("tools.label")} className="subnav">
      <ul>
        {links.map((link) => (
          <li key={link.to}>
            <NavLink to={link.to} end>
              {link.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
