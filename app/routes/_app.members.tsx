import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  return null;
}

export const handle = { i18n: ["common", "directory", "guests"] };

export default function MembersLayoutRoute() {
  const { t } = useTranslation("directory");
  const { pathname } = useLocation();
  // A member's own pages (/members/<id>/…) belong to the Members tab too.
  const onMemberPage = /^\/members\/(?!contacts|subcommittees|import|guests)[^/]+/.test(pathname);
  const tabs = [
    { to: "/members", label: t("tabs.members"), end: true },
    { to: "/members/contacts", label: t("tabs.contacts") },
    { to: "/members/subcommittees", label: t("tabs.subcommittees") },
    { to: "/members/guests", label: t("guests:tab") },
    { to: "/members/import", label: t("tabs.importExport") },
  ];
  return (
    <>
      <nav aria-label={t("tabs.label")} className="tabs">
        {tabs.map((tab) => (
          <NavLink
            key={tab.to}
            to={tab.to}
            end={tab.end}
            prefetch="intent"
            className={({ isActive }) => (isActive || (tab.end && onMemberPage) ? "active" : undefined)}
          >
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
