import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { memberships, passwordResets, users } from '../../db/schema';
import { queuePasswordReset } from '../email/password-reset.server';
import type { Locale } from '../i18n';
import { hashPassword } from './password.server';
import { hitRateLimit, type RateLimitRule } from './rate-limit.server';
import { revokeUserSessions } from './session.server';
import { randomToken, tokenHash } from './tokens.server';

/** How long a reset link works. */
export const RESET_MINUTES = 60;

// Per address asked for: nobody's mailbox is flooded; per client: one client cannot probe many addresses.
const perEmail: RateLimitRule = { limit: 3, windowSeconds: 60 * 60 };
const perClient: RateLimitRule = { limit: 10, windowSeconds: 60 * 60 };

export type ResetRequestResult = { ok: true } | { ok: false; error: 'rate_limited'; retryAfter: number };

/**
 * "Forgot your password?": when the email belongs to an account, a fresh
 * single-use link is emailed (an earlier unused one stops working). The
 * result is the same whether or not the account exists, and requests count
 * against the rate limits either way, so neither tells which emails are
 * registered.
 */
export async function requestPasswordReset(
  db: Database,
  input: { email: string; clientAddress: string; locale: Locale; appUrl: string },
): Promise<ResetRequestResult> {
  const states = [
    await hitRateLimit(db, `reset:email:${input.email}`, perEmail),
    await hitRateLimit(db, `reset:addr:${input.clientAddress}`, perClient),
  ];
  const limited = states.find((state) => state.limited);
  if (limited) return { ok: false, error: 'rate_limited', retryAfter: limited.retryAfter };

  const [user] = await db.select({ id: users.id, email: users.email, locale: users.locale }).from(users).where(eq(users.email, input.email));
  if (!user) return { ok: true };
  const token = randomToken();
  const reset = await db.transaction(async (tx) => {
    await tx.update(passwordResets).set({ usedAt: sql`now()` }).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    const [row] = await tx
      .insert(passwordResets)
      .values({ userId: user.id, tokenHash: tokenHash(token), expiresAt: sql`now() + make_interval(mins => ${RESET_MINUTES})` })
      .returning({ id: passwordResets.id });
    return row!;
  });
  await queuePasswordReset(db, {
    to: user.email,
    locale: user.locale ?? input.locale,
    resetUrl: `${input.appUrl}${passwordResetPath(token)}`,
    expiresInMinutes: RESET_MINUTES,
    idempotencyKey: `password-reset:${reset.id}`,
  });
  return { ok: true };
}

/** The page where a reset link leads. */
export function passwordResetPath(token: string): string {
  return `/password/reset/${token}`;
}

/** Tokens are base64url with 256 bits; anything else is unknown without asking the database. */
function wellFormed(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** The account a reset link is for, while the link is unused and unexpired; null otherwise. */
export async function findPasswordReset(db: Database, token: string): Promise<{ email: string } | null> {
  if (!wellFormed(token)) return null;
  const [row] = await db
    .select({ email: users.email })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, tokenHash(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)));
  return row ?? null;
}

export type ResetResult = { ok: true; userId: string; workspaceId: string | null } | { ok: false; error: 'invalid_link' };

/**
 * Sets a new password through a reset link. The link is used up in the same
 * transaction (two tabs cannot both use it), every session of the member
 * ends, and so does every other reset link. Returns the workspace to sign in
 * to (the oldest membership), if any.
 */
export async function resetPassword(db: Database, token: string, password: string): Promise<ResetResult> {
  if (!wellFormed(token)) return { ok: false, error: 'invalid_link' };
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [used] = await tx
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(passwordResets.tokenHash, tokenHash(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)))
      .returning({ userId: passwordResets.userId });
    if (!used) return { ok: false, error: 'invalid_link' } as const;
    await tx.update(users).set({ passwordHash }).where(eq(users.id, used.userId));
    await tx.update(passwordResets).set({ usedAt: sql`now()` }).where(and(eq(passwordResets.userId, used.userId), isNull(passwordResets.usedAt)));
    await revokeUserSessions(tx, used.userId);
    const [membership] = await tx
      .select({ workspaceId: memberships.workspaceId })
      .from(memberships)
      .where(eq(memberships.userId, used.userId))
      .orderBy(asc(memberships.createdAt))
      .limit(1);
    return { ok: true, userId: used.userId, workspaceId: membership?.workspaceId ?? null } as const;
  });
}
