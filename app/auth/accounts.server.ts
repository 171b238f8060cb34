import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { memberships, users, workspaces, workspaceTiers } from '../../db/schema';
import type { Locale } from '../i18n';
import { queueSignupAttempt } from '../email/signup-attempt.server';
import { createStandardSurvey } from '../surveys/standard.server';
import { sendEmailVerification } from './email-verification.server';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.server';
import { hitRateLimit, type RateLimitRule } from './rate-limit.server';

export const DEFAULT_TIERS = ['A', 'B', 'C'] as const;

/** A URL slug from a company name: `Müller & Söhne GmbH` → `muller-sohne-gmbh`. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'workspace';
}

async function freeSlug(db: Database, name: string): Promise<string> {
  const base = slugify(name);
  const taken = await db
    .select({ slug: workspaces.slug })
    .from(workspaces)
    .where(sql`${workspaces.slug} = ${base} or ${workspaces.slug} like ${`${base}-%`}`);
  const used = new Set(taken.map((row) => row.slug));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

export type SignUpResult = { ok: true; userId: string; workspaceId: string } | { ok: false; error: 'email_taken' };

// However often an address is tried, its account hears of it at most this often.
const attemptNotices: RateLimitRule = { limit: 3, windowSeconds: 60 * 60 };

/**
 * Creates a workspace with the default tiers and the standard survey, and its
 * first user as owner, in one transaction. The owner is then emailed a link
 * to confirm their address, without which the workspace sends no campaigns;
 * an operator's invitation went to that address already, so `invited`
 * workspaces count as confirmed.
 *
 * An address that has an account gets nothing new: the password is hashed
 * all the same (so the time taken tells nothing), and, unless the sign-up
 * came by invitation, the account is emailed that someone tried, with a way
 * to sign in. The caller answers both cases alike.
 */
export async function signUp(
  db: Database,
  input: { workspaceName: string; name: string; email: string; password: string; locale: Locale; slug?: string; appUrl: string; invited?: boolean },
): Promise<SignUpResult> {
  const passwordHash = await hashPassword(input.password);
  let result: SignUpResult;
  try {
    result = await db.transaction(async (tx) => {
      const existing = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
      if (existing.length > 0) return { ok: false, error: 'email_taken' } as const;
      const workspace = await createWorkspace(tx, { name: input.workspaceName, locale: input.locale, slug: input.slug, emailVerified: input.invited ?? false });
      const [user] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name, passwordHash, locale: null })
        .returning({ id: users.id });
      await tx.insert(memberships).values({ workspaceId: workspace.id, userId: user!.id, role: 'owner' });
      return { ok: true, userId: user!.id, workspaceId: workspace.id } as const;
    });
  } catch (error) {
    // Two sign-ups for one new address at once: the second meets the unique index.
    if (!isUniqueViolation(error)) throw error;
    result = { ok: false, error: 'email_taken' };
  }
  if (result.ok && !input.invited) await sendEmailVerification(db, { workspaceId: result.workspaceId, appUrl: input.appUrl, locale: input.locale });
  if (!result.ok && !input.invited) await noticeSignupAttempt(db, input);
  return result;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '23505') return true;
  return false;
}

async function noticeSignupAttempt(db: Database, input: { email: string; locale: Locale; appUrl: string }): Promise<void> {
  const [account] = await db
    .select({ id: users.id, email: users.email, locale: users.locale, defaultLocale: workspaces.defaultLocale })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(users.email, input.email))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  if (!account) return;
  if ((await hitRateLimit(db, `signup-notice:user:${account.id}`, attemptNotices)).limited) return;
  await queueSignupAttempt(db, {
    to: account.email,
    locale: account.locale ?? account.defaultLocale ?? input.locale,
    appUrl: input.appUrl,
    idempotencyKey: `signup-attempt:${account.id}:${randomUUID()}`,
  });
}

/**
 * A new workspace with tiers A, B, C and the standard survey. Workspaces an
 * operator makes (the demo, the command line) count as email-verified unless
 * `emailVerified: false` is passed, as sign-up does.
 */
export async function createWorkspace(db: Database, input: { name: string; locale: Locale; slug?: string; emailVerified?: boolean }) {
  const slug = input.slug ?? (await freeSlug(db, input.name));
  const [workspace] = await db
    .insert(workspaces)
    .values({ name: input.name, slug, defaultLocale: input.locale, senderName: input.name, emailVerifiedAt: input.emailVerified === false ? null : sql`now()` })
    .returning();
  await db
    .insert(workspaceTiers)
    .values(DEFAULT_TIERS.map((label, index) => ({ workspaceId: workspace!.id, position: index + 1, label })));
  await createStandardSurvey(db, workspace!.id, input.locale);
  return workspace!;
}

/**
 * Checks a login. Unknown emails take as long as wrong passwords, and both
 * give the same answer, so the result tells nothing about which emails exist.
 * Returns the user with the workspace of their oldest membership.
 */
export async function authenticate(
  db: Database,
  email: string,
  password: string,
): Promise<{ userId: string; workspaceId: string } | null> {
  const rows = await db
    .select({ userId: users.id, passwordHash: users.passwordHash, workspaceId: memberships.workspaceId })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .where(eq(users.email, email))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  const row = rows[0];
  if (!row) return verifyAgainstDummy(password).then(() => null);
  if (!(await verifyPassword(password, row.passwordHash)) || !row.workspaceId) return null;
  return { userId: row.userId, workspaceId: row.workspaceId };
}

/** Sets a member's interface language; null follows the browser. */
export async function setUserLocale(db: Database, userId: string, locale: Locale | null): Promise<void> {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}

export async function isMember(db: Database, workspaceId: string, userId: string): Promise<boolean> {
  const rows = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return rows.length > 0;
}
