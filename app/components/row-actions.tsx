import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { Form, Link } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { ConfirmAction } from "~/components/forms";

/** One thing a row's menu can do: open a page, or post a form after a question ("Revoke this link?"). */
export type RowAction =
  | { key: string; label: string; to: string }
  | { key: string; label: string; question: string; intent: string; value: string; hidden?: Record<string, string>; danger?: boolean };

/**
 * A row's actions behind one "Actions" button instead of a stack of buttons per row (issue 17).
 *
 * With scripts it is a Radix dropdown menu (roving focus, arrow keys, Escape, focus returned to the button); an
 * action that needs a confirmation opens its question under the button, inside the row. Before hydration, or
 * with scripts off, the same actions sit in a disclosure (`<details>`), each with its own confirmation, so
 * nothing is out of reach. The menu is not modal: no scroll lock, and no injected <style> the CSP would refuse.
 */
export function RowActions({ name, actions }: { name: string; actions: RowAction[] }) {
  const { t } = useTranslation("design");
  const [hydrated, setHydrated] = useState(false);
  const [asking, setAsking] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => setHydrated(true), []);
  // the question takes the focus once the menu has closed (the menu would otherwise hand it back to its button)
  useEffect(() => {
    if (!asking) return;
    const timer = setTimeout(() => panel.current?.querySelector<HTMLElement>("button[type=submit]")?.focus(), 0);
    return () => clearTimeout(timer);
  }, [asking]);

  const label = t("rowActions.label", { name });
  const trigger = (
    <>
      {t("rowActions.button")}
      <span aria-hidden="true" className="row-menu-caret">
        {" ▾"}
      </span>
    </>
  );

  if (!hydrated) {
    return (
      <details className="row-menu">
        <summary className="button small row-menu-trigger" aria-label={label}>
          {trigger}
        </summary>
        <div className="row-menu-panel" role="group" aria-label={label}>
          {actions.map((action) =>
            "to" in action ? (
              <Link key={action.key} to={action.to} className="row-menu-item">
                {action.label}
              </Link>
            ) : (
              <ConfirmAction
                key={action.key}
                label={action.label}
                question={action.question}
                intent={action.intent}
                value={action.value}
                hidden={action.hidden}
                danger={action.danger}
              />
            ),
          )}
        </div>
      </details>
    );
  }

  const question = actions.find((a) => a.key === asking);
  return (
    <div className="row-menu">
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger className="button small row-menu-trigger" aria-label={label}>
          {trigger}
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            className="row-menu-content"
            align="end"
            sideOffset={4}
            onCloseAutoFocus={(event) => {
              if (asking) event.preventDefault();
            }}
          >
            {actions.map((action) =>
              "to" in action ? (
                <DropdownMenu.Item key={action.key} asChild className="row-menu-item">
                  <Link to={action.to}>{action.label}</Link>
                </DropdownMenu.Item>
              ) : (
                <DropdownMenu.Item key={action.key} className={action.danger ? "row-menu-item danger" : "row-menu-item"} onSelect={() => setAsking(action.key)}>
                  {action.label}
                </DropdownMenu.Item>
              ),
            )}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      {question && !("to" in question) ? (
        <div ref={panel} className="confirm-panel row-confirm" role="group" aria-label={question.label}>
          <p>{question.question}</p>
          {/* the page stays mounted after the post, so the question closes once it is answered */}
          <Form method="post" onSubmit={() => setAsking(null)}>
            {Object.entries(question.hidden ?? {}).map(([field, value]) => (
              <input key={field} type="hidden" name={field} value={value} />
            ))}
            <div className="form-actions">
              <button type="button" className="button" onClick={() => setAsking(null)}>
                {t("rowActions.cancel")}
              </button>
              <button type="submit" name={question.intent} value={question.value} className={question.danger ? "button danger" : "button primary"}>
                {question.label.replace(/\s*(…|\.\.\.)$/u, "")}
              </button>
            </div>
          </Form>
        </div>
      ) : null}
    </div>
  );
}
