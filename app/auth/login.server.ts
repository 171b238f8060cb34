import { parseWithZod } from '@conform-to/zod/v4';
import type { Database } from '../../db/client.server';
import { authenticate } from './accounts.server';
import { clearAttempts, passAttemptGate, type DelayRule, type WindowRule } from './attempt-gate.server';
import { loginSchema } from './forms';

// Every attempt is counted before the password is checked (passAttemptGate),
// so parallel guesses cannot slip past the count. Nothing locks an account:
// - one address guessing one account: 5 tries, then waits of 15 s, 30 s, 1 min … up to 15 min;
// - one address across accounts: 20 tries per 15 minutes;
// - one account from everywhere (many addresses): 50 tries, then waits of 1 s, 2 s … up to a minute,
//   which slows a spread-out attack while the real user, from their own address, waits at most that minute.
const perAccountAndAddress: DelayRule = { kind: 'delay', free: 5, baseSeconds: 15, maxSeconds: 15 * 60, forgetSeconds: 24 * 60 * 60 };
const perAddress: WindowRule = { kind: 'window', limit: 20, windowSeconds: 15 * 60 };
const perAccount: DelayRule = { kind: 'delay', free: 50, baseSeconds: 1, maxSeconds: 60, forgetSeconds: 24 * 60 * 60 };

/**
 * The login form checked against its schema, as Conform's submission (its
 * reply carries the field errors back to the form). Only the server validates
 * it: importing the schema into the login route would bring zod into the
 * page's JavaScript, since a route's imports stay in its browser bundle.
 */
export function parseLoginForm(formData: FormData) {
  return parseWithZod(formData, { schema: loginSchema });
}

export type LoginResult =
  | { ok: true; userId: string; workspaceId: string }
  | { ok: false; error: 'login_failed' }
  | { ok: false; error: 'rate_limited'; retryAfter: number };

/** A login attempt, counted against the limits above before the password is verified. */
export async function attemptLogin(
  db: Database,
  input: { email: string; password: string; clientAddress: string },
): Promise<LoginResult> {
  const pairKey = `login:pair:${input.email}|${input.clientAddress}`;
  const accountKey = `login:email:${input.email}`;
  const addressKey = `login:addr:${input.clientAddress}`;
  const gate = await passAttemptGate(db, [
    { key: pairKey, rule: perAccountAndAddress },
    { key: accountKey, rule: perAccount },
    { key: addressKey, rule: perAddress },
  ]);
  if (!gate.allowed) return { ok: false, error: 'rate_limited', retryAfter: gate.retryAfter };

  const account = await authenticate(db, input.email, input.password);
  if (!account) return { ok: false, error: 'login_failed' };
  // A successful login was no guess: its own counters start over, and the address gets its try back.
  await clearAttempts(db, [pairKey, accountKey], [addressKey]);
  return { ok: true, ...account };
}
