import { hash, randomBytes } from 'node:crypto';

/** A URL-safe random token with 256 bits of entropy, for links, sessions and API keys. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The stored form of a token. Tokens are random and long, so a fast hash is
 * enough (no salt or stretching needed) and lookups stay indexable. The
 * one-shot `hash` costs half of a `createHash` object; every survey page
 * computes one.
 */
export function tokenHash(token: string): string {
  return hash('sha256', token, 'hex');
}
