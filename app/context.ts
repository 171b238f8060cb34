import type { Locale } from './i18n';

// What the server entry (app/server.ts) hands every loader and action.
declare module '@remix-run/node' {
  interface AppLoadContext {
    /** Per-request nonce for the Content-Security-Policy's inline scripts. */
    cspNonce: string;
    /** The client's address, for rate limits. */
    clientAddress: string;
    /** Who may create a workspace (SIGNUP), as the server was started with. */
    signup: 'open' | 'invite' | 'closed';
  }
}

export type { Locale };
