import { Form, useLocation, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { BULK_ACTIONS } from "~/lib/bulk";

/** The id of an event list's bulk form; the rows' checkboxes join it with the `form` attribute (no nested forms). */
export const bulkFormId = (eventId: string) => `bulk-${eventId}`;

const rowBoxes = (formId: string) => Array.from(document.querySelectorAll<HTMLInputElement>(`input[form="${formId}"][name="invitationId"]`));

/** One row's checkbox, named after the member for screen readers. */
export function BulkRowCheckbox({ eventId, invitationId, member }: { eventId: string; invitationId: string; member: string }) {
  const { t } = useTranslation("bulk");
  return (
    <input type="checkbox" name="invitationId" value={invitationId} form={bulkFormId(eventId)} aria-label={t("select", { member })} className="bulk-row" />
  );
}

/**
 * "Select all on this page": with JavaScript it ticks the rows (and shows "some" when only some are ticked);
 * without, it is posted and the server adds the page's rows, whose ids the bulk form carries.
 */
export function BulkSelectPage({ eventId }: { eventId: string }) {
  const { t } = useTranslation("bulk");
  const formId = bulkFormId(eventId);
  return (
    <input
      type="checkbox"
      name="selectPage"
      form={formId}
      aria-label={t("selectPage")}
      className="bulk-page"
      onChange={(event) => {
        for (const box of rowBoxes(formId)) box.checked = event.currentTarget.checked;
        event.currentTarget.form?.dispatchEvent(new Event("bulkchange"));
      }}
    />
  );
}

/** The result of the last bulk action, said once on the list it came back to. */
export function BulkNotice() {
  const { t } = useTranslation("bulk");
  const [params] = useSearchParams();
  const action = params.get("bulk");
  const count = Number(params.get("bulkCount"));
  if (!action || !(BULK_ACTIONS as readonly string[]).includes(action) || !Number.isInteger(count)) return null;
  return (
    <p className="notice success" role="status">
      {t(`done.${action}`, { count })}
    </p>
  );
}

/**
 * The bar under an event's invitation list: how many rows are ticked and what to do with them. Each button posts
 * the ticked rows to the confirmation page (app/routes/_app.events.$eventId.bulk.tsx), which states their number.
 */
export function BulkBar({ eventId, pageIds }: { eventId: string; pageIds: string[] }) {
  const { t } = useTranslation("bulk");
  const location = useLocation();
  const formId = bulkFormId(eventId);
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    const form = document.getElementById(formId) as HTMLFormElement | null;
    if (!form) return;
    const update = () => {
      const boxes = rowBoxes(formId);
      const ticked = boxes.filter((box) => box.checked).length;
      setCount(ticked);
      const page = document.querySelector<HTMLInputElement>(`input[form="${formId}"][name="selectPage"]`);
      if (page) {
        page.checked = boxes.length > 0 && ticked === boxes.length;
        page.indeterminate = ticked > 0 && ticked < boxes.length;
      }
    };
    const onChange = (event: Event) => {
      const target = event.target as HTMLInputElement | null;
      if (target?.getAttribute("form") === formId && target.name === "invitationId") update();
    };
    update();
    document.addEventListener("change", onChange);
    form.addEventListener("bulkchange", update);
    return () => {
      document.removeEventListener("change", onChange);
      form.removeEventListener("bulkchange", update);
    };
  }, [formId, pageIds]);
  return (
    <Form method="post" action={`/events/${eventId}/bulk`} id={formId} className="bulk-bar" aria-label={t("barLabel")}>
      <input type="hidden" name="step" value="review" />
      <input type="hidden" name="returnTo" value={`${location.pathname}${location.search}#invitations`} />
      {pageIds.map((id) => (
        <input key={id} type="hidden" name="pageId" value={id} />
      ))}
      {count !== null ? (
        <p className="bulk-count small" aria-live="polite">
          {t("selectedCount", { count })}
        </p>
      ) : null}
      <div className="actions">
        {BULK_ACTIONS.map((action) => (
          <button key={action} type="submit" name="action" value={action} className="button">
            {t(`actions.${action}`)}
          </button>
        ))}
      </div>
    </Form>
  );
}
