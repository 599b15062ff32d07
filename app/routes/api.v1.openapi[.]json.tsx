import { getEnv } from "~/env.server";
import { openApiDocument } from "~/lib/api-schemas";

/** GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the same zod schemas the forms use. Public: it holds no data. */
export async function loader() {
  return Response.json(openApiDocument(getEnv().APP_URL), { headers: { "Cache-Control": "public, max-age=300" } });
}
