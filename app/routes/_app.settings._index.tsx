import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth.server";
import { LanguageSwitcher } from "~/components/language-switcher";
import { databaseKind } from "~/db.server";
import { getEnv } from "~/env.server";
import { languageNames } from "~/i18n";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const env = getEnv();
  return {
    user: { displayName: user.displayName, email: user.email, role: user.role, locale: user.locale },
    locale: args.context.locale,
    system: { database: databaseKind(), mail: env.SMTP_URL ? "smtp" : "local", appUrl: env.APP_URL },
  };
}

export const meta: MetaFunction = () => [{ title: "Plenary" }];

export default function SettingsRoute() {
  const { t } = useTranslation("common");
  const { user, locale, system } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("nav.settings")}</h1>
      <section className="panel" aria-labelledby="account-heading">
        <h2 id="account-heading">{t("settings.account.title")}</h2>
        <dl className="facts">
          <dt>{t("settings.account.name")}</dt>
          <dd>{user.displayName}</dd>
          <dt>{t("settings.account.email")}</dt>
          <dd>{user.email}</dd>
          <dt>{t("settings.account.role")}</dt>
          <dd>{t(`roles.${user.role}`)}</dd>
          <dt>{t("settings.account.language")}</dt>
          <dd>
            {user.locale ? languageNames[user.locale] : t("settings.account.languageAuto")}{" "}
            <LanguageSwitcher key={locale} current={locale} />
          </dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="system-heading">
        <h2 id="system-heading">{t("settings.system.title")}</h2>
        <dl className="facts">
          <dt>{t("settings.system.database")}</dt>
          <dd>{t(`settings.system.databaseKind.${system.database}`)}</dd>
          <dt>{t("settings.system.mail")}</dt>
          <dd>{t(`settings.system.mailKind.${system.mail}`)}</dd>
          <dt>{t("settings.system.appUrl")}</dt>
          <dd>
            <code>{system.appUrl}</code>
          </dd>
        </dl>
      </section>
    </>
  );
}
