import { createInstance } from "i18next";
import { describe, expect, it } from "vitest";

import { actionError, actionErrorOf, describeActionError } from "./action-error";

describe("one shape for an action's refusal", () => {
  it("answers { error: { key, values } } with the status and any data the page needs beside it", async () => {
    const response = actionError("events:status.invalid", 409, { from: { key: "events:statuses.open" }, to: "x" }, { form: "logo" });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      form: "logo",
      error: { key: "events:status.invalid", values: { from: { key: "events:statuses.open" }, to: "x" } },
    });
    expect(await actionError("rosters:errors.unknown", 400).json()).toEqual({ error: { key: "rosters:errors.unknown" } });
  });

  it("finds the refusal in action data, and nothing in a conform reply or a success", () => {
    expect(actionErrorOf({ error: { key: "a:b" } })).toEqual({ key: "a:b" });
    expect(actionErrorOf({ status: "error", error: { email: ["validation.email"] } })).toBeUndefined();
    expect(actionErrorOf({ ok: true })).toBeUndefined();
    expect(actionErrorOf(undefined)).toBeUndefined();
    expect(actionErrorOf({ error: "a bare string" })).toBeUndefined();
  });

  it("words the refusal in the reader's language, values given as keys translated too", async () => {
    const i18n = createInstance();
    await i18n.init({
      lng: "ru",
      resources: { ru: { events: { statuses: { open: "Открыто", archived: "В архиве" }, status: { invalid: "Из «{{from}}» в «{{to}}» нельзя ({{n}})." } } } },
      interpolation: { escapeValue: false },
    });
    const text = describeActionError(i18n.t, {
      key: "events:status.invalid",
      values: { from: { key: "events:statuses.open" }, to: { key: "events:statuses.archived" }, n: 2 },
    });
    expect(text).toBe("Из «Открыто» в «В архиве» нельзя (2).");
  });
});
