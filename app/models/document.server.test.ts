import crypto from "node:crypto";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemberSchema } from "~/lib/directory-schemas";
import { cleanFileName, MAX_DOCUMENT_BYTES, sniffMediaType } from "~/lib/documents";
import { EventSchema } from "~/lib/event-schemas";
import { type ReplyRules, replySchema } from "~/lib/reply-schemas";
import { keyId, unsealBytes } from "~/lib/sealed.server";
import { deleteDocument, getDocumentFile, listBadgePhotos, listDocuments } from "~/models/document.server";
import { createEvent, setPassportCollection, transitionEvent } from "~/models/event.server";
import { ensureInvitation } from "~/models/invitation.server";
import { createMember } from "~/models/member.server";
import { applyReply, getReply } from "~/models/reply.server";
import { createStaffUser } from "~/models/staff-user.server";
import { uploadDocument } from "~/services/documents.server";
import { runRetentionPurge } from "~/services/retention.server";
import { createTestDb, databaseLabel, type TestDb } from "../../tests/helpers/db";
import { hugePngHeader, PDF } from "../../tests/helpers/documents";

const KEY = crypto.randomBytes(32);
const env = { DATA_ENCRYPTION_KEY: KEY };
const rules: ReplyRules = { quota: 3, passportAllowed: true, programmeIds: [], storedPassport: [], staff: false };

describe(`delegation documents (${databaseLabel})`, () => {
  let t: TestDb;
  let invitationId: string;
  let otherInvitationId: string;
  let delegateId: string;
  let photo: Buffer;
  beforeAll(async () => {
    t = await createTestDb();
    const user = await createStaffUser(t.db, { email: "s@example.org", displayName: "S", passwordHash: "x", role: "staff" });
    const member = (en: string) => createMember(t.db, MemberSchema.parse({ country: "MN", kind: "aimag", names: { en }, timeZone: "Asia/Ulaanbaatar" }));
    const [{ id: memberId }, { id: otherMemberId }] = [await member("Töv Province"), await member("Dornod Province")];
    const { id: eventId } = await createEvent(
      t.db,
      EventSchema.parse({
        kind: "forum",
        title: { en: "Forum" },
        timeZone: "Asia/Seoul",
        start: "2026-09-10T09:00",
        end: "2026-09-11T18:00",
        quota: "3",
        categories: ["delegate"],
      }),
    );
    await transitionEvent(t.db, { id: eventId, version: 1, to: "open" });
    await setPassportCollection(t.db, { id: eventId, countries: ["MN"], retentionDays: 30 });
    invitationId = (await ensureInvitation(t.db, { eventId, memberId, letterLocale: "mn", createdBy: user.id })).id;
    otherInvitationId = (await ensureInvitation(t.db, { eventId, memberId: otherMemberId, letterLocale: "en", createdBy: user.id })).id;
    const input = replySchema(rules).parse({
      response: "attending",
      revision: "1",
      submission: crypto.randomUUID(),
      delegates: [{ role: "head", nameLocale: "mn", givenName: "Батболд", latinFamilyName: "Tserengiin", latinGivenName: "Batbold" }],
    });
    await t.db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 1, input, actor: { kind: "link" }, key: KEY, passportAllowed: true }));
    delegateId = (await getReply(t.db, { invitationId, key: KEY }))!.delegates[0].id;
    // a 1200 × 1600 camera picture with EXIF (camera and GPS-like data) and a rotation flag
    photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 200, g: 120, b: 40 } } })
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD0: { Make: "SecretCam", Copyright: "Batbold" } } })
      .toBuffer();
  });
  afterAll(() => t.close());

  const upload = (input: Partial<Parameters<typeof uploadDocument>[1]>) =>
    uploadDocument(t.db, { env, invitationId, kind: "note_verbale", passportAllowed: true, bytes: PDF, name: "note.pdf", ...input });

  it("knows a file by its first bytes, and names it after what it is, refusing names with direction overrides or controls", () => {
    expect(sniffMediaType(PDF)).toBe("application/pdf");
    expect(sniffMediaType(Buffer.from("MZ\x90\x00", "latin1"))).toBeNull();
    expect(sniffMediaType(Buffer.from("\x7fELF", "latin1"))).toBeNull();
    expect(cleanFileName("C:\\Users\\me\\Нота МИД.PDF", "application/pdf")).toBe("Нота МИД.pdf");
    expect(cleanFileName("photo.exe", "image/jpeg")).toBe("photo.jpg");
    expect(cleanFileName("report\u202Efdp.exe", "application/pdf")).toBeNull();
    expect(cleanFileName("a\u0000b.pdf", "application/pdf")).toBeNull();
    expect(cleanFileName("...", "image/png", "photo")).toBe("photo.png");
  });

  it("stores a note verbale (PDF) once per delegation: a second upload replaces the first", async () => {
    expect(await upload({ name: "note-1.pdf" })).toMatchObject({ ok: true });
    expect(await upload({ name: "note-2.pdf" })).toMatchObject({ ok: true });
    const docs = await listDocuments(t.db, { invitationId });
    expect(docs.map((d) => [d.kind, d.fileName, d.byteSize])).toEqual([["note_verbale", "note-2.pdf", PDF.length]]);
  });

  it("refuses an executable renamed .pdf, a PDF cut short, an empty or oversized file, a huge image, a bidi name; nothing is stored", async () => {
    const before = await t.db.selectFrom("document").select(["id", "sha256"]).orderBy("id").execute();
    const exe = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), crypto.randomBytes(2000)]);
    expect(await upload({ bytes: exe, name: "note.pdf" })).toEqual({ ok: false, problem: "type" });
    expect(await upload({ bytes: Buffer.concat([Buffer.from("%PDF-1.7\n"), crypto.randomBytes(3000)]) })).toEqual({ ok: false, problem: "pdfCorrupt" });
    expect(await upload({ bytes: Buffer.alloc(0) })).toEqual({ ok: false, problem: "empty" });
    expect(await upload({ bytes: Buffer.concat([PDF, Buffer.alloc(MAX_DOCUMENT_BYTES)]) })).toEqual({ ok: false, problem: "tooLarge" });
    expect(await upload({ kind: "photo", delegateId, bytes: hugePngHeader(60_000, 60_000), name: "bomb.png" })).toEqual({ ok: false, problem: "dimensions" });
    expect(await upload({ kind: "photo", delegateId, bytes: Buffer.concat([photo.subarray(0, 400)]), name: "cut.jpg" })).toEqual({
      ok: false,
      problem: "imageCorrupt",
    });
    expect(await upload({ kind: "photo", delegateId, bytes: PDF, name: "photo.jpg" })).toEqual({ ok: false, problem: "type" });
    expect(await upload({ name: "note\u202Etxt.exe.pdf" })).toEqual({ ok: false, problem: "fileName" });
    expect(await t.db.selectFrom("document").select(["id", "sha256"]).orderBy("id").execute()).toEqual(before);
  });

  it("normalises a photo: upright, badge-sized JPEG, all metadata gone; on the badge list by delegate", async () => {
    expect(await upload({ kind: "photo", delegateId, bytes: photo, name: "IMG_0001.JPG" })).toMatchObject({ ok: true });
    const stored = (await listBadgePhotos(t.db, { eventId: (await getReply(t.db, { invitationId, key: KEY }))!.eventId })).get(delegateId)!;
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: "jpeg", width: 450, height: 600 });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(stored.includes("SecretCam")).toBe(false);
  });

  it("seals a passport scan at rest (only where passport data is collected) and gives it back with the key", async () => {
    expect(await upload({ kind: "passport_scan", delegateId, passportAllowed: false })).toEqual({ ok: false, problem: "noPassport" });
    const outcome = await upload({ kind: "passport_scan", delegateId, name: "passport.pdf" });
    expect(outcome.ok).toBe(true);
    const file = (await getDocumentFile(t.db, { id: (outcome as { id: string }).id }))!;
    expect(file.keyId).toBe(keyId(KEY));
    expect(file.content.includes("%PDF")).toBe(false);
    expect(unsealBytes(KEY, file.keyId!, file.content).equals(PDF)).toBe(true);
    expect(() => unsealBytes(crypto.randomBytes(32), file.keyId!, file.content)).toThrow(/configured key/);
  });

  it("refuses a person of another delegation, and removes only the invitation's own files", async () => {
    expect(
      await uploadDocument(t.db, { env, invitationId: otherInvitationId, kind: "photo", delegateId, passportAllowed: true, bytes: photo, name: "x.jpg" }),
    ).toEqual({
      ok: false,
      problem: "unknownPerson",
    });
    const note = (await listDocuments(t.db, { invitationId })).find((d) => d.kind === "note_verbale")!;
    expect(await deleteDocument(t.db, { id: note.id, invitationId: otherInvitationId })).toBe(false);
    expect(await deleteDocument(t.db, { id: note.id, invitationId })).toBe(true);
  });

  it("the passport retention purge deletes passport scans with the passport numbers (counted on its audit row); the photo stays", async () => {
    await runRetentionPurge(t.db, { now: new Date("2026-10-12T00:00:00Z") });
    expect((await listDocuments(t.db, { invitationId })).map((d) => d.kind)).toEqual(["photo"]);
    const audit = await t.db.selectFrom("audit_log").select("details").where("action", "=", "replies.passport_purged").execute();
    expect(audit.map((a) => a.details)).toContainEqual(expect.objectContaining({ scans: 1 }));
  });

  it("a person removed from the delegation takes their files along", async () => {
    const input = replySchema(rules).parse({
      response: "attending",
      revision: "2",
      submission: crypto.randomUUID(),
      delegates: [{ role: "head", nameLocale: "en", givenName: "Other" }],
    });
    await t.db
      .transaction()
      .execute((trx) => applyReply(trx, { invitationId, expectedRevision: 2, input, actor: { kind: "link" }, key: KEY, passportAllowed: true }));
    expect(await listDocuments(t.db, { invitationId })).toEqual([]);
  });
});
