const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The row a URL names, or a 404. A malformed id never reaches the database, and a database error stays an
 * error (a 500 and a log line), never a misleading "not found".
 */
export async function foundOr404<T>(id: string | undefined, load: (id: string) => Promise<T | undefined | null>): Promise<T> {
  const row = id && UUID.test(id) ? await load(id) : undefined;
  if (!row) throw new Response("Not Found", { status: 404 });
  return row;
}
