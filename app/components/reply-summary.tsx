import { useTranslation } from "react-i18next";

export type ReplySummaryData = {
  response: string;
  declineReason: string | null;
  changedAt: string | null;
  delegates: {
    id: string;
    role: string;
    line: string;
    needsVisaLetter: boolean;
    /** may appear on the published List of Participants (issue 18 §2) */
    listConsent?: boolean;
    passportNumberMasked: string | null;
    birthYear: string | null;
    programme: string[];
  }[];
};

export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** "visa support letter requested (passport ****1234, born 1970)": the summary's and a person's card's words. */
export function visaNote(person: { passportNumberMasked?: string | null; birthYear?: string | null }, t: Translate): string {
  return person.passportNumberMasked
    ? `${t("summary.visa")} (${t("summary.passport", { number: person.passportNumberMasked, year: person.birthYear ?? "—" })})`
    : t("summary.visa");
}

/**
 * The reply as it stands: the answer, when it last changed, and who comes (passport data masked, D4). The link
 * holder reads it about their own reply; staff (`forStaff`) about the member's. Without `people` the list of who
 * comes is left out: the form below shows each of them as a card.
 */
export function ReplySummary({ reply, forStaff = false, people = true }: { reply: ReplySummaryData; forStaff?: boolean; people?: boolean }) {
  const { t } = useTranslation("reply");
  const { t: tg } = useTranslation("delegation");
  if (reply.response === "pending") return <p className="muted">{forStaff ? t("summary.noneStaff") : t("summary.none")}</p>;
  return (
    <div className="reply-summary">
      <p>
        <span className={`badge answer-${reply.response}`}>{t(`answer.${reply.response}`)}</span>
        {reply.changedAt ? <span className="small muted"> {t("summary.changedAt", { at: reply.changedAt })}</span> : null}
      </p>
      {reply.declineReason ? <p className="small">{reply.declineReason}</p> : null}
      {people && reply.delegates.length ? (
        <ol className="delegation-list">
          {reply.delegates.map((d) => (
            <li key={d.id}>
              <span className="small muted">{t(`roles.${d.role}`)}:</span> {d.line}
              {d.programme.length ? <span className="small muted"> · {d.programme.join(", ")}</span> : null}
              {d.listConsent ? <span className="small muted"> · {tg("consent.listed")}</span> : null}
              {d.needsVisaLetter ? <span className="small"> · {visaNote(d, t as unknown as Translate)}</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
