import type { LoaderFunctionArgs } from "@remix-run/node";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { waveProgress } from "~/lib/send-wave";
import { getSendWave } from "~/models/send-wave.server";

const ParamsSchema = z.object({ eventId: z.string().uuid(), waveId: z.string().uuid() });

/** A send wave's progress as a small JSON document, which the event page polls while the wave is prepared. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const params = ParamsSchema.safeParse(args.params);
  const wave = params.success ? await getSendWave(getDb(), { eventId: params.data.eventId, id: params.data.waveId }) : undefined;
  if (!wave) throw new Response("Not Found", { status: 404 });
  return Response.json(waveProgress(wave), { headers: { "Cache-Control": "no-store" } });
}
