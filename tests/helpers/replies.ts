import { expect } from "vitest";

import type { TestClient } from "./http";
import type { SmtpSink } from "./smtp-sink";

/** Waits until `check` holds (polling every 100 ms), or throws after `ms`. */
export async function waitFor(check: () => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The hidden fields a browser would send back: the revision the page shows and its one-time submission id. */
export function formState(html: string) {
  const revision = html.match(/name="revision" value="(\d+)"/)?.[1];
  const submission = html.match(/name="submission" value="([0-9a-f-]{36})"/)?.[1];
  if (!revision || !submission) throw new Error("no reply form on the page");
  return { revision, submission };
}

/**
 * Opens a drafted event and invites the first `count` members of a country through the real form; returns the
 * reply links out of the mail the SMTP sink received for them.
 */
export async function inviteCountry(staff: TestClient, sink: SmtpSink, { eventPath, country, count }: { eventPath: string; country: string; count: number }) {
  expect((await staff.post(eventPath, { to: "open", version: "1" })).status).toBe(302);
  const page = await (await staff.get(`${eventPath}/invitations?mode=country&country=${country}`)).text();
  const picked = [...page.matchAll(/name="memberIds"[^>]*value="([0-9a-f-]{36})"/g)].map((m) => m[1]).slice(0, count);
  const form = new URLSearchParams({ intent: "send", mode: "picked" });
  for (const id of picked) form.append("memberIds", id);
  const before = sink.messages.length;
  expect((await staff.post(`${eventPath}/invitations`, form)).status).toBe(302);
  await waitFor(() => sink.messages.length >= before + count);
  return sink.messages.slice(before).map((m) => m.text!.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)![0]);
}
