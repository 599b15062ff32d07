import { useTranslation } from "react-i18next";

import { actionErrorOf, describeActionError } from "~/lib/action-error";

/** An action's refusal (`actionError` on the server), announced to screen readers; nothing when there is none. */
export function ActionErrorAlert({ data, id }: { data: unknown; id?: string }) {
  const { t } = useTranslation();
  const error = actionErrorOf(data);
  if (!error) return null;
  return (
    <div className="form-errors" role="alert" id={id}>
      <p>{describeActionError(t, error)}</p>
    </div>
  );
}
