import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_RATE_LIMIT } from '../../app/customers/api-http.server';
import { apiKeys } from '../../db/schema';
import { startTestApp } from '../support/app';
import { customerCount } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { changedTables, workspaceDigests } from '../support/security';

// Hammering answers 429 with Retry-After. Covered elsewhere, not repeated here:
// failed logins per email (http.test.ts, accounts.test.ts), unknown survey
// links per address (survey-rate-limit.test.ts), a key's limit reached by
// setting its counter (api.test.ts). In a file of its own: every request of
// the test app comes from 127.0.0.1, so these counters would limit other tests.

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

function api(path: string, key: string | null, body: unknown) {
  return fetch(`${app.base}${path}`, {
    method: 'POST',
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function expectTooMany(response: Response, what: string) {
  expect(response.status, what).toBe(429);
  const retryAfter = Number(response.headers.get('Retry-After'));
  expect(retryAfter, `${what}: Retry-After`).toBeGreaterThan(0);
  expect(retryAfter, `${what}: Retry-After`).toBeLessThanOrEqual(15 * 60);
  return response.text();
}

describe('rate limits when hammered', () => {
  it('limit guessed API keys per client address, while real keys keep working', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Key Guessers');
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    const created = await client.post('/app/settings/api-keys', { intent: 'create', name: 'Real', scopes: 'customers:write' });
    const key = /value="(wm_[A-Za-z0-9_-]+)"/.exec(await created.text())![1]!;

    let guesses = 0;
    let response: Response;
    do {
      response = await api('/api/v1/customers', `wm_${String(guesses).padStart(43, 'g')}`, { customers: [] });
      guesses++;
      if (response.status === 401) await response.arrayBuffer();
    } while (response.status === 401 && guesses < 100);
    expect(guesses).toBe(31); // 30 failures a minute, the 31st is refused unseen
    const problem = JSON.parse(await expectTooMany(response, 'guessed key')) as { title: string; detail: string };
    expect(problem.title).toBe('Too many requests.');
    expect(problem.detail).toMatch(/^Wait \d+ seconds/);
    expect(response.headers.get('Content-Type')).toContain('application/problem+json');
    // Even a real key that comes after is not checked against the guesses' counter…
    expect((await api('/api/v1/customers', key, { customers: [{ externalId: 'R-1', email: 'r1@example.com' }] })).status).toBe(200);
    // …but more guesses stay refused.
    await expectTooMany(await api('/api/v1/customers', 'wm_still-guessing', { customers: [] }), 'next guess');
  });

  it("limit a key's calls per minute, counting refused ones, and change nothing once limited", async () => {
    const db = database.db;
    const owner = await createWorkspaceWithOwner(db, 'Busy Sync');
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    const created = await client.post('/app/settings/api-keys', { intent: 'create', name: 'Busy', scopes: 'customers:write' });
    const key = /value="(wm_[A-Za-z0-9_-]+)"/.exec(await created.text())![1]!;
    expect(await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, owner.workspaceId))).toHaveLength(1);

    // Invalid bodies are cheap to refuse and still count: a broken client cannot hammer for free.
    for (let i = 0; i < API_RATE_LIMIT.limit; i++) {
      const response = await api('/api/v1/tiers', key, { period: 'never' });
      expect(response.status, `call ${i + 1}`).toBe(422);
      await response.arrayBuffer();
    }
    const before = await workspaceDigests(db, owner.workspaceId);
    await expectTooMany(await api('/api/v1/customers', key, { customers: [{ externalId: 'L-1', email: 'l1@example.com' }] }), 'call 121');
    expect(await customerCount(db, owner.workspaceId)).toBe(0);
    expect(changedTables(before, await workspaceDigests(db, owner.workspaceId))).toEqual([]);
  });

  it('limit failed logins per client address across many emails, also for the right password', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Address Guarded');
    const client = app.client();
    let attempts = 0;
    let response: Response;
    do {
      // A different email each time: the per-email limit never trips, only the per-address one can.
      response = await client.post('/login', { email: `guess-${attempts}@nowhere.example`, password: 'wrong password' }, { 'Accept-Language': 'en' });
      attempts++;
      if (response.status === 400) await response.arrayBuffer();
    } while (response.status === 400 && attempts < 100);
    expect(attempts).toBe(21); // 20 failures per address in 15 minutes
    expect(await expectTooMany(response, 'login')).toContain('Too many attempts');
    // From this address, even the right password of another account waits.
    const right = await client.post('/login', { email: owner.email, password: PASSWORD }, { 'Accept-Language': 'en' });
    await expectTooMany(right, 'right password');
    expect(right.headers.getSetCookie().some((cookie) => cookie.startsWith('wm_session=') && !/max-age=0/i.test(cookie))).toBe(false);
  }, 90_000); // 21 logins each verify a password hash on purpose: slow on a busy machine

  it('limit guessed unsubscribe links like survey links, in the same count', async () => {
    const client = app.client();
    let guesses = 0;
    let response: Response;
    do {
      response = await client.request(`/u/${String(guesses).padStart(43, 'u')}`, { headers: { 'Accept-Language': 'en' } });
      guesses++;
      if (response.status === 404) await response.arrayBuffer();
    } while (response.status === 404 && guesses < 100);
    expect(guesses).toBe(31); // 30 unknown tokens per 15 minutes, then 429
    expect(await expectTooMany(response, 'unsubscribe GET')).toMatch(/too many attempts/i);
    await expectTooMany(await client.post(`/u/${'v'.repeat(43)}`, {}), 'unsubscribe POST');
    // The same tokens open the survey: guessing there is refused too.
    await expectTooMany(await client.request(`/s/${'w'.repeat(43)}`), 'survey GET');
  });
});
