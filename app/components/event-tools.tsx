import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { languageNames, supportedLngs } from "~/i18n";
import type { ParticipantCategory } from "../../db/schema";

/** The organiser's pages of one event: list of participants, logistics, badges, check-in, visa letters. */
export function EventTools({ eventId, visaLetters }: { eventId: string; visaLetters: boolean }) {
  const { t } = useTranslation("rosters");
  const links = [
    { to: `/events/${eventId}`, label: t("tools.overview") },
    { to: `/events/${eventId}/letters`, label: t("tools.letters") },
    { to: `/events/${eventId}/invitations`, label: t("tools.invitations") },
    { to: `/events/${eventId}/replies`, label: t("tools.replies") },
    { to: `/events/${eventId}/roster`, label: t("tools.roster") },
    { to: `/events/${eventId}/logistics`, label: t("tools.logistics") },
    { to: `/events/${eventId}/badges`, label: t("tools.badges") },
    { to: `/events/${eventId}/check-in`, label: t("tools.checkIn") },
    { to: `/events/${eventId}/approvals`, label: t("capacity:tools.approvals") },
    ...(visaLetters ? [{ to: `/events/${eventId}/visa-letters`, label: t("tools.visaLetters") }] : []),
  ];
  return (
    <nav aria-label={t("tools.eventLabel")} className="subnav event-tabs">
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

/** The language a list, badge or card is printed in: any of the six, each named in itself. */
export function ListLanguageSelect({ value }: { value: string }) {
  const { t } = useTranslation("rosters");
  return (
    <label>
      {t("roster.language")}
      <select name="lang" defaultValue={value}>
        {supportedLngs.map((lng) => (
          <option key={lng} value={lng} lang={lng}>
            {languageNames[lng]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Filter by participant category (empty = all). */
export function CategorySelect({ categories, value }: { categories: readonly ParticipantCategory[]; value?: string }) {
  const { t } = useTranslation("rosters");
  return (
    <label>
      {t("roster.category")}
      <select name="category" defaultValue={value ?? ""}>
        <option value="">{t("roster.allCategories")}</option>
        {categories.map((c) => (
          <option key={c} value={c}>
            {t(`events:categories.${c}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
