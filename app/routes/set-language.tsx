import { type ActionFunctionArgs, redirect } from "@remix-run/node";

import { safeRedirect } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import { isSupportedLng } from "~/i18n";
import { lngCookie } from "~/i18next.server";
import { PUBLIC_FORM_LIMITS, readForm } from "~/lib/bounded-form.server";
import { setStaffUserLocale } from "~/models/staff-user.server";

export async function loader() {
  return redirect("/");
}

/** Switching language is a POST; the value is checked against the six languages. */
export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request, PUBLIC_FORM_LIMITS);
  const lng = formData.get("lng");
  if (!isSupportedLng(lng)) {
    throw Response.json({ messageKey: "errors.language" }, { status: 400 });
  }
  if (context.user) await setStaffUserLocale(getDb(), { id: context.user.id, locale: lng });
  return redirect(safeRedirect(formData.get("redirectTo")), {
    headers: { "Set-Cookie": await lngCookie.serialize(lng) },
  });
}

/** Never rendered on success (the action redirects); present so a refused value gets the translated error page. */
export default function SetLanguageRoute() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
