import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

// A session ends 30 days after its login however busy it is, so a stolen
// cookie does not work for ever; and a member can end all their sessions.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

async function signedIn(name: string) {
  const owner = await createWorkspaceWithOwner(database.db, name);
  const client = app.client();
  expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
  return { owner, client };
}

describe('session lifetime', () => {
  it('ends 30 days after the login, even for a session in daily use', async () => {
    const { owner, client } = await signedIn('Old Session');
    // Logged in 31 days ago and used every day since: the idle expiry was always moved on.
    await database.db
      .update(sessions)
      .set({ createdAt: sql`now() - interval '31 days'`, lastSeenAt: sql`now() - interval '2 hours'`, expiresAt: sql`now() + interval '10 days'` })
      .where(eq(sessions.userId, owner.userId));
    const response = await client.get('/app');
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toMatch(/^\/login/);
  });

  it('moves the idle expiry with use, but never past 30 days after the login', async () => {
    const { owner, client } = await signedIn('Busy Session');
    await database.db
      .update(sessions)
      .set({ createdAt: sql`now() - interval '29 days'`, lastSeenAt: sql`now() - interval '2 hours'` })
      .where(eq(sessions.userId, owner.userId));
    expect((await client.get('/app')).status).toBe(200);
    const [row] = await database.db
      .select({ left: sql<number>`extract(epoch from ${sessions.expiresAt} - now())::float8`, slid: sql<boolean>`${sessions.lastSeenAt} > now() - interval '1 minute'` })
      .from(sessions)
      .where(eq(sessions.userId, owner.userId));
    expect(row!.slid).toBe(true);
    expect(Number(row!.left)).toBeLessThanOrEqual(24 * 60 * 60 + 5);
    expect(Number(row!.left)).toBeGreaterThan(23 * 60 * 60);
  });
});

describe('signing out everywhere', () => {
  it('ends every session of the member, in every browser', async () => {
    const { owner, client: laptop } = await signedIn('Lost Laptop');
    const phone = app.client();
    expect((await phone.login(owner.email, PASSWORD)).status).toBe(302);
    const settings = await (await phone.get('/app/settings', { 'Accept-Language': 'en' })).text();
    expect(settings).toContain('Sign out everywhere');

    const out = await phone.post('/logout', { scope: 'everywhere' });
    expect(out.status).toBe(302);
    expect(out.headers.get('Location')).toBe('/login');
    expect((await laptop.get('/app')).status).toBe(302);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, owner.userId))).toEqual([]);
    // A plain logout still ends only its own session.
    const a = app.client();
    const b = app.client();
    await a.login(owner.email, PASSWORD);
    await b.login(owner.email, PASSWORD);
    await a.post('/logout', {});
    expect((await b.get('/app')).status).toBe(200);
  });
});
