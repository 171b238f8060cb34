import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, customers, flags, workspaceTiers } from '../../db/schema';
import { createKeyThroughPage } from '../support/api-keys';
import { startTestApp, type TestClient } from '../support/app';
import { tiersIn } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createSurveyedCustomer, createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { buildRoutes, changedTables, fillPath, workspaceDigests } from '../support/security';

// An API key speaks for its own workspace only: whatever a key of workspace A
// names — B's external ids, B's tier labels, B's workspace id — it reaches
// nothing of B. Endpoints come from the build, so a new one needs a case here.

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

async function workspaceWithKey(name: string) {
  const owner = await createWorkspaceWithOwner(database.db, name);
  const client = app.client();
  expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
  // Every scope: the refusals below must be about the workspace, never about a missing scope.
  const key = await createKeyThroughPage(client, `${name} sync`);
  return { ...owner, client, key };
}

/** A POST with `body`, or a GET when there is none. */
function api(path: string, key: string | null, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${app.base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The rows of a page answer. */
const rowsOf = (json: unknown) => (json as { data: Array<Record<string, unknown>> }).data;

type Workspace = Awaited<ReturnType<typeof workspaceWithKey>>;

/**
 * Per endpoint: requests a key of `alpha` could make against `beta`'s data,
 * each with the status it must get and a check of what alpha got instead.
 */
type Attack = { what: string; body: unknown; status: number; path?: string; after?: () => Promise<void>; check?: (json: unknown) => void };
const attacks: Record<string, (alpha: Workspace, beta: Workspace & { flagId: string; campaignId: string }) => Attack[]> = {
  '/api/v1/customers': (alpha, beta) => [
    {
      what: "beta's external id (creates alpha's own customer, never touches beta's)",
      body: { customers: [{ externalId: 'BETA-1', email: 'stolen@evil.example', name: 'Overwritten' }] },
      status: 200,
      after: async () => {
        const [own] = await database.db.select().from(customers).where(and(eq(customers.workspaceId, alpha.workspaceId), eq(customers.externalId, 'BETA-1')));
        expect(own?.email).toBe('stolen@evil.example');
        const [theirs] = await database.db.select().from(customers).where(and(eq(customers.workspaceId, beta.workspaceId), eq(customers.externalId, 'BETA-1')));
        expect(theirs).toMatchObject({ email: 'beta1@beta.example', name: 'Beta One' });
      },
    },
    { what: "beta's workspace id as an extra field", body: { workspaceId: beta.workspaceId, customers: [{ externalId: 'BETA-2', email: 'x@evil.example' }] }, status: 422 },
    { what: "beta's workspace id on the customer", body: { customers: [{ externalId: 'BETA-2', email: 'x@evil.example', workspaceId: beta.workspaceId }] }, status: 422 },
    {
      what: 'reading customers (only alpha\'s own)',
      body: undefined,
      status: 200,
      check: (json) => {
        expect(rowsOf(json).map((row) => row.email)).toEqual(['stolen@evil.example']);
      },
    },
  ],
  '/api/v1/responses': (alpha, beta) => [
    { what: 'reading responses', body: undefined, status: 200, check: (json) => expect(rowsOf(json)).toEqual([]) },
    { what: "reading responses of beta's campaign", path: `/api/v1/responses?campaign_id=${beta.campaignId}`, body: undefined, status: 200, check: (json) => expect(rowsOf(json)).toEqual([]) },
  ],
  '/api/v1/flags': () => [{ what: 'reading flags', body: undefined, status: 200, check: (json) => expect(rowsOf(json)).toEqual([]) }],
  '/api/v1/flags/:flagId': (alpha, beta) => [{ what: "beta's flag", path: `/api/v1/flags/${beta.flagId}`, body: undefined, status: 404 }],
  '/api/v1/flags/:flagId/actions': (alpha, beta) => [
    { what: "resolving beta's flag", path: `/api/v1/flags/${beta.flagId}/actions`, body: { action: 'resolved', note: 'Closed by someone else' }, status: 404 },
    { what: "assigning beta's flag to alpha's owner", path: `/api/v1/flags/${beta.flagId}/actions`, body: { action: 'assign', assigneeEmail: alpha.email }, status: 404 },
  ],
  '/api/v1/campaigns': () => [{ what: 'reading campaigns', body: undefined, status: 200, check: (json) => expect(rowsOf(json)).toEqual([]) }],
  '/api/v1/reports/tier-review': () => [
    { what: 'reading the tier review', body: undefined, status: 200, check: (json) => expect((json as { periods: unknown[] }).periods).toEqual([]) },
  ],
  '/api/v1/openapi.json': () => [{ what: 'the public description', body: undefined, status: 200 }],
  '/api/v1/tiers': (alpha, beta) => [
    { what: "beta's customers", body: { period: '2026-Q4', assignments: [{ externalId: 'BETA-2', tier: 'A' }] }, status: 422 },
    { what: "beta's tier label", body: { period: '2026-Q4', assignments: [{ externalId: 'BETA-1', tier: 'Beta-Gold' }] }, status: 422 },
    {
      what: "beta's workspace id as an extra field",
      body: { workspaceId: beta.workspaceId, period: '2026-Q4', assignments: [{ externalId: 'BETA-1', tier: 'A' }] },
      status: 422,
      after: async () => expect(await tiersIn(database.db, alpha.workspaceId, '2026-Q4')).toEqual({}),
    },
  ],
};

describe('API keys and workspaces', () => {
  it("give a key of one workspace nothing of another's, on every endpoint of the build", async () => {
    const db = database.db;
    const alpha = await workspaceWithKey('Alpha API');
    const beta = await workspaceWithKey('Beta API');
    const [betaTier] = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, beta.workspaceId)).limit(1);
    await db.update(workspaceTiers).set({ label: 'Beta-Gold' }).where(eq(workspaceTiers.id, betaTier!.id));
    const seeded = await api('/api/v1/customers', beta.key, {
      customers: [
        { externalId: 'BETA-1', email: 'beta1@beta.example', name: 'Beta One' },
        { externalId: 'BETA-2', email: 'beta2@beta.example', name: 'Beta Two' },
      ],
    });
    expect(seeded.status).toBe(200);
    expect((await api('/api/v1/tiers', beta.key, { period: '2026-Q4', assignments: [{ externalId: 'BETA-1', tier: 'Beta-Gold', revenue: 5000 }] })).status).toBe(200);
    const surveyed = await createSurveyedCustomer(db, beta.workspaceId, 'Beta Surveyed');
    const [flag] = await db
      .insert(flags)
      .values({ workspaceId: beta.workspaceId, customerId: surveyed.customer.id, campaignId: surveyed.campaign.id, kind: 'at_risk', severity: 'high', reasons: ['would_not_miss'] })
      .returning();
    const betaTargets = { ...beta, flagId: flag!.id, campaignId: surveyed.campaign.id };

    const endpoints = (await buildRoutes()).filter((route) => route.path.startsWith('/api/')).map((route) => route.path);
    expect(endpoints.sort()).toEqual(Object.keys(attacks).sort());

    const before = await workspaceDigests(db, beta.workspaceId);
    for (const endpoint of endpoints) {
      for (const attack of attacks[endpoint]!(alpha, betaTargets)) {
        const response = await api(attack.path ?? endpoint, alpha.key, attack.body);
        expect(response.status, `${endpoint}: ${attack.what}`).toBe(attack.status);
        if (attack.check) attack.check(await response.json());
        else await response.arrayBuffer();
        await attack.after?.();
      }
    }
    expect(changedTables(before, await workspaceDigests(db, beta.workspaceId))).toEqual([]);
    expect(await tiersIn(db, beta.workspaceId, '2026-Q4')).toEqual({ 'BETA-1': 'Beta-Gold' });
  });

  it('refuse missing, unknown, revoked and forged keys and staff cookies on every endpoint, changing nothing', async () => {
    const db = database.db;
    const alpha = await workspaceWithKey('Gamma API');
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, alpha.workspaceId));
    const revoked = await workspaceWithKey('Revoked API');
    const [revokedRow] = await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, revoked.workspaceId));
    expect((await revoked.client.post('/app/settings/api-keys', { intent: 'revoke', keyId: revokedRow!.id })).status).toBe(200);

    const endpoints = (await buildRoutes()).filter((route) => route.path.startsWith('/api/')).map((route) => route.path);
    const keyless: Array<[string, Record<string, string>]> = [
      ['no Authorization header', {}],
      ['an unknown key', { Authorization: 'Bearer wm_0000000000000000000000000000000000000000000' }],
      ['a revoked key', { Authorization: `Bearer ${revoked.key}` }],
      ['the stored hash of a key', { Authorization: `Bearer ${row!.keyHash}` }],
      ["a key's prefix only", { Authorization: `Bearer ${row!.prefix}` }],
      ['the key with one character changed', { Authorization: `Bearer ${alpha.key.slice(0, -1)}${alpha.key.endsWith('A') ? 'B' : 'A'}` }],
      ['Basic instead of Bearer', { Authorization: `Basic ${Buffer.from(`${alpha.key}:`).toString('base64')}` }],
      ['the key twice', { Authorization: `Bearer ${alpha.key} ${alpha.key}` }],
      ['a staff session cookie', { Cookie: (alpha.client as TestClient).cookieHeader }],
    ];
    const before = await workspaceDigests(db, alpha.workspaceId);
    const beforeRevoked = await workspaceDigests(db, revoked.workspaceId);
    // A body to POST, or null to GET; the public description needs no key.
    const bodies: Record<string, unknown> = {
      '/api/v1/customers': { customers: [{ externalId: 'K-1', email: 'k1@example.com' }] },
      '/api/v1/tiers': { period: '2026-Q4', assignments: [{ externalId: 'K-1', tier: 'A' }] },
      '/api/v1/responses': null,
      '/api/v1/flags': null,
      '/api/v1/flags/:flagId': null,
      '/api/v1/flags/:flagId/actions': { action: 'contacted' },
      '/api/v1/campaigns': null,
      '/api/v1/reports/tier-review': null,
      '/api/v1/openapi.json': 'public',
    };
    for (const endpoint of endpoints) {
      expect(bodies[endpoint], `a body for ${endpoint}`).toBeDefined();
      if (bodies[endpoint] === 'public') continue;
      for (const [what, headers] of keyless) {
        const response = await api(fillPath(endpoint, { flagId: row!.id }), null, bodies[endpoint] ?? undefined, headers);
        expect(response.status, `${endpoint} with ${what}`).toBe(401);
        expect(response.headers.get('WWW-Authenticate'), `${endpoint} with ${what}`).toContain('Bearer');
        expect(((await response.json()) as { title: string }).title).toBe('A valid API key is required.');
      }
      // Failed authentications are limited per address (security-rate-limits.test.ts); start each endpoint afresh.
      await db.execute(sql`delete from rate_limits where key like 'api-auth:%'`);
    }
    expect(changedTables(before, await workspaceDigests(db, alpha.workspaceId))).toEqual([]);
    expect(changedTables(beforeRevoked, await workspaceDigests(db, revoked.workspaceId))).toEqual([]);
    // The real key does work: the refusals were about the keys.
    expect((await api('/api/v1/customers', alpha.key, bodies['/api/v1/customers'])).status).toBe(200);
  });

  it("keep an owner from revoking another workspace's key", async () => {
    const alpha = await workspaceWithKey('Delta API');
    const beta = await workspaceWithKey('Epsilon API');
    const [betaKey] = await database.db.select().from(apiKeys).where(eq(apiKeys.workspaceId, beta.workspaceId));
    const listing = await (await alpha.client.get('/app/settings/api-keys')).text();
    expect(listing).not.toContain(betaKey!.prefix);
    const before = await workspaceDigests(database.db, beta.workspaceId);
    const response = await alpha.client.post('/app/settings/api-keys', { intent: 'revoke', keyId: betaKey!.id });
    expect(response.status).toBe(404);
    expect(changedTables(before, await workspaceDigests(database.db, beta.workspaceId))).toEqual([]);
    expect((await api('/api/v1/customers', beta.key, { customers: [{ externalId: 'E-1', email: 'e1@example.com' }] })).status).toBe(200);
  });
});
