import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The Mail pages as one row of tabs, like the directory's and an event's: sent mail, received mail, suppressions. */
export function MailTabs() {
  const { t } = useTranslation("invitations");
  const tabs = [
    { to: "/mail", label: t("mail.sent"), end: true },
    { to: "/mail/received", label: t("mail.received") },
    { to: "/mail/suppressions", label: t("mail.suppressions") },
  ];
  return (
    <nav aria-label={t("mail.tabs")} className="tabs">
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end} prefetch="intent" className={({ isActive }) => (isActive ? "active" : undefined)}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
