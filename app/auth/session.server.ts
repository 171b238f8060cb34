import { createCookie, redirect } from '@remix-run/node';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { memberships, sessions, users, workspaces, type Role } from '../../db/schema';
import { env } from '../config/env.server';
import { forgetInRequestScope, requestScoped } from '../http/request-scope.server';
import { recordSignIn } from './team.server';
import { randomToken, tokenHash } from './tokens.server';

/** A session unused this long ends; each use moves the end, at most once an hour. */
const SESSION_IDLE_DAYS = 14;
/** No session lives longer than this after its login, however busy: a stolen cookie stops working. */
const SESSION_MAX_DAYS = 30;

/** Holds the raw session token; the database holds only its hash. */
export const sessionCookie = createCookie('wm_session', {
  path: '/',
  httpOnly: true,
  sameSite: 'lax',
  secure: env().APP_URL.startsWith('https:'),
  maxAge: SESSION_MAX_DAYS * 24 * 60 * 60,
});

export interface Member {
  sessionId: string;
  role: Role;
  user: { id: string; name: string; email: string; locale: 'de' | 'en' | null };
  workspace: { id: string; slug: string; name: string; defaultLocale: 'de' | 'en' };
}

async function sessionToken(request: Request): Promise<string | undefined> {
  const value: unknown = await sessionCookie.parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value.length >= 32 && value.length <= 128 ? value : undefined;
}

// By method too: an action may change the member (a name, a language), and
// the loaders that render its page afterwards must see the change.
const memberKey = (request: Request) => `member:${request.method}:${request.headers.get('Cookie') ?? ''}`;

/**
 * The signed-in member of this request, or null. Expired or revoked sessions
 * count as none. A page's loaders (root, app shell, page) share one lookup
 * per HTTP request.
 */
export function getMember(db: Database, request: Request): Promise<Member | null> {
  return requestScoped(memberKey(request), () => lookUpMember(db, request));
}

async function lookUpMember(db: Database, request: Request): Promise<Member | null> {
  const token = await sessionToken(request);
  if (!token) return null;
  const rows = await db
    .select({
      sessionId: sessions.id,
      lastSeenAt: sessions.lastSeenAt,
      role: memberships.role,
      user: { id: users.id, name: users.name, email: users.email, locale: users.locale },
      workspace: { id: workspaces.id, slug: workspaces.slug, name: workspaces.name, defaultLocale: workspaces.defaultLocale },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(workspaces, eq(workspaces.id, sessions.workspaceId))
    .innerJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.workspaceId, sessions.workspaceId)))
    .where(
      and(
        eq(sessions.tokenHash, tokenHash(token)),
        gt(sessions.expiresAt, sql`now()`),
        gt(sessions.createdAt, sql`now() - make_interval(days => ${SESSION_MAX_DAYS})`),
      ),
    )
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  // Slide the expiry at most once an hour, so reads stay cheap.
  if (Date.now() - row.lastSeenAt.getTime() > 60 * 60 * 1000) {
    await db
      .update(sessions)
      .set({
        lastSeenAt: sql`now()`,
        expiresAt: sql`least(now() + make_interval(days => ${SESSION_IDLE_DAYS}), ${sessions.createdAt} + make_interval(days => ${SESSION_MAX_DAYS}))`,
      })
      .where(eq(sessions.id, row.sessionId));
  }
  const { lastSeenAt: _lastSeen, ...member } = row;
  return member;
}

/**
 * The signed-in member, or a thrown redirect to the login page. With a role,
 * a member of another role gets a thrown 403.
 */
export async function requireMember(db: Database, request: Request, role?: Role): Promise<Member> {
  const member = await getMember(db, request);
  if (!member) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/login?${new URLSearchParams({ redirectTo: back })}`);
  }
  if (role && member.role !== role) {
    throw new Response('Forbidden', { status: 403, statusText: 'Forbidden' });
  }
  return member;
}

/**
 * Starts a new session and returns its Set-Cookie header. Any session the
 * request still carried is ended first, so a login always rotates the token.
 */
export async function startSession(
  db: Database,
  request: Request,
  userId: string,
  workspaceId: string,
): Promise<string> {
  await endSession(db, request);
  const token = randomToken();
  await db.insert(sessions).values({
    tokenHash: tokenHash(token),
    userId,
    workspaceId,
    userAgent: request.headers.get('User-Agent')?.slice(0, 300) ?? null,
    expiresAt: sql`now() + make_interval(days => ${SESSION_IDLE_DAYS})`,
  });
  await recordSignIn(db, workspaceId, userId);
  return sessionCookie.serialize(token);
}

/** Ends the request's session in the database and returns a Set-Cookie header that clears it. */
export async function endSession(db: Database, request: Request): Promise<string> {
  forgetInRequestScope(memberKey(request));
  const token = await sessionToken(request);
  if (token) await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token)));
  return sessionCookie.serialize('', { maxAge: 0 });
}

/** Revokes every session of a user, e.g. after a password change or removal from the team. */
export async function revokeUserSessions(db: Database, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** A safe place to go after login: only paths on this site. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/app'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback;
  // Only printable ASCII: browsers drop tabs and line breaks from a Location
  // (`/\t/evil.example` would leave the site), and characters beyond Latin-1
  // cannot be put in a header at all. Paths the app builds are percent-encoded.
  if (!/^[\x21-\x7e]*$/.test(to)) return fallback;
  return to;
}
