import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  return null;
}

export const meta: MetaFunction = () => [{ title: "Plenary" }];

export default function EventsRoute() {
  const { t } = useTranslation("common");
  return (
    <>
      <h1>{t("nav.events")}</h1>
      <EmptyState title={t("events.empty.title")} body={t("events.empty.body")} />
    </>
  );
}
