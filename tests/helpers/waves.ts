import type { WaveProgress } from "~/lib/send-wave";
import type { TestClient } from "./http";

/**
 * Follows a send wave started by a "send" post (its redirect names it: `/events/<id>?wave=<id>`) through its
 * progress document until it is done or stopped, and returns what it did.
 */
export async function waitForWave(client: TestClient, location: string, timeoutMs = 60_000): Promise<WaveProgress> {
  const match = /\/events\/([0-9a-f-]{36})\?wave=([0-9a-f-]{36})/.exec(location);
  if (!match) throw new Error(`not a send wave's page: ${location}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await client.get(`/events/${match[1]}/waves/${match[2]}`);
    if (response.status !== 200) throw new Error(`wave progress answered ${response.status}`);
    const wave = (await response.json()) as WaveProgress;
    if (wave.status === "done" || wave.status === "stopped") return wave;
    if (Date.now() > deadline) throw new Error(`send wave still ${wave.status} (${wave.done} of ${wave.total}) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
