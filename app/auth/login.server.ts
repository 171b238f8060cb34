import type { Database } from '../../db/client.server';
import { authenticate } from './accounts.server';
import { hitRateLimit, peekRateLimit, resetRateLimit, type RateLimitRule } from './rate-limit.server';

// Per account: slows guessing one password; per address: slows trying many accounts.
const perEmail: RateLimitRule = { limit: 5, windowSeconds: 15 * 60 };
const perAddress: RateLimitRule = { limit: 20, windowSeconds: 15 * 60 };

export type LoginResult =
  | { ok: true; userId: string; workspaceId: string }
  | { ok: false; error: 'login_failed' }
  | { ok: false; error: 'rate_limited'; retryAfter: number };

/**
 * A login attempt with rate limits on failures, per email and per client
 * address. Limited attempts are refused before the password is checked.
 */
export async function attemptLogin(
  db: Database,
  input: { email: string; password: string; clientAddress: string },
): Promise<LoginResult> {
  const emailKey = `login:email:${input.email}`;
  const addressKey = `login:addr:${input.clientAddress}`;
  const states = await Promise.all([peekRateLimit(db, emailKey, perEmail), peekRateLimit(db, addressKey, perAddress)]);
  const limited = states.find((state) => state.limited);
  if (limited) return { ok: false, error: 'rate_limited', retryAfter: limited.retryAfter };

  const account = await authenticate(db, input.email, input.password);
  if (!account) {
    await hitRateLimit(db, emailKey, perEmail);
    await hitRateLimit(db, addressKey, perAddress);
    return { ok: false, error: 'login_failed' };
  }
  await resetRateLimit(db, emailKey);
  return { ok: true, ...account };
}
