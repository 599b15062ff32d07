import { Form, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

export type PublishedListSummary = { number: number; kind: string; isPublic: boolean; at: string } | null;

/**
 * Issue 18 §2 on the roster page: which frozen version is the published List of Participants (consenting people
 * only), whether it is also on a public page, and the forms to publish or withdraw it.
 */
export function ParticipantListPanel({
  eventId,
  versions,
  published,
  canEdit,
}: {
  eventId: string;
  versions: { id: string; number: number; kind: string }[];
  published: PublishedListSummary;
  canEdit: boolean;
}) {
  const { t } = useTranslation("delegation");
  const { t: tr } = useTranslation("rosters");
  const [params] = useSearchParams();
  const notice = params.get("list");
  const publicPath = `/events/${eventId}/participants`;
  return (
    <section className="panel" aria-labelledby="published-list-heading">
      <h2 id="published-list-heading">{t("publish.title")}</h2>
      <p className="muted">{t("publish.hint")}</p>
      {notice === "published" || notice === "withdrawn" ? (
        <p className="notice success" role="status">
          {t(`publish.${notice}`)}
        </p>
      ) : null}
      {published ? (
        <p>
          {t("publish.current", { number: published.number, kind: tr(`versions.kinds.${published.kind}`), at: published.at })}{" "}
          {published.isPublic ? (
            <>
              {t("publish.publicUrl")} <a href={publicPath}>{publicPath}</a>
            </>
          ) : (
            t("publish.notPublic")
          )}
        </p>
      ) : (
        <p>{t("publish.none")}</p>
      )}
      {canEdit && versions.length ? (
        <Form method="post" className="inline">
          <input type="hidden" name="intent" value="publish" />
          <label>
            {t("publish.version")}
            <select name="version" defaultValue={published?.number ?? versions[0].number}>
              {versions.map((v) => (
                <option key={v.id} value={v.number}>
                  #{v.number} {tr(`versions.kinds.${v.kind}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="checkbox">
            <input type="checkbox" name="isPublic" defaultChecked={published?.isPublic ?? false} /> {t("publish.public")}
          </label>
          <button type="submit" className="button">
            {t("publish.button")}
          </button>
        </Form>
      ) : null}
      {canEdit && !versions.length ? <p className="small muted">{t("publish.noVersions")}</p> : null}
      {canEdit && published ? (
        <Form method="post" className="inline">
          <input type="hidden" name="intent" value="unpublish" />
          <button type="submit" className="button danger">
            {t("publish.unpublish")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
