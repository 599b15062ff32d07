import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  return null;
}

export const meta: MetaFunction = () => [{ title: "Plenary" }];

export default function MembersRoute() {
  const { t } = useTranslation("common");
  return (
    <>
      <h1>{t("nav.members")}</h1>
      <EmptyState title={t("members.empty.title")} body={t("members.empty.body")} />
    </>
  );
}
