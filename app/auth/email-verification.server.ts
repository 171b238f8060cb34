import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { memberships, users, workspaces } from '../../db/schema';
import { queueEmailVerification } from '../email/email-verification.server';
import type { Locale } from '../i18n';
import { hitRateLimit } from './rate-limit.server';

/** Whether the workspace may send campaigns: its owner confirmed their email address. */
export async function isEmailVerified(db: Database, workspaceId: string): Promise<boolean> {
  const [row] = await db.select({ at: workspaces.emailVerifiedAt }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return row?.at != null;
}

/** Where the confirmation link went, while the workspace is not verified; null once it is. */
export async function pendingEmailVerification(db: Database, workspaceId: string): Promise<{ email: string } | null> {
  if (await isEmailVerified(db, workspaceId)) return null;
  const owner = await firstOwner(db, workspaceId);
  return { email: owner?.email ?? '' };
}

/**
 * The link's proof. Keyed with the owner's password hash, a secret only the
 * server holds, so the link needs no table of its own: it stays valid until
 * used (using it twice changes nothing), and a new password makes it void.
 */
function verificationMac(owner: { workspaceId: string; userId: string; email: string; passwordHash: string }): string {
  return createHmac('sha256', owner.passwordHash).update(`email-verification:${owner.workspaceId}:${owner.userId}:${owner.email}`).digest('base64url');
}

/** The page where a confirmation link leads. */
export function emailVerificationPath(token: string): string {
  return `/verify-email/${token}`;
}

async function firstOwner(db: Database, workspaceId: string) {
  const [row] = await db
    .select({ userId: users.id, email: users.email, passwordHash: users.passwordHash, locale: users.locale, company: workspaces.name, defaultLocale: workspaces.defaultLocale })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  return row ?? null;
}

/**
 * Emails the workspace's first owner a link that confirms their address.
 * Returns the address written to, or null when the workspace has no owner.
 */
export async function sendEmailVerification(db: Database, input: { workspaceId: string; appUrl: string; locale?: Locale }): Promise<{ to: string } | null> {
  const owner = await firstOwner(db, input.workspaceId);
  if (!owner) return null;
  const token = `${input.workspaceId}.${owner.userId}.${verificationMac({ ...owner, workspaceId: input.workspaceId })}`;
  await queueEmailVerification(db, {
    workspaceId: input.workspaceId,
    company: owner.company,
    to: owner.email,
    locale: owner.locale ?? input.locale ?? owner.defaultLocale,
    verifyUrl: `${input.appUrl}${emailVerificationPath(token)}`,
    idempotencyKey: `email-verification:${input.workspaceId}:${randomUUID()}`,
  });
  return { to: owner.email };
}

export type ResendResult = { ok: true; to: string } | { ok: false; error: 'rate_limited' | 'already_verified' };

/** "Send the link again", at most 5 times an hour per workspace, so nobody's mailbox is flooded. */
export async function resendEmailVerification(db: Database, input: { workspaceId: string; appUrl: string; locale?: Locale }): Promise<ResendResult> {
  if (await isEmailVerified(db, input.workspaceId)) return { ok: false, error: 'already_verified' };
  const limit = await hitRateLimit(db, `verify-email:workspace:${input.workspaceId}`, { limit: 5, windowSeconds: 60 * 60 });
  if (limit.limited) return { ok: false, error: 'rate_limited' };
  const sent = await sendEmailVerification(db, input);
  return sent ? { ok: true, to: sent.to } : { ok: false, error: 'already_verified' };
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TOKEN = new RegExp(`^(${UUID})\\.(${UUID})\\.([A-Za-z0-9_-]{43})$`);

/**
 * Follows a confirmation link: the workspace counts as verified from now on.
 * Returns the workspace and its owner, with `confirmedNow` true only for the
 * visit that confirmed it; null when the link is not (or no longer) valid.
 */
export async function verifyWorkspaceEmail(db: Database, token: string): Promise<{ workspaceId: string; userId: string; confirmedNow: boolean } | null> {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const [, workspaceId, userId, mac] = match as unknown as [string, string, string, string];
  const [owner] = await db
    .select({ email: users.email, passwordHash: users.passwordHash })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId), eq(memberships.role, 'owner')));
  if (!owner) return null;
  const expected = Buffer.from(verificationMac({ workspaceId, userId, ...owner }));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const confirmed = await db
    .update(workspaces)
    .set({ emailVerifiedAt: sql`now()` })
    .where(and(eq(workspaces.id, workspaceId), isNull(workspaces.emailVerifiedAt)))
    .returning({ id: workspaces.id });
  return { workspaceId, userId, confirmedNow: confirmed.length > 0 };
}
