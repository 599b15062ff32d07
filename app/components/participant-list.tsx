import { useTranslation } from "react-i18next";

import { LanguageSwitcher } from "~/components/language-switcher";
import { htmlLang, type Lng } from "~/i18n";

type Line = { key: string; name: string; latin: string; nameLang: Lng; title: string; roleLabel: string };
export type ParticipantListData = {
  locale: Lng;
  lang: Lng;
  heading: string;
  eventTitle: string;
  subtitle: string;
  stamp: string;
  count: number;
  sections: { kind: string; heading: string; members: { memberId: string; heading: string; lines: Line[] }[] }[];
  pdfHref: string;
  backHref: string | null;
};

/** The published List of Participants (issue 18 §2): consenting people only, protocol order, with its PDF. */
export function ParticipantList({ data }: { data: ParticipantListData }) {
  const { t } = useTranslation("delegation");
  return (
    <div className="reply-page participants-page">
      <header className="reply-header">
        <span className="brand">{t("emails:organisation")}</span>
        <LanguageSwitcher current={data.locale} />
      </header>
      <main id="main" className="reply-main">
        {data.backHref ? (
          <p className="breadcrumb">
            <a href={data.backHref}>{t("participants.back")}</a>
          </p>
        ) : null}
        <p className="muted">{data.subtitle}</p>
        <h1>
          {t("participants.title")} <span className="badge">{data.heading}</span>
        </h1>
        <p className="small muted">{data.stamp}</p>
        <p className="field-hint">{t("participants.onlyConsenting")}</p>
        <p>
          <a className="button" href={data.pdfHref} download>
            {t("participants.pdf")}
          </a>
        </p>
        {data.count ? (
          data.sections.map((section) => (
            <section key={`${section.kind}-${section.heading}`} className="panel" aria-label={section.heading}>
              <h2>{section.heading}</h2>
              {section.members.map((member) => (
                <div key={member.memberId} className="participants-member">
                  <h3>{member.heading}</h3>
                  <ul className="delegation-list">
                    {member.lines.map((line) => (
                      <li key={line.key}>
                        <span lang={htmlLang[line.nameLang]}>{line.name}</span>
                        {line.latin ? <span className="muted"> ({line.latin})</span> : null}
                        {line.title ? <span lang={htmlLang[line.nameLang]}> · {line.title}</span> : null}
                        <span className="small muted"> · {line.roleLabel}</span>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </section>
          ))
        ) : (
          <p className="notice">{t("participants.empty")}</p>
        )}
      </main>
    </div>
  );
}
