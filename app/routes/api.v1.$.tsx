import { apiProblem } from "~/services/api.server";

/** Any other path under /api/v1: a JSON 404, never the HTML page a browser gets. */
export async function loader() {
  throw apiProblem(404, "not_found", "Not found", "No such API route. See /api/v1/openapi.json.");
}

export async function action() {
  throw apiProblem(404, "not_found", "Not found", "No such API route. See /api/v1/openapi.json.");
}
