import { startAuthentication, startRegistration, WebAuthnAbortService } from "@simplewebauthn/browser";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { type ActionError, actionErrorOf, describeActionError } from "~/lib/action-error";

/** Recovery codes, shown once after they are made: a list to print or copy, with what they are for. */
export function RecoveryCodes({ codes, children }: { codes: string[]; children?: React.ReactNode }) {
  const { t } = useTranslation("security");
  return (
    <section className="notice success" aria-labelledby="recovery-codes-heading" role="status">
      <h3 id="recovery-codes-heading">{t("recovery.shownOnceTitle")}</h3>
      <p>{t("recovery.shownOnceLead")}</p>
      <ol className="recovery-codes" data-recovery-codes>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      {children}
    </section>
  );
}

/** The secret of an authenticator app being set up: as a QR code and as text to type in. */
export function TotpSecret({ qr, secret }: { qr: string; secret: string }) {
  const { t } = useTranslation("security");
  return (
    <div className="totp-secret">
      <img src={qr} width={200} height={200} alt={t("totp.qrAlt")} />
      <p>
        {t("totp.secretLabel")} <code data-totp-secret={secret}>{secret.match(/.{1,4}/g)?.join(" ")}</code>
      </p>
    </div>
  );
}

type Failure = ActionError | null;

async function post(endpoint: string, fields: Record<string, string>) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    credentials: "same-origin",
  });
  const data: unknown = await response.json().catch(() => null);
  return { ok: response.ok, data };
}

function useFailure() {
  const { t } = useTranslation("security");
  const [failure, setFailure] = useState<Failure>(null);
  const alert = failure ? (
    <div className="form-errors" role="alert">
      <p>{describeActionError(t, failure)}</p>
    </div>
  ) : null;
  return { alert, setFailure };
}

/** The browser's WebAuthn failed or was cancelled: say so in words, never the browser's English message. */
function browserFailure(error: unknown): Failure {
  const name = error instanceof Error ? error.name : "";
  return { key: name === "NotAllowedError" || name === "AbortError" ? "security:passkey.cancelled" : "security:passkey.unsupported" };
}

/**
 * Adds a passkey: asks the server for options, lets the browser (and the authenticator) create the credential,
 * and sends it back with its name. `onAdded` gets what the server answered (recovery codes with a first factor).
 */
export function PasskeyRegister({
  endpoint,
  onAdded,
}: {
  endpoint: string;
  onAdded: (data: { recoveryCodes?: string[] | null; redirectTo?: string }) => void;
}) {
  const { t } = useTranslation("security");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const { alert, setFailure } = useFailure();
  useEffect(() => () => WebAuthnAbortService.cancelCeremony(), []);

  async function register() {
    setFailure(null);
    if (!name.trim()) return setFailure({ key: "security:passkey.nameRequired" });
    setBusy(true);
    try {
      const options = await post(endpoint, { intent: "options" });
      if (!options.ok) return setFailure(actionErrorOf(options.data) ?? { key: "security:passkey.failed" });
      let response;
      try {
        response = await startRegistration({ optionsJSON: (options.data as { options: Parameters<typeof startRegistration>[0]["optionsJSON"] }).options });
      } catch (error) {
        return setFailure(browserFailure(error));
      }
      const result = await post(endpoint, { intent: "register", name: name.trim(), response: JSON.stringify(response) });
      if (!result.ok) return setFailure(actionErrorOf(result.data) ?? { key: "security:passkey.failed" });
      setName("");
      onAdded(result.data as { recoveryCodes?: string[] | null; redirectTo?: string });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="passkey-register">
      {alert}
      <div className="field">
        <label htmlFor="passkey-name">{t("passkey.nameLabel")}</label>
        <p id="passkey-name-hint" className="field-hint">
          {t("passkey.nameHint")}
        </p>
        <input
          id="passkey-name"
          name="passkeyName"
          maxLength={60}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-describedby="passkey-name-hint"
        />
      </div>
      <button type="button" className="button primary" onClick={register} disabled={busy}>
        {t("passkey.add")}
      </button>
    </div>
  );
}

/** Signs in with a passkey at the second step; on success the browser goes where the sign-in was headed. */
export function PasskeySignIn({ endpoint }: { endpoint: string }) {
  const { t } = useTranslation("security");
  const [busy, setBusy] = useState(false);
  const { alert, setFailure } = useFailure();
  useEffect(() => () => WebAuthnAbortService.cancelCeremony(), []);

  async function signIn() {
    setFailure(null);
    setBusy(true);
    try {
      const options = await post(endpoint, { intent: "options" });
      if (!options.ok) return setFailure(actionErrorOf(options.data) ?? { key: "security:passkey.failed" });
      let response;
      try {
        response = await startAuthentication({ optionsJSON: (options.data as { options: Parameters<typeof startAuthentication>[0]["optionsJSON"] }).options });
      } catch (error) {
        return setFailure(browserFailure(error));
      }
      const result = await post(endpoint, { intent: "authenticate", response: JSON.stringify(response) });
      const redirectTo = (result.data as { redirectTo?: unknown } | null)?.redirectTo;
      if (typeof redirectTo === "string") return window.location.assign(redirectTo);
      setFailure(actionErrorOf(result.data) ?? { key: "security:passkey.failed" });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="passkey-sign-in">
      {alert}
      <button type="button" className="button primary" onClick={signIn} disabled={busy}>
        {t("verify.usePasskey")}
      </button>
    </div>
  );
}
