import { randomToken, tokenHash } from '../auth/tokens.server';

/**
 * Invitation links carry a random token (256 bits, base64url); only its
 * SHA-256 is stored in `invitations.token_hash` and looked up.
 */
export function createInvitationToken(): { token: string; tokenHash: string } {
  const token = randomToken();
  return { token, tokenHash: tokenHash(token) };
}

export function invitationTokenHash(token: string): string {
  return tokenHash(token);
}

/**
 * Whether a string can be an invitation token at all: base64url with at
 * least 128 bits. Anything else is answered like an unknown token, without
 * asking the database.
 */
export function isWellFormedToken(token: string | undefined): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{22,128}$/.test(token);
}

/** The path of an invitation's survey page; `answer` preselects the miss-us answer (one-click links). */
export function surveyPath(token: string, answer?: 'very' | 'somewhat' | 'not' | 'na'): string {
  return answer ? `/s/${token}?answer=${answer}` : `/s/${token}`;
}

/** The token is in the URL: no referrer leaves the page, no index or cache keeps it. */
export const tokenPageHeaders = { 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex, nofollow', 'Cache-Control': 'no-store' } as const;
