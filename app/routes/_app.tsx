import { type LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth.server";
import { AppShell } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  return { user: { displayName: user.displayName, role: user.role }, locale: args.context.locale };
}

export default function AppLayoutRoute() {
  const { user, locale } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} locale={locale}>
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
