import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Links, LiveReload, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { type ReactNode, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";

import { GeneralErrorBoundary, kindOf } from "~/components/error-boundary";
import { useNonce } from "~/components/nonce";
import { htmlLang, type Lng } from "~/i18n";
import { pageTitle, PRODUCT_NAME } from "~/lib/page-title";
import styles from "~/styles/app.css";

// zod is made jitless before any route module builds a schema (the CSP forbids eval): the root route is evaluated
// before the other routes of a page (none of the imports above builds one), and package.json's sideEffects keeps
// this bare import in the browser bundle
import "~/lib/validation";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "icon", href: "/favicon.ico", sizes: "32x32" },
];

export async function loader({ context }: LoaderFunctionArgs) {
  const user = context.user ? { displayName: context.user.displayName, email: context.user.email, role: context.user.role } : null;
  return { locale: context.locale, user };
}

export const handle = { i18n: ["common"] };

export type RootData = Awaited<ReturnType<typeof loader>>;

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const { i18n, t } = useTranslation();
  const nonce = useNonce();
  const matches = useMatches();
  // an error page is titled by what went wrong ("Page not found"), not by the page that failed
  const error = useRouteError();
  const title = error ? `${t(`common:errors.${kindOf(error)}.title`)} · ${PRODUCT_NAME}` : pageTitle(matches, (key, values) => t(key, values));
  const locale = (data?.locale ?? i18n.language ?? "en") as Lng;
  return (
    <html lang={htmlLang[locale] ?? "en"} dir={i18n.dir(locale)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{title}</title>
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        <LiveReload nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale } = useLoaderData<typeof loader>();
  useChangeLanguage(locale);
  // marks the page as interactive (hydrated), so browser tests act on the app rather than on the bare HTML
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
