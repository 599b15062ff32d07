import { useTranslation } from "react-i18next";

import { languageNames, supportedLngs } from "~/i18n";

export type CountryOption = { code: string; name: string; priority: boolean };

/** NEAR's six countries first, then the rest; the list comes from the loader (countryOptions) to avoid Intl drift. */
export function CountryOptions({ countries }: { countries: CountryOption[] }) {
  const { t } = useTranslation("directory");
  return (
    <>
      <optgroup label={t("fields.nearCountries")}>
        {countries
          .filter((c) => c.priority)
          .map(({ code, name }) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
      </optgroup>
      <optgroup label={t("fields.otherCountries")}>
        {countries
          .filter((c) => !c.priority)
          .map(({ code, name }) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
      </optgroup>
    </>
  );
}

export function LanguageOptions() {
  return (
    <>
      {supportedLngs.map((lng) => (
        <option key={lng} value={lng}>
          {languageNames[lng]}
        </option>
      ))}
    </>
  );
}
