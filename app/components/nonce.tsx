import { createContext, useContext } from "react";

const NonceContext = createContext<string>("");

export const NonceProvider = NonceContext.Provider;

/** The CSP nonce of this response (server only; browsers hide it from the DOM, so the client sees ""). */
export function useNonce() {
  return useContext(NonceContext);
}
