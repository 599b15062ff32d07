import { GeneralErrorBoundary } from "~/components/error-boundary";

/** Any URL no other route matches: a translated 404 page. */
export async function loader() {
  throw new Response("Not Found", { status: 404 });
}

export default function NotFoundRoute() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
