import { Form, Link, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { GUEST_CATEGORIES, type GuestCategory, type GuestKind } from "../../db/schema";

export type InvitableGuest = { id: string; name: string; kind: GuestKind; country: string; email: string; invited: boolean };

/** Default category for a kind of guest: the press are press, observers observers, the rest guests. */
function categoryFor(guests: InvitableGuest[]): GuestCategory {
  const kinds = new Set(guests.filter((g) => !g.invited).map((g) => g.kind));
  if (kinds.size === 1 && kinds.has("press")) return "press";
  if (kinds.size === 1 && kinds.has("observer")) return "observer";
  return "guest";
}

/**
 * Issue 18 §3: invite guests from the event's Invitations page. The category chosen here is fixed on each
 * invitation (every person the guest registers gets it); "one person" makes the reply a single person.
 */
export function GuestInvitePanel({ guests, sent, canSend }: { guests: InvitableGuest[]; sent?: number; canSend: boolean }) {
  const { t } = useTranslation("guests");
  const navigation = useNavigation();
  return (
    <section className="panel" aria-labelledby="invite-guests">
      <h2 id="invite-guests">{t("invite.title")}</h2>
      <p className="muted">{t("invite.lead")}</p>
      {sent !== undefined ? (
        <p className="notice success" role="status">
          {t("invite.sent", { count: sent })}
        </p>
      ) : null}
      {guests.length ? (
        <Form method="post">
          <input type="hidden" name="intent" value="invite-guests" />
          <ul className="plain-list">
            {guests.map((g) => (
              <li key={g.id}>
                <label className="checkbox">
                  <input type="checkbox" name="guestIds" value={g.id} disabled={g.invited} />{" "}
                  <span>
                    {g.name} <span className="secondary-name">{[t(`kinds.${g.kind}`), g.country, g.email].join(" · ")}</span>
                  </span>
                  {g.invited ? <span className="badge">{t("invite.invited")}</span> : null}
                </label>
              </li>
            ))}
          </ul>
          <div className="form-grid">
            <div className="field">
              <label htmlFor="guest-category">{t("invite.category")}</label>
              <select id="guest-category" name="category" defaultValue={categoryFor(guests)}>
                {GUEST_CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {t(`events:categories.${c}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <label className="checkbox">
            <input type="checkbox" name="singlePerson" defaultChecked /> {t("invite.singlePerson")}
          </label>
          <label className="checkbox">
            <input type="checkbox" name="bilingual" /> {t("invitations:bilingual")}
          </label>
          <div className="actions">
            <button type="submit" className="button primary" disabled={!canSend || navigation.state !== "idle"}>
              {t("invite.button")}
            </button>
            <Link to="/members/guests" className="button">
              {t("invite.manage")}
            </Link>
          </div>
        </Form>
      ) : (
        <p>
          {t("invite.none")} <Link to="/members/guests">{t("invite.manage")}</Link>
        </p>
      )}
    </section>
  );
}
