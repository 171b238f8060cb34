import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../app/auth/accounts.server';
import { findPasswordReset, requestPasswordReset, resetPassword } from '../../app/auth/password-reset.server';
import { getMember, startSession } from '../../app/auth/session.server';
import { emailMessages, passwordResets, rateLimits, sessions, users } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app?.close();
  await database?.dispose();
});

const APP_URL = 'https://app.example.com';
const NEW_PASSWORD = 'a new and longer secret';

/** The reset emails sent to an address, newest first, with the token of their link. */
async function resetEmails(to: string) {
  const rows = await database.db
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.kind, 'password_reset'), eq(emailMessages.toAddress, to)))
    .orderBy(sql`${emailMessages.createdAt} desc`);
  return rows.map((row) => ({ ...row, token: /\/password\/reset\/([A-Za-z0-9_-]+)/.exec(row.link ?? '')?.[1] ?? '' }));
}

const sessionRequest = (cookie: string) => new Request('http://localhost/app', { headers: { Cookie: cookie.split(';')[0]! } });

describe('asking for a new password', () => {
  it('emails a link only to an existing account, and answers every address alike', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Reset Request');
    const input = { clientAddress: '203.0.113.10', locale: 'en' as const, appUrl: APP_URL };
    expect(await requestPasswordReset(database.db, { ...input, email: owner.email })).toEqual({ ok: true });
    expect(await requestPasswordReset(database.db, { ...input, email: 'nobody@reset.example' })).toEqual({ ok: true });

    const [email] = await resetEmails(owner.email);
    expect(email?.link).toMatch(new RegExp(`^${APP_URL}/password/reset/[A-Za-z0-9_-]{43}$`));
    expect(email?.html).toContain(email!.link!);
    expect(email?.text).toContain(email!.link!);
    expect(await resetEmails('nobody@reset.example')).toEqual([]);
    // Only a hash of the token is stored.
    const stored = await database.db.select().from(passwordResets);
    expect(stored.map((row) => row.tokenHash)).not.toContain(email!.token);
    expect(JSON.stringify(stored)).not.toContain(email!.token);
  });

  it('answers a known and an unknown address with the same page over HTTP', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Reset Page');
    const known = await app.client().post('/password/forgot', { email: owner.email });
    const unknown = await app.client().post('/password/forgot', { email: 'ghost@reset.example' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const strip = (html: string) => html.replace(/nonce="[^"]*"/g, '').replace(/"nonce":"[^"]*"/g, '');
    expect(strip(await known.text())).toEqual(strip(await unknown.text()));
    expect(await resetEmails(owner.email)).toHaveLength(1);
  });

  it('refuses a malformed address with a message, not a 500', async () => {
    const response = await app.client().post('/password/forgot', { email: 'not an address' }, { 'Accept-Language': 'en' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Please enter a valid email address.');
  });

  it('limits requests per address asked for, whether or not it has an account', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Reset Limit');
    for (const email of [owner.email, 'unknown-limit@reset.example']) {
      const ask = (n: number) => requestPasswordReset(database.db, { email, clientAddress: `198.51.100.${n}`, locale: 'de', appUrl: APP_URL });
      for (let n = 1; n <= 3; n++) expect(await ask(n)).toEqual({ ok: true });
      const limited = await ask(4);
      expect(limited.ok).toBe(false);
      expect(limited.ok === false && limited.retryAfter).toBeGreaterThan(0);
    }
    expect(await resetEmails(owner.email)).toHaveLength(3);
  });

  it('limits requests per client over HTTP with a 429, a Retry-After and a message', async () => {
    // Every request of this file comes from 127.0.0.1: start this client's count afresh.
    await database.db.delete(rateLimits).where(like(rateLimits.key, 'reset:addr:%'));
    const client = app.client();
    const ask = (n: number) => client.post('/password/forgot', { email: `many-${n}@reset.example` }, { 'Accept-Language': 'de' });
    for (let n = 0; n < 10; n++) expect((await ask(n)).status).toBe(200);
    const limited = await ask(10);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Zu viele Anfragen für ein neues Passwort');
  });

  it('writes the email in the member language, or else the language of the request', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Reset Language');
    await requestPasswordReset(database.db, { email: owner.email, clientAddress: '203.0.113.30', locale: 'de', appUrl: APP_URL });
    await database.db.update(users).set({ locale: 'en' }).where(eq(users.id, owner.userId));
    await requestPasswordReset(database.db, { email: owner.email, clientAddress: '203.0.113.30', locale: 'de', appUrl: APP_URL });
    const [english, german] = await resetEmails(owner.email);
    expect(german?.subject).toBe('Ihr Wouldmiss-Passwort zurücksetzen');
    expect(german?.html).toContain('lang="de"');
    expect(german?.text).toContain('60 Minuten');
    expect(english?.subject).toBe('Reset your Wouldmiss password');
    expect(english?.html).toContain('lang="en"');
    expect(english?.text).toContain('60 minutes');
  });
});

describe('setting the new password', () => {
  async function ownerWithLink(name: string) {
    const owner = await createWorkspaceWithOwner(database.db, name);
    await requestPasswordReset(database.db, { email: owner.email, clientAddress: '203.0.113.40', locale: 'en', appUrl: APP_URL });
    const [email] = await resetEmails(owner.email);
    return { owner, token: email!.token };
  }

  it('changes the password once, ends every other session and logs the member in', async () => {
    const { owner, token } = await ownerWithLink('Reset Use');
    const elsewhere = await startSession(database.db, new Request('http://localhost/'), owner.userId, owner.workspaceId);
    expect(await getMember(database.db, sessionRequest(elsewhere))).not.toBeNull();

    const client = app.client();
    const page = await client.get(`/password/reset/${token}`);
    expect(page.status).toBe(200);
    // The last policy in the header is the one that applies.
    expect(page.headers.get('Referrer-Policy')).toMatch(/(^|, )no-referrer$/);
    expect(await page.text()).toContain(owner.email);

    const done = await client.post(`/password/reset/${token}`, { password: NEW_PASSWORD });
    expect(done.status).toBe(302);
    expect(done.headers.get('Location')).toBe('/app');
    expect((await client.get('/app')).status).toBe(200);
    expect(await getMember(database.db, sessionRequest(elsewhere))).toBeNull();
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, owner.userId))).toHaveLength(1);

    expect(await authenticate(database.db, owner.email, PASSWORD)).toBeNull();
    expect(await authenticate(database.db, owner.email, NEW_PASSWORD)).toEqual({ userId: owner.userId, workspaceId: owner.workspaceId });

    // Used once: the link is dead now, on the page and for the form.
    expect(await findPasswordReset(database.db, token)).toBeNull();
    const again = await app.client().post(`/password/reset/${token}`, { password: 'yet another password' }, { 'Accept-Language': 'en' });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('has been used already, has expired or is not complete');
    expect(await authenticate(database.db, owner.email, NEW_PASSWORD)).not.toBeNull();
  });

  it('lets only one of two simultaneous uses of a link through', async () => {
    const { token } = await ownerWithLink('Reset Race');
    const results = await Promise.all([resetPassword(database.db, token, 'first new password'), resetPassword(database.db, token, 'second new password')]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });

  it('refuses an expired link', async () => {
    const { owner, token } = await ownerWithLink('Reset Expired');
    await database.db.update(passwordResets).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(passwordResets.userId, owner.userId));
    const page = await app.client().get(`/password/reset/${token}`, { 'Accept-Language': 'en' });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Ask for a new link');
    expect(await resetPassword(database.db, token, NEW_PASSWORD)).toEqual({ ok: false, error: 'invalid_link' });
    expect(await authenticate(database.db, owner.email, PASSWORD)).not.toBeNull();
  });

  it('answers a wrong or malformed token with a friendly 404 page, never a 500', async () => {
    for (const token of ['A'.repeat(43), 'short', '%E0%A4%A', 'x'.repeat(300)]) {
      const page = await app.client().get(`/password/reset/${token}`, { 'Accept-Language': 'de' });
      expect(page.status, token).toBeGreaterThanOrEqual(400);
      expect(page.status, token).toBeLessThan(500);
      const post = await app.client().post(`/password/reset/${token}`, { password: NEW_PASSWORD });
      expect(post.status, token).toBeGreaterThanOrEqual(400);
      expect(post.status, token).toBeLessThan(500);
    }
    const page = await app.client().get(`/password/reset/${'B'.repeat(43)}`, { 'Accept-Language': 'de' });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Neuen Link anfordern');
  });

  it('keeps only the newest link working', async () => {
    const { owner, token: first } = await ownerWithLink('Reset Newest');
    await requestPasswordReset(database.db, { email: owner.email, clientAddress: '203.0.113.41', locale: 'en', appUrl: APP_URL });
    const [newest] = await resetEmails(owner.email);
    expect(newest!.token).not.toBe(first);
    expect(await findPasswordReset(database.db, first)).toBeNull();
    expect(await findPasswordReset(database.db, newest!.token)).toEqual({ email: owner.email });
  });

  it('holds a new password to the sign-up rules', async () => {
    const { owner, token } = await ownerWithLink('Reset Rules');
    const response = await app.client().post(`/password/reset/${token}`, { password: 'short' }, { 'Accept-Language': 'en' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Use at least 10 characters.');
    expect(await findPasswordReset(database.db, token)).toEqual({ email: owner.email });
  });

  it('is offered on the login page', async () => {
    const login = await app.client().get('/login', { 'Accept-Language': 'en' });
    expect(await login.text()).toContain('href="/password/forgot"');
    const form = await app.client().get('/password/forgot');
    expect(form.status).toBe(200);
  });
});
