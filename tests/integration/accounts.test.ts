import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, signUp } from '../../app/auth/accounts.server';
import { attemptLogin } from '../../app/auth/login.server';
import { acceptInvitation, findInvitation, invite } from '../../app/auth/members.server';
import { endSession, getMember, startSession } from '../../app/auth/session.server';
import { listOutbox } from '../../app/email/outbox.server';
import { runInRequestScope } from '../../app/http/request-scope.server';
import { memberships, sessions, surveys, users, workspaceTiers } from '../../db/schema';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

const requestWith = (cookie?: string) => new Request('http://localhost/app', { headers: cookie ? { Cookie: cookie.split(';')[0]! } : {} });

describe('sign-up', () => {
  it('creates the workspace with tiers A, B, C, the standard survey and its owner', async () => {
    const { db } = database;
    const owner = await createWorkspaceWithOwner(db, 'Müller & Söhne GmbH');
    const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, owner.workspaceId));
    expect(tiers.sort((a, b) => a.position - b.position).map((t) => t.label)).toEqual(['A', 'B', 'C']);
    expect(await db.select().from(surveys).where(eq(surveys.workspaceId, owner.workspaceId))).toHaveLength(1);
    const [membership] = await db.select().from(memberships).where(eq(memberships.userId, owner.userId));
    expect(membership?.role).toBe('owner');
    const [user] = await db.select().from(users).where(eq(users.id, owner.userId));
    expect(user?.passwordHash).toMatch(/^scrypt\$/);
    expect(user?.passwordHash).not.toContain(PASSWORD);
  });

  it('gives a second workspace of the same name its own slug', async () => {
    const first = await signUp(database.db, { workspaceName: 'Same Name', name: 'A', email: 'a@same.example', password: PASSWORD, locale: 'de', appUrl: 'http://localhost:3000' });
    const second = await signUp(database.db, { workspaceName: 'Same Name', name: 'B', email: 'b@same.example', password: PASSWORD, locale: 'de', appUrl: 'http://localhost:3000' });
    expect(first.ok && second.ok).toBe(true);
  });

  it('refuses an email that already has an account', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Taken');
    const again = await signUp(database.db, { workspaceName: 'Other', name: 'X', email: owner.email, password: PASSWORD, locale: 'en', appUrl: 'http://localhost:3000' });
    expect(again).toEqual({ ok: false, error: 'email_taken' });
  });
});

describe('login', () => {
  it('accepts the right password and refuses a wrong one or an unknown email alike', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Login Test');
    expect(await authenticate(database.db, owner.email, PASSWORD)).toEqual({ userId: owner.userId, workspaceId: owner.workspaceId });
    expect(await authenticate(database.db, owner.email, 'wrong password')).toBeNull();
    expect(await authenticate(database.db, 'nobody@example.com', PASSWORD)).toBeNull();
  });

  it('limits failed attempts per email, even with the right password afterwards', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Rate Limit');
    const attempt = (password: string) => attemptLogin(database.db, { email: owner.email, password, clientAddress: '198.51.100.7' });
    for (let i = 0; i < 5; i++) expect(await attempt('wrong')).toEqual({ ok: false, error: 'login_failed' });
    const limited = await attempt(PASSWORD);
    expect(limited.ok).toBe(false);
    expect(limited).toMatchObject({ error: 'rate_limited' });
    expect((limited as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
  });

  it('does not count successful logins against the limit', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Many Logins');
    for (let i = 0; i < 8; i++) {
      expect((await attemptLogin(database.db, { email: owner.email, password: PASSWORD, clientAddress: '198.51.100.8' })).ok).toBe(true);
    }
  });
});

describe('sessions', () => {
  it('starts, recognises, rotates and ends sessions in the database', async () => {
    const { db } = database;
    const owner = await createWorkspaceWithOwner(db, 'Sessions');
    const first = await startSession(db, requestWith(), owner.userId, owner.workspaceId);
    const member = await getMember(db, requestWith(first));
    expect(member).toMatchObject({ role: 'owner', user: { id: owner.userId }, workspace: { id: owner.workspaceId } });

    // Logging in again from the same browser replaces the session: the old token is dead.
    const second = await startSession(db, requestWith(first), owner.userId, owner.workspaceId);
    expect(second).not.toEqual(first);
    expect(await getMember(db, requestWith(first))).toBeNull();
    expect(await getMember(db, requestWith(second))).not.toBeNull();

    await endSession(db, requestWith(second));
    expect(await getMember(db, requestWith(second))).toBeNull();
    expect(await db.select().from(sessions).where(eq(sessions.userId, owner.userId))).toHaveLength(0);
  });

  it('looks a session up once per HTTP request, however many loaders ask, and forgets it when the session ends', async () => {
    const { db } = database;
    const owner = await createWorkspaceWithOwner(db, 'One lookup');
    const cookie = await startSession(db, requestWith(), owner.userId, owner.workspaceId);
    await runInRequestScope(async () => {
      // Remix gives every loader its own copy of the Request.
      const first = getMember(db, requestWith(cookie));
      expect(getMember(db, requestWith(cookie))).toBe(first);
      expect(await first).not.toBeNull();

      await endSession(db, requestWith(cookie));
      expect(await getMember(db, requestWith(cookie))).toBeNull();
    });
  });

  it('ignores expired sessions and garbage cookies', async () => {
    const { db } = database;
    const owner = await createWorkspaceWithOwner(db, 'Expiry');
    const cookie = await startSession(db, requestWith(), owner.userId, owner.workspaceId);
    await db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, owner.userId));
    expect(await getMember(db, requestWith(cookie))).toBeNull();
    expect(await getMember(db, requestWith('wm_session=not-base64-at-all'))).toBeNull();
  });
});

describe('team invitations', () => {
  it('emails a link through the outbox that creates a marketing member once', async () => {
    const { db } = database;
    const owner = await createWorkspaceWithOwner(db, 'Team');
    const result = await invite(db, {
      workspaceId: owner.workspaceId,
      email: 'new.colleague@example.com',
      role: 'marketing',
      invitedBy: { id: owner.userId, name: 'Olga Owner' },
      locale: 'de',
    });
    expect(result.ok).toBe(true);
    const [message] = await listOutbox(db, { workspaceId: owner.workspaceId });
    expect(message).toMatchObject({ kind: 'team_invitation', to: 'new.colleague@example.com' });
    expect(message?.subject).toContain('Team');
    const token = message!.link!.split('/join/')[1]!;
    expect(token.length).toBeGreaterThanOrEqual(43);

    const again = await invite(db, {
      workspaceId: owner.workspaceId,
      email: 'new.colleague@example.com',
      role: 'owner',
      invitedBy: { id: owner.userId, name: 'Olga Owner' },
      locale: 'de',
    });
    expect(again).toEqual({ ok: false, error: 'invitation_pending' });

    const invitation = await findInvitation(db, token);
    expect(invitation).toMatchObject({ email: 'new.colleague@example.com', role: 'marketing', existingUserId: null });
    const joined = await acceptInvitation(db, invitation!, { name: 'New Colleague', password: PASSWORD });
    expect(joined?.workspaceId).toBe(owner.workspaceId);
    expect(await findInvitation(db, token)).toBeNull();
    expect(await authenticate(db, 'new.colleague@example.com', PASSWORD)).toMatchObject({ workspaceId: owner.workspaceId });
  });
});
