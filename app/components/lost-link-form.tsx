import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { Field, useZodForm } from "~/components/forms";
import { LostLinkSchema } from "~/lib/reply-schemas";

/** "Send me my link again": an address, and the link of every open invitation it belongs to goes there. */
export function LostLinkForm({ lastResult, heading = true }: { lastResult?: SubmissionResult<string[]>; heading?: boolean }) {
  const { t } = useTranslation("emails");
  const [form, fields] = useZodForm(LostLinkSchema, { id: "lost-link", lastResult });
  return (
    <section aria-labelledby={heading ? "lost-link-heading" : undefined} className="lost-link">
      {heading ? <h2 id="lost-link-heading">{t("lostLink.title")}</h2> : null}
      <p>{t("lostLink.body")}</p>
      <Form method="post" action="/r/resend" {...getFormProps(form)} reloadDocument>
        <Field meta={fields.email} label={t("lostLink.email")} type="email" autoComplete="email" />
        <button type="submit" className="button primary">
          {t("lostLink.submit")}
        </button>
      </Form>
    </section>
  );
}
