import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { getEnv } from "~/env.server";
import { openApiDocument } from "~/lib/api-schemas";
import type { PageTitle } from "~/lib/page-title";

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  default?: unknown;
  additionalProperties?: Schema | boolean;
};

/** A schema in a few words: "Member", "array of Contact", "string (uuid)", "one of: draft, open". */
function typeOf(schema: Schema | undefined): string {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").at(-1)!;
  if (schema.enum) return schema.enum.map(String).join(" | ");
  if (schema.anyOf ?? schema.oneOf) return (schema.anyOf ?? schema.oneOf)!.map(typeOf).join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items)}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  return schema.format ? `${type} (${schema.format})` : type;
}

function fields(schema: Schema | undefined) {
  return Object.entries(schema?.properties ?? {}).map(([name, field]) => ({
    name,
    type: typeOf(field),
    required: Boolean(schema?.required?.includes(name)),
    description: field.description ?? "",
  }));
}

/** The reference, server-rendered from the OpenAPI document: no script, no outside resource. Public, as the document is. */
export async function loader(_args: LoaderFunctionArgs) {
  const doc = openApiDocument(getEnv().APP_URL) as unknown as {
    info: { description?: string };
    servers: { url: string }[];
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, Schema> };
  };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const operation = op as {
        summary?: string;
        description?: string;
        security?: Record<string, string[]>[];
        parameters?: { name: string; in: string; required?: boolean; schema?: Schema; description?: string }[];
        requestBody?: { content: Record<string, { schema: Schema }> };
        responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
      };
      return {
        id: `${method}-${path}`.replace(/[^a-z0-9]+/gi, "-"),
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? "",
        description: operation.description ?? "",
        scope: operation.security?.[0]?.bearer?.[0] ?? null,
        parameters: (operation.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          required: Boolean(p.required),
          type: typeOf(p.schema),
          description: p.description ?? p.schema?.description ?? "",
        })),
        body: operation.requestBody ? typeOf(Object.values(operation.requestBody.content)[0]?.schema) : null,
        responses: Object.entries(operation.responses).map(([status, r]) => ({
          status,
          description: r.description,
          type: r.content ? typeOf(Object.values(r.content)[0]?.schema) : "",
        })),
      };
    }),
  );
  const schemas = Object.entries(doc.components.schemas).map(([name, schema]) => ({ name, description: schema.description ?? "", fields: fields(schema) }));
  return { intro: doc.info.description ?? "", server: doc.servers[0]?.url ?? "/api/v1", operations, schemas };
}

export const handle = { i18n: ["common", "api"], title: "api:docs.title" satisfies PageTitle };

export default function ApiDocsRoute() {
  const { t } = useTranslation("api");
  const { intro, server, operations, schemas } = useLoaderData<typeof loader>();
  return (
    <main className="api-docs">
      <h1>{t("docs.title")}</h1>
      <p>
        {t("docs.lead")} <a href="/api/v1/openapi.json">openapi.json</a>
      </p>
      {intro.split("\n\n").map((paragraph) => (
        <p key={paragraph}>{paragraph}</p>
      ))}
      <pre>
        <code>{`curl -H "Authorization: Bearer plenary_…" ${server}/members?country=KR&limit=10`}</code>
      </pre>
      <nav aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">{t("docs.endpoints")}</h2>
        <ul>
          {operations.map((op) => (
            <li key={op.id}>
              <a href={`#${op.id}`}>
                <code>{`${op.method} ${op.path}`}</code>
              </a>{" "}
              {op.summary}
            </li>
          ))}
        </ul>
      </nav>
      {operations.map((op) => (
        <section key={op.id} id={op.id} className="panel" aria-labelledby={`${op.id}-h`}>
          <h3 id={`${op.id}-h`}>
            <code>{`${op.method} ${op.path}`}</code> — {op.summary}
          </h3>
          {op.description ? <p>{op.description}</p> : null}
          {op.scope ? (
            <p>
              {t("docs.scope")}: <code>{op.scope}</code>
            </p>
          ) : null}
          {op.parameters.length ? (
            <div className="table-wrap">
              <table className="data-table">
                <caption>{t("docs.parameters")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("docs.name")}</th>
                    <th scope="col">{t("docs.in")}</th>
                    <th scope="col">{t("docs.type")}</th>
                    <th scope="col">{t("docs.required")}</th>
                    <th scope="col">{t("docs.description")}</th>
                  </tr>
                </thead>
                <tbody>
                  {op.parameters.map((p) => (
                    <tr key={`${p.in}-${p.name}`}>
                      <td>
                        <code>{p.name}</code>
                      </td>
                      <td>{p.in}</td>
                      <td className="small">{p.type}</td>
                      <td>{p.required ? t("docs.yes") : t("docs.no")}</td>
                      <td className="small">{p.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {op.body ? (
            <p>
              {t("docs.requestBody")}: <a href={`#schema-${op.body}`}>{op.body}</a>
            </p>
          ) : null}
          <h4>{t("docs.responses")}</h4>
          <ul>
            {op.responses.map((r) => (
              <li key={r.status}>
                <code>{r.status}</code> {r.description} {r.type ? <a href={`#schema-${r.type.replace("[]", "")}`}>{r.type}</a> : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
      <h2>{t("docs.schemas")}</h2>
      {schemas.map((schema) => (
        <section key={schema.name} id={`schema-${schema.name}`} className="panel" aria-labelledby={`schema-${schema.name}-h`}>
          <h3 id={`schema-${schema.name}-h`}>{schema.name}</h3>
          {schema.description ? <p>{schema.description}</p> : null}
          {schema.fields.length ? (
            <div className="table-wrap">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t("docs.field")}</th>
                    <th scope="col">{t("docs.type")}</th>
                    <th scope="col">{t("docs.required")}</th>
                    <th scope="col">{t("docs.description")}</th>
                  </tr>
                </thead>
                <tbody>
                  {schema.fields.map((f) => (
                    <tr key={f.name}>
                      <td>
                        <code>{f.name}</code>
                      </td>
                      <td className="small">{f.type}</td>
                      <td>{f.required ? t("docs.yes") : t("docs.no")}</td>
                      <td className="small">{f.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ))}
      <p>
        <Link to="/settings/api-tokens">{t("tokens.title")}</Link>
      </p>
    </main>
  );
}
