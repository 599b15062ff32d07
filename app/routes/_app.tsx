import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { AppShell } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import { getBrand } from "~/models/secretariat.server";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const brand = await getBrand(getDb(), args.context.locale);
  return { user: { displayName: user.displayName, role: user.role }, locale: args.context.locale, brand };
}

export default function AppLayoutRoute() {
  const { user, locale, brand } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} locale={locale} brand={brand}>
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
