import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth.server";
import { EmptyState } from "~/components/app-shell";

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args);
  return null;
}

export const meta: MetaFunction = () => [{ title: "Plenary" }];

export default function MailRoute() {
  const { t } = useTranslation("common");
  return (
    <>
      <h1>{t("nav.mail")}</h1>
      <EmptyState title={t("mail.empty.title")} body={t("mail.empty.body")} />
    </>
  );
}
