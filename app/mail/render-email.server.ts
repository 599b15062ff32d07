import { toPlainText } from "@react-email/render";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

/** The doctype react-email's render() puts in front of every message. */
const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

/**
 * An email's HTML from its react-email element: the same document as react-email's render(), made by React's
 * synchronous renderToStaticMarkup instead of its streaming renderer (issue 15). The streaming path (a Suspense
 * boundary, a readable stream, a TextDecoder) cost 0.6–0.9 ms per letter against 0.11–0.14 ms for the same
 * markup, which in a 5,000-letter wave was most of the composing time on the request thread. The output differs
 * only by the markers a streaming render leaves for hydration (`<!--$-->`, `<!--/$-->`, `<!-- -->` between text
 * parts), which a mail client never reads (render-email.server.test.ts). Our email components are synchronous;
 * an element that suspends is refused by React here, as it would be by any synchronous render.
 */
export function renderEmail(element: ReactElement): string {
  return DOCTYPE + renderToStaticMarkup(element);
}

/** The plain-text part react-email's render(element, { plainText: true }) would give, from the same single render. */
export function renderEmailText(html: string): string {
  return toPlainText(html);
}
