import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

import { sql } from "kysely";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DB } from "~/db.server";
import { decodeKey } from "~/env.server";
import { API_AUTH_FAILURE_LIMIT, API_RATE_LIMIT, type ApiScope } from "~/lib/api";
import { ContactOut, EventOut, InvitationOut, MemberOut, ReplyOut, RosterEntryOut } from "~/lib/api-schemas";
import { EventSchema, ProgrammeItemSchema } from "~/lib/event-schemas";
import { replySchema } from "~/lib/reply-schemas";
import { loadDemoData } from "~/models/demo.server";
import { createEvent, createProgrammeItem, setPassportCollection, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { applyReply } from "~/models/reply.server";
import { type Account, newAccount, serverDb } from "../fixtures/staff";
import { databaseLabel } from "../helpers/db";
import { ROOT } from "../helpers/paths";
import { startTestServer, type TestServer } from "../helpers/server";

const KEY_HEX = crypto.randomBytes(32).toString("hex");
const PASSPORT = "720011223";
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

/** Every API route file calls requireApiToken in each loader and action, except the public document, reference and 404. */
const API_PUBLIC = new Set(["api.v1.openapi[.]json", "api.v1.docs", "api.v1.$"]);
/** The loader and action functions a file declares (at any depth), each with whether its body calls requireApiToken. */
function guardedFunctions(file: string, text: string) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const guards: Record<string, boolean> = {};
  const visit = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) && node.name && ["loader", "action"].includes(node.name.text)) {
      guards[node.name.text] = /\brequireApiToken\(/.test(node.body?.getText(source) ?? "");
    }
    node.forEachChild(visit);
  };
  visit(source);
  return { source, guards };
}
/** A route may export the loader and action of `versionedApiResource` (members, contacts): guarded when the helper's are. */
const RESOURCE_GUARDS = guardedFunctions("api-resource.server.ts", fs.readFileSync(path.join(ROOT, "app/services/api-resource.server.ts"), "utf8")).guards;
function apiRouteGuards() {
  const dir = path.join(ROOT, "app/routes");
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith("api.") && /\.tsx?$/.test(f))
    .map((file) => {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      const { source, guards } = guardedFunctions(file, text);
      source.forEachChild((node) => {
        if (!ts.isVariableStatement(node) || !/versionedApiResource\(/.test(text)) return;
        for (const declaration of node.declarationList.declarations) {
          const name = declaration.name.getText(source);
          if (["loader", "action"].includes(name) && new RegExp(`^\\w+\\.${name}$`).test(declaration.initializer?.getText(source) ?? "")) {
            guards[name] = RESOURCE_GUARDS[name] ?? false;
          }
        }
      });
      return { id: file.replace(/\.tsx?$/, ""), guards };
    });
}

/** A request sent exactly as written (fetch would normalise "%2e%2e" segments away), with a body that may never end. */
function rawRequest(base: string, { method, path: target, headers, body }: { method: string; path: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    const request = http.request(`${base}${target}`, { method, headers, path: target });
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"] ?? ""), text }));
      response.on("error", reject);
    });
    request.on("error", reject);
    if (body !== undefined) request.write(body);
  });
}

/** An event with a programme, open, five members invited; Primorsky Krai's head needs a visa letter (passport sealed). */
async function seedEvent(db: DB, adminId: string) {
  const key = decodeKey(KEY_HEX)!;
  await loadDemoData(db);
  const { id: eventId } = await createEvent(
    db,
    EventSchema.parse({
      kind: "general_assembly",
      title: { en: "16th NEAR General Assembly" },
      timeZone: "Asia/Seoul",
      start: "2027-06-16T09:00",
      end: "2027-06-17T18:00",
      quota: "5",
      categories: ["delegate"],
    }),
  );
  await transitionEvent(db, { id: eventId, version: 1, to: "open" });
  await setPassportCollection(db, { id: eventId, countries: ["RU"], retentionDays: 30 });
  await createProgrammeItem(db, {
    eventId,
    timeZone: "Asia/Seoul",
    input: ProgrammeItemSchema.parse({ kind: "plenary", start: "2027-06-16T09:30", end: "2027-06-16T12:00", title: { en: "Opening plenary" } }),
  });
  const members = await db
    .selectFrom("member")
    .select(["id", sql<string>`names->>'en'`.as("en")])
    .execute();
  const idOf = (name: string) => members.find((m) => m.en === name)!.id;
  const replies: [string, Record<string, unknown>[]][] = [
    [
      "Primorsky Krai",
      [
        {
          role: "head",
          nameLocale: "ru",
          familyName: "Кожемяко",
          givenName: "Олег",
          latinFamilyName: "Kozhemiako",
          latinGivenName: "Oleg",
          needsVisaLetter: "on",
          passportName: "KOZHEMIAKO OLEG",
          nationality: "RU",
          passportNumber: PASSPORT,
          passportExpiry: "2030-01-01",
          birthDate: "1962-10-17",
        },
      ],
    ],
    [
      "Liaoning Province",
      [
        { role: "head", nameLocale: "zh", familyName: "李", givenName: "乐成", latinFamilyName: "Li", latinGivenName: "Lecheng" },
        { role: "official", nameLocale: "zh", familyName: "王", givenName: "伟" },
      ],
    ],
    ["Tottori Prefecture", [{ role: "head", nameLocale: "ja", familyName: "平井", givenName: "かな" }]],
  ];
  for (const [name, people] of replies) {
    const { id: invitationId } = await ensureInvitation(db, { eventId, memberId: idOf(name), letterLocale: "en", createdBy: adminId });
    const input = replySchema({ quota: 5, passportAllowed: true, programmeIds: [], storedPassport: [], staff: false }).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      ...(people.some((p) => p.needsVisaLetter) ? { passportConsent: "on" } : {}),
      delegates: people,
    });
    const outcome = await db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key, passportAllowed: true }));
    if (outcome.status !== "saved") throw new Error(`reply not saved: ${outcome.status}`);
  }
  for (const name of ["Gyeongsangbuk-do (North Gyeongsang Province)", "Töv Province"]) {
    await ensureInvitation(db, { eventId, memberId: idOf(name), letterLocale: "en", createdBy: adminId });
  }
  return eventId;
}

describe("API routes are guarded by a token", () => {
  it.each(
    apiRouteGuards()
      .filter((r) => !API_PUBLIC.has(r.id))
      .map((r) => [r.id, r.guards] as const),
  )("%s calls requireApiToken in each loader and action", (_id, guards) => {
    expect(Object.keys(guards).length).toBeGreaterThan(0);
    for (const [name, guarded] of Object.entries(guards)) expect(guarded, name).toBe(true);
  });
});

describe(`the JSON API /api/v1 (${databaseLabel})`, () => {
  let server: TestServer;
  let admin: Account;
  let eventId = "";
  let tokens = 0;

  /** A token made through Settings → API tokens, read off the page that shows it once. */
  async function makeToken(scopes: ApiScope[], days = "30", by: Account = admin) {
    const form = new URLSearchParams({ intent: "create", name: `token ${++tokens}`, days });
    for (const scope of scopes) form.append("scopes", scope);
    const response = await by.client.post("/settings/api-tokens", form);
    expect(response.status).toBe(200);
    const token = (await response.text()).match(/plenary_[A-Za-z0-9_-]{43}/)?.[0];
    expect(token).toBeDefined();
    return token!;
  }

  const api = (token: string | null, url: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`${server.url}/api/v1${url}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers } });
  const patch = (token: string, url: string, body: unknown, headers: Record<string, string> = {}) =>
    api(token, url, {
      method: "PATCH",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json", ...headers },
    });

  beforeAll(async () => {
    server = await startTestServer({ DATA_ENCRYPTION_KEY: KEY_HEX });
    admin = await newAccount(server, "admin");
    eventId = await seedEvent(serverDb(server), admin.id);
  }, 180_000);
  afterAll(() => server?.dispose());

  it("refuses requests without a live token: none, malformed, unknown, a session cookie instead, expired, revoked", async () => {
    const none = await api(null, "/members");
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toContain("application/problem+json");
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect((await none.json()).status).toBe(401);
    expect((await api("not-a-token", "/members")).status).toBe(401);
    expect((await api(`plenary_${"A".repeat(43)}`, "/members")).status).toBe(401);
    // a signed-in browser's cookie is not read by the API, and a write from another origin is a 401, not a CSRF hole
    expect((await admin.client.get("/api/v1/members")).status).toBe(401);
    const crossSite = await fetch(`${server.url}/api/v1/members/${UNKNOWN_ID}`, {
      method: "PATCH",
      headers: {
        cookie: [...admin.client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        origin: "https://evil.example",
        "content-type": "application/json",
      },
      body: "{}",
    });
    expect(crossSite.status).toBe(401);

    const expiring = await makeToken(["directory:read"]);
    expect((await api(expiring, "/members?limit=1")).status).toBe(200);
    await serverDb(server)
      .updateTable("api_token")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("name", "=", `token ${tokens}`)
      .execute();
    expect((await api(expiring, "/members?limit=1")).status).toBe(401);

    const revoked = await makeToken(["directory:read"]);
    expect((await api(revoked, "/members?limit=1")).status).toBe(200);
    const { id } = await serverDb(server).selectFrom("api_token").select("id").where("name", "=", `token ${tokens}`).executeTakeFirstOrThrow();
    const page = await admin.client.post("/settings/api-tokens", { intent: "revoke", id });
    expect(page.status).toBe(200);
    expect((await api(revoked, "/members?limit=1")).status).toBe(401);
    const audit = await serverDb(server).selectFrom("audit_log").select("action").where("object_id", "=", id).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["api.token_created", "api.token_revoked"]);

    // a token ends with the account of the administrator who made it
    const colleague = await newAccount(server, "admin");
    const theirs = await makeToken(["directory:read"], "7", colleague);
    expect((await api(theirs, "/members?limit=1")).status).toBe(200);
    await serverDb(server).updateTable("staff_user").set({ disabled_at: new Date() }).where("id", "=", colleague.id).execute();
    expect((await api(theirs, "/members?limit=1")).status).toBe(401);
  });

  it("stores only a hash, and the settings page shows each token's last use but never the token again", async () => {
    const token = await makeToken(["events:read"]);
    expect((await api(token, "/events")).status).toBe(200);
    const row = await serverDb(server).selectFrom("api_token").selectAll().where("name", "=", `token ${tokens}`).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    expect(row.last_used_at).not.toBeNull();
    const html = await (await admin.client.get("/settings/api-tokens")).text();
    expect(html).toContain(`token ${tokens}`);
    expect(html).not.toContain(token);
    // only administrators manage tokens
    const staff = await newAccount(server, "staff");
    expect((await staff.client.get("/settings/api-tokens")).status).toBe(403);
  });

  it("keeps each token to its scopes", async () => {
    const events = await makeToken(["events:read"]);
    const forbidden = await api(events, "/members");
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).type).toContain("insufficient_scope");
    for (const url of ["/contacts", "/subcommittees", `/events/${eventId}/invitations`, `/events/${eventId}/replies`, `/events/${eventId}/roster`]) {
      expect((await api(events, url)).status, url).toBe(403);
    }
    expect((await api(events, `/events/${eventId}/check-in`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).status).toBe(
      403,
    );
    const directory = await makeToken(["directory:read"]);
    expect((await api(directory, "/events")).status).toBe(403);
    expect((await patch(directory, `/members/${UNKNOWN_ID}`, {}, { "if-match": "*" })).status).toBe(403);
  });

  it("pages through the 82 members with an opaque cursor, in a stable order, with filters", async () => {
    const token = await makeToken(["directory:read"]);
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const response = await api(token, `/members?limit=30${next ? `&cursor=${next}` : ""}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: unknown[]; next: string | null };
      for (const member of body.data) seen.push(MemberOut.parse(member).id);
      next = body.next;
      pages++;
    } while (next && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(82);

    const korea = (await (await api(token, "/members?country=kr&limit=200")).json()) as { data: { country: string }[] };
    expect(korea.data.length).toBeGreaterThan(5);
    expect(korea.data.every((m) => m.country === "KR")).toBe(true);
    const later = (await (await api(token, `/members?updated_since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).json()) as {
      data: unknown[];
    };
    expect(later.data).toEqual([]);

    for (const bad of [
      "/members?cursor=nonsense!",
      "/members?cursor=WzFd",
      "/members?limit=1000",
      "/members?limit=0",
      "/members?sort=name;drop table x",
      "/members?status=emperor",
      "/members?updated_since=yesterday",
    ]) {
      const response = await api(token, bad);
      expect(response.status, bad).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
    }

    const contacts = (await (await api(token, "/contacts?limit=5")).json()) as { data: unknown[]; next: string | null };
    expect(contacts.data.length).toBe(5);
    contacts.data.forEach((c) => ContactOut.parse(c));
    const second = (await (await api(token, `/contacts?limit=5&cursor=${contacts.next}`)).json()) as { data: { id: string }[] };
    expect(second.data.map((c) => c.id)).not.toContain((contacts.data[0] as { id: string }).id);
    expect((await (await api(token, "/subcommittees")).json()).data.length).toBeGreaterThan(0);
    const missing = await api(token, `/members/${UNKNOWN_ID}`);
    expect(missing.status).toBe(404);
    expect((await api(token, "/members/not-a-uuid")).status).toBe(404);
    expect((await api(token, "/no-such-route")).status).toBe(404);
    const post = await api(token, "/members", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
    expect(post.headers.get("content-type")).toContain("application/problem+json");
  });

  it("updates a member with If-Match: the form's rules apply, a stale ETag gets 412, and the change is audited", async () => {
    const token = await makeToken(["directory:read", "directory:write"]);
    const [first] = ((await (await api(token, "/members?country=MN&limit=1")).json()) as { data: { id: string }[] }).data;
    const got = await api(token, `/members/${first.id}`);
    const etag = got.headers.get("etag")!;
    expect(etag).toMatch(/^"member-/);
    expect((await api(token, `/members/${first.id}`, { headers: { "if-none-match": etag } })).status).toBe(304);

    expect((await patch(token, `/members/${first.id}`, { postalAddress: "Ulaanbaatar" })).status).toBe(428);
    const saved = await patch(token, `/members/${first.id}`, { postalAddress: "Ulaanbaatar 14200" }, { "if-match": etag });
    expect(saved.status).toBe(200);
    expect((await saved.json()).postalAddress).toBe("Ulaanbaatar 14200");
    expect(saved.headers.get("etag")).not.toBe(etag);
    // someone saved meanwhile: the old ETag is stale
    const stale = await patch(token, `/members/${first.id}`, { postalAddress: "lost update" }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect((await (await api(token, `/members/${first.id}`)).json()).postalAddress).toBe("Ulaanbaatar 14200");

    const current = saved.headers.get("etag")!;
    const invalid = await patch(token, `/members/${first.id}`, { timeZone: "Mars/Olympus", names: { en: "" } }, { "if-match": current });
    expect(invalid.status).toBe(422);
    const problem = (await invalid.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(["names.en", "timeZone"]);
    expect(problem.errors.every((e) => !e.message.includes(":"))).toBe(true);
    expect((await patch(token, `/members/${first.id}`, { colour: "red" }, { "if-match": current })).status).toBe(422);
    expect((await patch(token, `/members/${first.id}`, "{not json", { "if-match": current })).status).toBe(400);
    expect((await patch(token, `/members/${first.id}`, "[1,2]", { "if-match": current })).status).toBe(400);
    expect((await patch(token, `/members/${first.id}`, { notes: "x".repeat(70 * 1024) }, { "if-match": current })).status).toBe(413);
    const form = await api(token, `/members/${first.id}`, {
      method: "PATCH",
      body: "notes=x",
      headers: { "content-type": "application/x-www-form-urlencoded", "if-match": current },
    });
    expect(form.status).toBe(415);
    expect((await api(token, `/members/${first.id}`, { method: "DELETE", headers: { "if-match": current } })).status).toBe(405);

    const audit = await serverDb(server).selectFrom("audit_log").select(["action", "actor_id", "details"]).where("object_id", "=", first.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "directory.member_updated", actor_id: admin.id, details: { via: "api", apiToken: `token ${tokens}` } });
  });

  it("updates a contact with If-Match, emails given as an array", async () => {
    const token = await makeToken(["directory:read", "directory:write"]);
    const [contact] = ((await (await api(token, "/contacts?limit=1")).json()) as { data: { id: string }[] }).data;
    const etag = (await api(token, `/contacts/${contact.id}`)).headers.get("etag")!;
    const saved = await patch(
      token,
      `/contacts/${contact.id}`,
      { emails: ["focal@example.org", "office@example.org"], phone: "+976 11 123456" },
      { "if-match": etag },
    );
    expect(saved.status).toBe(200);
    expect(ContactOut.parse(await saved.json()).emails).toEqual(["focal@example.org", "office@example.org"]);
    expect((await patch(token, `/contacts/${contact.id}`, { phone: "+976 11 000000" }, { "if-match": etag })).status).toBe(412);
    expect((await patch(token, `/contacts/${contact.id}`, { emails: ["not an address"] }, { "if-match": saved.headers.get("etag")! })).status).toBe(422);
  });

  it("reads events with their programme, invitations with status, and replies without passport data", async () => {
    const token = await makeToken(["events:read", "invitations:read", "replies:read"]);
    const event = EventOut.parse(await (await api(token, `/events/${eventId}`)).json());
    expect(event.programme.map((p) => p.title.en)).toEqual(["Opening plenary"]);
    const list = (await (await api(token, "/events?status=open")).json()) as { data: { id: string }[] };
    expect(list.data.map((e) => e.id)).toContain(eventId);

    const invitations = (await (await api(token, `/events/${eventId}/invitations?limit=2`)).json()) as { data: unknown[]; next: string };
    expect(invitations.data).toHaveLength(2);
    invitations.data.forEach((i) => InvitationOut.parse(i));
    const rest = (await (await api(token, `/events/${eventId}/invitations?limit=10&cursor=${invitations.next}`)).json()) as { data: unknown[]; next: null };
    expect(invitations.data.length + rest.data.length).toBe(5);
    expect(rest.next).toBeNull();
    const attending = (await (await api(token, `/events/${eventId}/invitations?status=attending`)).json()) as { data: { response: string }[] };
    expect(attending.data.map((i) => i.response)).toEqual(["attending", "attending", "attending"]);

    const replies = await (await api(token, `/events/${eventId}/replies?status=attending`)).text();
    expect(replies).not.toContain(PASSPORT);
    // not even masked ("•••••223"): a bare "223" may be part of a random uuid
    expect(replies).not.toMatch(/•+223|numberMasked/);
    expect(replies).not.toContain("passport");
    // no birth date or year (as a value, not inside a random uuid)
    expect(replies).not.toMatch(/"1962|birth/i);
    const parsed = JSON.parse(replies) as { data: unknown[] };
    parsed.data.forEach((r) => ReplyOut.parse(r));
    expect(parsed.data.flatMap((r) => (r as { delegates: unknown[] }).delegates)).toHaveLength(4);
    expect((await api(token, `/events/${UNKNOWN_ID}/replies`)).status).toBe(404);
  });

  it("shows passport data to a visa:read token, masked only", async () => {
    const token = await makeToken(["replies:read", "visa:read"]);
    const text = await (await api(token, `/events/${eventId}/replies?country=RU`)).text();
    expect(text).not.toContain(PASSPORT);
    const [reply] = (JSON.parse(text) as { data: { delegates: { passport?: { numberMasked: string; birthYear: string } }[] }[] }).data;
    expect(reply.delegates[0].passport).toEqual({ nationality: "RU", numberMasked: "•••••223", birthYear: "1962" });
  });

  it("lists the roster in protocol order and checks delegates in, audited", async () => {
    const token = await makeToken(["rosters:read", "checkin:write"]);
    const roster = (await (await api(token, `/events/${eventId}/roster`)).json()) as { data: unknown[] };
    const people = roster.data.map((p) => RosterEntryOut.parse(p));
    expect(people.map((p) => p.country)).toEqual(["CN", "CN", "JP", "RU"]);
    expect(people[0].role).toBe("head");
    expect((await api(token, `/events/${eventId}/roster?attendance=everyone`)).status).toBe(400);

    const post = (body: unknown) =>
      api(token, `/events/${eventId}/check-in`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const first = await post({ delegateId: people[0].delegateId });
    expect(first.status).toBe(200);
    expect((await first.json()).status).toBe("checked_in");
    expect((await (await post({ delegateId: people[0].delegateId })).json()).status).toBe("already");
    const { code } = await serverDb(server)
      .selectFrom("delegate")
      .select("check_in_code as code")
      .where("id", "=", people[3].delegateId)
      .executeTakeFirstOrThrow();
    expect((await (await post({ code })).json()).status).toBe("checked_in");
    expect((await (await post({ delegateId: people[0].delegateId, arrived: false })).json()).status).toBe("undone");
    expect((await post({ code: "ZZZZZZZZ" })).status).toBe(404);
    expect((await post({ delegateId: UNKNOWN_ID })).status).toBe(404);
    expect((await post({})).status).toBe(422);
    expect((await post({ delegateId: people[0].delegateId, code })).status).toBe(422);
    expect((await api(token, `/events/${eventId}/check-in`)).status).toBe(405);

    const checkedIn = (await (await api(token, `/events/${eventId}/roster?attendance=checked_in`)).json()) as { data: { delegateId: string }[] };
    expect(checkedIn.data.map((p) => p.delegateId)).toEqual([people[3].delegateId]);
    const audit = await serverDb(server)
      .selectFrom("audit_log")
      .select("action")
      .where("action", "in", ["roster.checked_in", "roster.check_in_undone"])
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["roster.checked_in", "roster.checked_in", "roster.check_in_undone"]);
  });

  it("limits each token's rate: 429 with Retry-After, other tokens unaffected", async () => {
    const busy = await makeToken(["directory:read"]);
    const calm = await makeToken(["directory:read"]);
    const { id } = await serverDb(server)
      .selectFrom("api_token")
      .select("id")
      .where("name", "=", `token ${tokens - 1}`)
      .executeTakeFirstOrThrow();
    // the window is nearly used up; the last few requests go through HTTP
    await serverDb(server)
      .insertInto("rate_limit")
      .values({ key: `api:${id}`, hits: API_RATE_LIMIT.limit - 3, window_started_at: sql`now()` })
      .execute();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api(busy, "/members?limit=1")).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await api(busy, "/members?limit=1");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(API_RATE_LIMIT.windowSeconds);
    expect((await api(calm, "/members?limit=1")).status).toBe(200);
  });

  it("serves the OpenAPI 3.1 document and a readable reference built from it", async () => {
    const doc = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/members", "/members/{memberId}", "/contacts/{contactId}", "/events/{eventId}/replies", "/events/{eventId}/check-in"]),
    );
    expect(doc.components.schemas.MemberPatch.properties.timeZone).toBeDefined();
    expect(doc.servers[0].url).toBe(`${server.url}/api/v1`);
    const page = await fetch(`${server.url}/api/v1/docs`, { headers: { "accept-language": "ja" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<title>API リファレンス · Plenary</title>");
    expect(html).toContain("PATCH /members/{memberId}");
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });
  it("keeps the Origin check for anything that only looks like an API path, and answers oversized API bodies in JSON", async () => {
    // "/api/v1/%2e%2e/%2e%2e/login" is routed as "/login": a cross-site POST there is refused like any other
    const sneaky = await rawRequest(server.url, {
      method: "POST",
      path: "/api/v1/%2e%2e/%2e%2e/login",
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "email=a%40example.org&password=x",
    });
    expect(sneaky.status).toBe(403);
    expect(sneaky.type).toContain("text/html");
    const token = await makeToken(["directory:write"]);
    const huge = await rawRequest(server.url, {
      method: "PATCH",
      path: `/api/v1/members/${UNKNOWN_ID}`,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": String(40 * 1024 * 1024) },
      body: "{",
    });
    expect(huge.status).toBe(413);
    expect(huge.type).toContain("application/problem+json");
  });

  it("answers a flood of unknown tokens from one address with 429, while live tokens keep working", async () => {
    const live = await makeToken(["directory:read"]);
    const statuses: number[] = [];
    for (let i = 0; i <= API_AUTH_FAILURE_LIMIT.limit; i++)
      statuses.push((await api(`plenary_${crypto.randomBytes(32).toString("base64url")}`, "/members")).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(API_AUTH_FAILURE_LIMIT.limit);
    expect((await api(live, "/members?limit=1")).status).toBe(200);
  });
});
