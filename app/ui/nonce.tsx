import { createContext, useContext } from 'react';

// The CSP nonce of the current response. Browsers hide nonces from the DOM, so
// on the client this is an empty string, which is harmless after hydration.
const NonceContext = createContext('');

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
