import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { PageTitle } from "~/lib/page-title";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  return { displayName: user.displayName };
}

export const handle = { title: "common:dashboard.title" satisfies PageTitle };

export default function DashboardRoute() {
  const { t } = useTranslation("common");
  const { displayName } = useLoaderData<typeof loader>();
  const steps = [
    { to: "/members", title: t("dashboard.steps.directory.title"), body: t("dashboard.steps.directory.body") },
    { to: "/events", title: t("dashboard.steps.event.title"), body: t("dashboard.steps.event.body") },
    { to: "/mail", title: t("dashboard.steps.invite.title"), body: t("dashboard.steps.invite.body") },
  ];
  return (
    <>
      <h1>{t("dashboard.title")}</h1>
      <p className="lead">{t("dashboard.welcome", { name: displayName })}</p>
      <section aria-labelledby="getting-started">
        <h2 id="getting-started">{t("dashboard.gettingStarted")}</h2>
        <ol className="steps">
          {steps.map((step) => (
            <li key={step.to}>
              <Link to={step.to}>{step.title}</Link>
              <p>{step.body}</p>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/** An error on this page (an unknown id, a refusal, a database outage) is shown inside the staff shell, menus kept. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
