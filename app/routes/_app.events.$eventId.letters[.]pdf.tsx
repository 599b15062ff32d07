import type { LoaderFunctionArgs } from "@remix-run/node";
import * as z from "zod";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { LngSchema } from "~/lib/validation";
import { timeJob } from "~/metrics.server";
import { requireEvent } from "~/services/event-view.server";
import { previewLetterPdf } from "~/services/letter-documents.server";

const PreviewSchema = z.object({ locale: LngSchema.default("en"), memberId: z.uuid().optional() });

/** Staff preview the invitation's PDF letter for one member in one language (issue 18 §8), shown in the browser. */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, "staff");
  const event = await requireEvent(args.params.eventId);
  const query = PreviewSchema.safeParse(Object.fromEntries(new URL(args.request.url).searchParams));
  if (!query.success) throw new Response("Bad Request", { status: 400 });
  const { fileName, pdf } = await timeJob("letter_pdf", () =>
    previewLetterPdf(getDb(), { env: getEnv(), event, memberId: query.data.memberId ?? null, locale: query.data.locale }),
  );
  return new Response(pdf, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `inline; filename="letter.pdf"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "no-store",
    },
  });
}
