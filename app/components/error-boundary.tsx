import { isRouteErrorResponse, Link, useLocation, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";

type Kind = "notFound" | "forbidden" | "badRequest" | "gone" | "tooLarge" | "tooMany" | "unavailable" | "server";

export function kindOf(error: unknown): Kind {
  if (!isRouteErrorResponse(error)) return "server";
  switch (error.status) {
    case 400:
    case 405:
      return "badRequest";
    case 403:
      return "forbidden";
    case 404:
      return "notFound";
    case 410:
      return "gone";
    case 413:
      return "tooLarge";
    case 429:
      return "tooMany";
    case 503:
      return "unavailable";
    default:
      return error.status < 500 ? "badRequest" : "server";
  }
}

/** Translated error page for any thrown response or crash; never shows stack traces or internals. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("common");
  const kind = kindOf(error);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail = isRouteErrorResponse(error) && typeof error.data === "object" && error.data?.messageKey;
  const location = useLocation();
  return (
    <main className="error-page" id="main">
      <p className="error-status">{status}</p>
      <h1>{t(`errors.${kind}.title`)}</h1>
      <p>{detail ? t(String(detail)) : t(`errors.${kind}.body`)}</p>
      <p>
        {kind === "unavailable" ? (
          <>
            <a href={location.pathname + location.search}>{t("errors.tryAgain")}</a>
            {" · "}
          </>
        ) : null}
        <Link to="/">{t("errors.backHome")}</Link>
      </p>
    </main>
  );
}
