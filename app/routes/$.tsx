import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { PageTitle } from "~/lib/page-title";

/** Any URL no other route matches: a translated 404 page. */
export async function loader() {
  throw new Response("Not Found", { status: 404 });
}

export const handle = { title: "common:errors.notFound.title" satisfies PageTitle };

export default function NotFoundRoute() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
