import { type AppLoadContext, createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";

import { NonceProvider } from "~/components/nonce";
import { loggablePath } from "~/http.server";
import { i18nFor } from "~/i18next.server";
import { isDatabaseUnavailable } from "~/lib/db-errors";
import { withoutTrailingNulls } from "~/lib/html-stream.server";
import { logger } from "~/logger.server";
import { OUTAGE_HEADERS } from "~/outage.server";

export { runServer, startServer } from "~/http.server";

const ABORT_DELAY = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const i18n = await i18nFor(loadContext.locale);
  const nonce = loadContext.nonce;
  const waitForAll = isbot(request.headers.get("user-agent")) || remixContext.isSpaMode;

  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <I18nextProvider i18n={i18n}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = withoutTrailingNulls();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          // the page of a database outage (a loader threw 503: app/outage.server.ts)
          if (responseStatusCode === 503) for (const [name, value] of Object.entries(OUTAGE_HEADERS)) responseHeaders.set(name, value);
          if (loadContext.user) responseHeaders.set("Cache-Control", "private, no-store");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logger.error({ err: String(error) }, "render error");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  if (isDatabaseUnavailable(error)) {
    logger.warn({ err: (error as Error).message, method: request.method, path: loggablePath(request.url) }, "database unavailable");
    return;
  }
  const err = error instanceof Error ? { message: error.message, stack: error.stack } : String(error);
  logger.error({ err, method: request.method, path: loggablePath(request.url) }, "request failed");
}
