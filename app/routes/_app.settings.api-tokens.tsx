import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getDb } from "~/db.server";
import { actionError, actionErrorOf, describeActionError } from "~/lib/action-error";
import { API_SCOPES, API_TOKEN_LIFETIMES, API_TOKEN_PREFIX } from "~/lib/api";
import { readForm } from "~/lib/bounded-form.server";
import { formatDateTimeZoned } from "~/lib/dates";
import type { PageTitle } from "~/lib/page-title";
import { createToken, hashToken } from "~/lib/tokens.server";
import { singleLine } from "~/lib/validation";
import { createApiToken, listApiTokens, revokeApiToken } from "~/models/api-token.server";
import { audited } from "~/models/audit.server";
import { getStaffTimeZone } from "~/models/secretariat.server";

const ApiTokenFormSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    name: singleLine(100),
    scopes: z.array(z.enum(API_SCOPES)).min(1, "api:tokens.errors.scopes"),
    days: z.coerce.number().refine((days) => (API_TOKEN_LIFETIMES as readonly number[]).includes(days), "api:tokens.errors.lifetime"),
  }),
  z.object({ intent: z.literal("revoke"), id: z.uuid() }),
]);

/** Personal API tokens (issue 19 §1): administrators create them (shown once), see their last use, and revoke them. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "admin");
  const db = getDb();
  const zone = await getStaffTimeZone(db);
  const when = (at: Date | string | null) => (at ? formatDateTimeZoned(new Date(at), args.context.locale, zone) : null);
  const now = Date.now();
  const tokens = (await listApiTokens(db)).map((token) => ({
    id: token.id,
    name: token.name,
    scopes: token.scopes,
    createdAt: when(token.createdAt),
    createdBy: token.createdByLabel,
    expiresAt: when(token.expiresAt),
    lastUsedAt: when(token.lastUsedAt),
    lastUsedIp: token.lastUsedIp,
    state: token.revokedAt ? ("revoked" as const) : new Date(token.expiresAt).getTime() <= now ? ("expired" as const) : ("active" as const),
  }));
  return { tokens };
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, "admin");
  const submission = parseWithZod(await readForm(args.request), { schema: ApiTokenFormSchema });
  if (submission.status !== "success") {
    const scopesMissing = submission.error?.scopes?.length;
    return actionError(scopesMissing ? "api:tokens.errors.scopes" : "api:tokens.errors.invalid", 400);
  }
  const db = getDb();
  const value = submission.value;
  if (value.intent === "revoke") {
    const revoked = await audited(
      db,
      (trx) => revokeApiToken(trx, { id: value.id, by: user.id }),
      (row) =>
        row
          ? { actor: user, action: "api.token_revoked", objectType: "api_token", objectId: row.id, ip: args.context.clientIp, details: { name: row.name } }
          : null,
    );
    if (!revoked) return actionError("api:tokens.errors.gone", 404);
    return Response.json({ revoked: revoked.name });
  }
  const token = `${API_TOKEN_PREFIX}${createToken()}`;
  const created = await audited(
    db,
    (trx) => createApiToken(trx, { name: value.name, tokenHash: hashToken(token), scopes: value.scopes, createdBy: user.id, days: value.days }),
    (row) => ({
      actor: user,
      action: "api.token_created",
      objectType: "api_token",
      objectId: row.id,
      ip: args.context.clientIp,
      details: { name: value.name, scopes: value.scopes, days: value.days },
    }),
  );
  // the token itself is in this one answer only: the database keeps its SHA-256
  return Response.json({ created: { id: created.id, name: value.name, token } }, { headers: { "Cache-Control": "no-store" } });
}

export const handle = { i18n: ["common", "settings", "api"], title: "api:tokens.title" satisfies PageTitle };

type ActionData = { created?: { id: string; name: string; token: string }; revoked?: string };

export default function ApiTokensRoute() {
  const { t } = useTranslation("api");
  const { tokens } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const error = actionErrorOf(data);
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <>
      <h2>{t("tokens.title")}</h2>
      <p className="muted">
        {t("tokens.lead")} <Link to="/api/v1/docs">{t("tokens.reference")}</Link>
      </p>
      {error ? (
        <p className="notice error" role="alert">
          {describeActionError(t, error)}
        </p>
      ) : null}
      {data?.created ? (
        <div className="notice success" role="status">
          <p>{t("tokens.createdOnce", { name: data.created.name })}</p>
          <p>
            <code className="token-once" data-testid="new-token">
              {data.created.token}
            </code>
          </p>
        </div>
      ) : null}
      {data?.revoked ? (
        <p className="notice" role="status">
          {t("tokens.revokedDone", { name: data.revoked })}
        </p>
      ) : null}

      <div className="table-wrap">
        <table className="data-table">
          <caption className="visually-hidden">{t("tokens.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("tokens.name")}</th>
              <th scope="col">{t("tokens.scopes")}</th>
              <th scope="col" className="hide-narrow">
                {t("tokens.created")}
              </th>
              <th scope="col">{t("tokens.expires")}</th>
              <th scope="col">{t("tokens.lastUsed")}</th>
              <th scope="col">{t("tokens.state")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("tokens.revoke")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {t("tokens.empty")}
                </td>
              </tr>
            ) : null}
            {tokens.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td className="small">{token.scopes.join(", ")}</td>
                <td className="small hide-narrow">{t("tokens.createdBy", { when: token.createdAt, who: token.createdBy })}</td>
                <td className="small">{token.expiresAt}</td>
                <td className="small">{token.lastUsedAt ? t("tokens.usedFrom", { when: token.lastUsedAt, ip: token.lastUsedIp ?? "" }) : t("tokens.never")}</td>
                <td>
                  <span className={`badge ${token.state === "active" ? "status-open" : "status-closed"}`}>{t(`tokens.states.${token.state}`)}</span>
                </td>
                <td>
                  {token.state !== "revoked" ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="id" value={token.id} />
                      <button type="submit" className="button small danger" disabled={busy} aria-label={t("tokens.revokeNamed", { name: token.name })}>
                        {t("tokens.revoke")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="panel" aria-labelledby="new-token-heading">
        <h3 id="new-token-heading">{t("tokens.new")}</h3>
        <Form method="post" className="stacked-form">
          <input type="hidden" name="intent" value="create" />
          <label>
            {t("tokens.name")}
            <input name="name" required maxLength={100} autoComplete="off" />
          </label>
          <fieldset>
            <legend>{t("tokens.scopes")}</legend>
            {API_SCOPES.map((scope) => (
              <label key={scope} className="checkbox">
                <input type="checkbox" name="scopes" value={scope} /> <code>{scope}</code> {t(`scopes.${scope.replace(":", "_")}`)}
              </label>
            ))}
          </fieldset>
          <label>
            {t("tokens.lifetime")}
            <select name="days" defaultValue="90">
              {API_TOKEN_LIFETIMES.map((days) => (
                <option key={days} value={days}>
                  {t("tokens.days", { count: days })}
                </option>
              ))}
            </select>
          </label>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy}>
              {t("tokens.create")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

/** An error on this page (403 for a non-admin, a database outage) is shown inside the settings layout. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
