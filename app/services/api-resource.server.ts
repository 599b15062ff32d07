import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type * as z from "zod";

import { getDb, type Tx } from "~/db.server";
import { type ApiScope, entityTag, versionFromIfMatch } from "~/lib/api";
import { audited } from "~/models/audit.server";
import { ConflictError, DuplicateError } from "~/models/errors";
import {
  apiAuditEntry,
  apiJson,
  apiProblem,
  methodNotAllowed,
  notFound,
  readJsonObject,
  requireApiToken,
  requireIfMatch,
  requireUuid,
  stale,
  validationProblem,
} from "~/services/api.server";

/**
 * One versioned directory record in the API: GET with its ETag (304 on If-None-Match), and PATCH that lays
 * the fields given over the current ones, checks them with the staff form's own schema, requires If-Match
 * (428 without, 412 when stale) and writes with an audit row in one transaction. The member and contact
 * routes are this, with their own names, schema and texts.
 */
export function versionedApiResource<Record extends { id: string; version: number }, Schema extends z.ZodObject<z.ZodRawShape>>(spec: {
  /** the record's name in ETags, problem texts and the route parameter (`${kind}Id`) */
  kind: "member" | "contact";
  read: ApiScope;
  write: ApiScope;
  find: (id: string) => Promise<Record | undefined>;
  out: (record: Record) => unknown;
  /** the record as its staff form would send it, so a PATCH of a few fields is checked as a whole form */
  formValue: (record: Record) => { [field: string]: unknown };
  schema: Schema;
  /** the API's own spellings of form fields (the contact form's addresses come as one text, the API takes a list) */
  fromApi?: (body: { [field: string]: unknown }) => { [field: string]: unknown };
  update: (trx: Tx, change: { record: Record; version: number; input: z.output<Schema> }) => Promise<unknown>;
  audit: string;
  duplicate: string;
}) {
  const tag = (record: Record) => entityTag(spec.kind, record.id, record.version);
  const load = async (id: string) => {
    const record = await spec.find(id);
    if (!record) throw notFound(spec.kind);
    return record;
  };
  const answer = (record: Record) => apiJson(spec.out(record), { headers: { ETag: tag(record) } });

  async function loader(args: LoaderFunctionArgs) {
    await requireApiToken(args, spec.read);
    const record = await load(requireUuid(args.params[`${spec.kind}Id`]));
    if (args.request.headers.get("If-None-Match") === tag(record)) return new Response(null, { status: 304, headers: { ETag: tag(record) } });
    return answer(record);
  }

  async function action(args: ActionFunctionArgs) {
    const caller = await requireApiToken(args, spec.write);
    if (args.request.method !== "PATCH") throw methodNotAllowed("GET, PATCH");
    const id = requireUuid(args.params[`${spec.kind}Id`]);
    const record = await load(id);
    const version = requireIfMatch(args.request, (header) => versionFromIfMatch(header, spec.kind, id), record.version);
    const body = await readJsonObject(args.request);
    const unknown = Object.keys(body).filter((key) => !(key in spec.schema.shape));
    if (unknown.length) return apiProblem(422, "invalid", "Invalid data", `Unknown fields: ${unknown.join(", ")}.`);
    const parsed = spec.schema.safeParse({ ...spec.formValue(record), ...body, ...spec.fromApi?.(body) });
    if (!parsed.success) return validationProblem(parsed.error);
    try {
      await audited(
        getDb(),
        (trx) => spec.update(trx, { record, version, input: parsed.data }),
        apiAuditEntry(caller, args.context, { action: spec.audit, objectType: spec.kind, objectId: id, details: { fields: Object.keys(body) } }),
      );
    } catch (error) {
      if (error instanceof ConflictError) return stale();
      if (error instanceof DuplicateError) return apiProblem(409, "duplicate", "Conflict", spec.duplicate);
      throw error;
    }
    return answer(await load(id));
  }

  return { loader, action };
}
