import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../../app/auth/tokens.server';
import { apiKeys, auditLog, customers, rateLimits } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { customerCount, tiersIn } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

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

/** A workspace whose owner created an API key through the settings page. */
async function workspaceWithKey(name: string) {
  const owner = await createWorkspaceWithOwner(database.db, name);
  const client = app.client();
  expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
  const created = await client.post('/app/settings/api-keys', { intent: 'create', name: 'CRM sync', scopes: 'customers:write' }, { 'Accept-Language': 'en' });
  expect(created.status).toBe(200);
  const page = await created.text();
  expect(page).toContain('it is shown only this once');
  const key = /value="(wm_[A-Za-z0-9_-]+)"/.exec(page)?.[1];
  expect(key).toBeDefined();
  return { ...owner, client, key: key! };
}

function api(path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${app.base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function problem(response: Response) {
  expect(response.headers.get('Content-Type')).toContain('application/problem+json');
  return (await response.json()) as { status: number; title: string; detail?: string; errors?: Array<{ pointer: string; detail: string }> };
}

describe('API keys', () => {
  it('are shown once, stored only as a hash, listed with their prefix and last use, and revocable', async () => {
    const { db } = database;
    const { client, key, workspaceId, userId } = await workspaceWithKey('Keys GmbH');
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId));
    expect(row?.keyHash).toBe(tokenHash(key));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(key.startsWith(row!.prefix)).toBe(true);
    const listing = await (await client.get('/app/settings/api-keys', { 'Accept-Language': 'en' })).text();
    expect(listing).not.toContain(key);
    expect(listing).toContain(`${row!.prefix}…`);
    expect(listing).toContain('never');

    expect((await api('/api/v1/customers', key, { customers: [{ externalId: 'K-1', email: 'k1@example.com' }] })).status).toBe(200);
    const [used] = await db.select().from(apiKeys).where(eq(apiKeys.id, row!.id));
    expect(used?.lastUsedAt).toBeInstanceOf(Date);

    expect((await client.post('/app/settings/api-keys', { intent: 'revoke', keyId: row!.id })).status).toBe(200);
    const revoked = await api('/api/v1/customers', key, { customers: [{ externalId: 'K-2', email: 'k2@example.com' }] });
    expect(revoked.status).toBe(401);
    expect(await customerCount(db, workspaceId)).toBe(1);
    const actions = await db.select({ action: auditLog.action, actor: auditLog.actorUserId }).from(auditLog).where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.subjectType, 'api_key')));
    expect(actions.map((entry) => entry.action).sort()).toEqual(['api_key.created', 'api_key.revoked']);
    expect(actions.every((entry) => entry.actor === userId)).toBe(true);
  });
});

describe('POST /api/v1/customers', () => {
  it('upserts customers by external id; omitted fields keep their value, null clears it', async () => {
    const { db } = database;
    const { key, workspaceId } = await workspaceWithKey('Sync GmbH');
    const first = await api('/api/v1/customers', key, {
      customers: [
        { externalId: 'C-1', email: 'Anna@Example.com', name: 'Anna', company: 'Alpha', locale: 'de' },
        { externalId: 'C-2', email: 'ben@example.com', name: 'Ben' },
      ],
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ created: 2, updated: 0 });
    const second = await api('/api/v1/customers', key, { customers: [{ externalId: 'C-1', email: 'anna@alpha.example', company: null }] });
    expect(await second.json()).toEqual({ created: 0, updated: 1 });
    const [anna] = await db.select().from(customers).where(and(eq(customers.workspaceId, workspaceId), eq(customers.externalId, 'C-1')));
    expect(anna).toMatchObject({ email: 'anna@alpha.example', name: 'Anna', company: null, locale: 'de' });
  });

  it('answers a body of the wrong shape with a problem listing every field, and changes nothing', async () => {
    const { key, workspaceId } = await workspaceWithKey('Shapes GmbH');
    const cases: Array<[unknown, Array<{ pointer: string; detail: string | RegExp }>]> = [
      [{ customers: 'all of them' }, [{ pointer: '/customers', detail: /array/ }]],
      [{ people: [] }, [{ pointer: '/customers', detail: /required/ }, { pointer: '', detail: /people/ }]],
      [
        { customers: [{ externalId: 'X-1', email: 'not-an-email' }, { externalId: '', email: 'b@example.com', locale: 'fr' }] },
        [
          { pointer: '/customers/0/email', detail: 'not a valid email address' },
          { pointer: '/customers/1/externalId', detail: 'must not be empty' },
          { pointer: '/customers/1/locale', detail: 'de or en' },
        ],
      ],
      [
        { customers: [{ externalId: 'D-1', email: 'd1@example.com' }, { externalId: 'D-1', email: 'd2@example.com' }] },
        [{ pointer: '/customers/1/externalId', detail: 'appears more than once in this request (first at index 0)' }],
      ],
      // PostgreSQL text cannot hold NUL characters.
      [{ customers: [{ externalId: 'N-1', email: 'n1@example.com', name: 'Nul\u0000Name' }] }, [{ pointer: '/customers/0/name', detail: /control characters/ }]],
    ];
    for (const [body, errors] of cases) {
      const response = await api('/api/v1/customers', key, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const details = await problem(response);
      expect(details.errors, JSON.stringify(body)).toEqual(expect.arrayContaining(errors.map((error) => expect.objectContaining({ pointer: error.pointer, detail: typeof error.detail === 'string' ? error.detail : expect.stringMatching(error.detail) }))));
    }
    expect(await customerCount(database.db, workspaceId)).toBe(0);
  });

  it('refuses more than 1,000 customers per request', async () => {
    const { key, workspaceId } = await workspaceWithKey('Batch GmbH');
    const customers1001 = Array.from({ length: 1001 }, (_, i) => ({ externalId: `B-${i}`, email: `b${i}@example.com` }));
    const response = await api('/api/v1/customers', key, { customers: customers1001 });
    expect(response.status).toBe(422);
    expect((await problem(response)).errors).toEqual([{ pointer: '/customers', detail: 'at most 1,000 customers per request; send the rest in further requests' }]);
    expect(await customerCount(database.db, workspaceId)).toBe(0);
    const ok = await api('/api/v1/customers', key, { customers: customers1001.slice(0, 1000) });
    expect(await ok.json()).toEqual({ created: 1000, updated: 0 });
  });

  it('answers malformed JSON, other content types and oversized bodies clearly', async () => {
    const { key } = await workspaceWithKey('Bodies GmbH');
    expect((await problem(await api('/api/v1/customers', key, '{"customers": ['))).status).toBe(400);
    const text = await api('/api/v1/customers', key, 'externalId=1', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(415);
    const huge = await api('/api/v1/customers', key, JSON.stringify({ customers: [{ externalId: 'H', email: 'h@example.com', name: 'x'.repeat(3 * 1024 * 1024) }] }));
    expect(huge.status).toBe(413);
    const put = await fetch(`${app.base}/api/v1/customers`, { method: 'PUT', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('Allow')).toBe('GET, POST');
    const get = await api('/api/v1/tiers', key);
    expect(get.status).toBe(405);
    expect(get.headers.get('Allow')).toBe('POST');
  });

  it('requires a key, limits the rate per key, and takes calls from other origins', async () => {
    const { db } = database;
    const { key, workspaceId } = await workspaceWithKey('Limits GmbH');
    const missing = await api('/api/v1/customers', null, { customers: [] });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('WWW-Authenticate')).toContain('Bearer');
    expect((await problem(missing)).detail).toContain('Authorization: Bearer');
    expect((await api('/api/v1/customers', 'wm_not-a-real-key', { customers: [] })).status).toBe(401);

    const crossOrigin = await api('/api/v1/customers', key, { customers: [{ externalId: 'O-1', email: 'o1@example.com' }] }, { Origin: 'https://crm.example' });
    expect(crossOrigin.status).toBe(200);

    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId));
    await db.update(rateLimits).set({ count: 120 }).where(eq(rateLimits.key, `api:${row!.id}`));
    const limited = await api('/api/v1/customers', key, { customers: [{ externalId: 'O-2', email: 'o2@example.com' }] });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await customerCount(db, workspaceId)).toBe(1);
  });
});

describe('POST /api/v1/tiers', () => {
  it('sets tiers for a period, all or nothing, per workspace', async () => {
    const { db } = database;
    const alpha = await workspaceWithKey('Tiers Alpha');
    const beta = await workspaceWithKey('Tiers Beta');
    await api('/api/v1/customers', alpha.key, { customers: [{ externalId: 'T-1', email: 't1@example.com' }, { externalId: 'T-2', email: 't2@example.com' }] });
    await api('/api/v1/customers', beta.key, { customers: [{ externalId: 'BETA-1', email: 'beta@example.com' }] });

    const set = await api('/api/v1/tiers', alpha.key, { period: '2026-Q4', assignments: [{ externalId: 'T-1', tier: 'a', revenue: 1234.5 }, { externalId: 'T-2', tier: 'C' }] });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ period: '2026-Q4', assigned: 2, tiers: { A: 1, B: 0, C: 1 } });

    const bad = await api('/api/v1/tiers', alpha.key, {
      period: '2026-Q4',
      assignments: [
        { externalId: 'T-1', tier: 'B' },
        { externalId: 'BETA-1', tier: 'A' },
        { externalId: 'T-2', tier: 'Platinum' },
      ],
    });
    expect(bad.status).toBe(422);
    expect((await problem(bad)).errors).toEqual([
      { pointer: '/assignments/1/externalId', detail: 'no customer with this external id; create it first with POST /api/v1/customers' },
      { pointer: '/assignments/2/tier', detail: 'not a tier of this workspace; use one of A, B, C' },
    ]);
    expect(await tiersIn(db, alpha.workspaceId, '2026-Q4')).toEqual({ 'T-1': 'A', 'T-2': 'C' });
    expect(await tiersIn(db, beta.workspaceId, '2026-Q4')).toEqual({});

    const shape = await api('/api/v1/tiers', alpha.key, { period: 'Q4', assignments: [{ externalId: 'T-1', tier: 'A', revenue: -5 }] });
    expect(shape.status).toBe(422);
    expect((await problem(shape)).errors?.map((error) => error.pointer).sort()).toEqual(['/assignments/0/revenue', '/period']);
  });
});
