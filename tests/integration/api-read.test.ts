import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../app/customers/api-keys.server';
import { eraseCustomer } from '../../app/customers/privacy.server';
import { actOnFlag } from '../../app/flags/flags.server';
import { flags } from '../../db/schema';
import { createKeyThroughPage } from '../support/api-keys';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createSurveyedCustomer, createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { contract, type OpenApiDoc } from '../support/openapi';

// The read endpoints as a CRM uses them: scopes, keyset pages that neither
// skip nor repeat, `updated_since`, and answers that match the document.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let check: ReturnType<typeof contract>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
  check = contract((await (await fetch(`${app.base}/api/v1/openapi.json`)).json()) as OpenApiDoc);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

async function workspace(name: string) {
  const owner = await createWorkspaceWithOwner(database.db, name);
  const client = app.client();
  expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
  return { ...owner, client, key: await createKeyThroughPage(client, `${name} CRM`) };
}

function call(path: string, key: string, body?: unknown) {
  return fetch(app.base + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** GETs a path and checks the answer against the document's operation `template`. */
async function read<T>(template: string, path: string, key: string, status = 200): Promise<T> {
  const response = await call(path, key);
  expect(response.status, path).toBe(status);
  return (await check.response('get', template, response)) as T;
}

type Page<T> = { data: T[]; nextCursor: string | null };

describe('scopes', () => {
  it('refuse a key without the scope with 403 and say which scope is missing; keys made before scopes keep customers:write', async () => {
    const { client, workspaceId, userId } = await workspace('Scoped GmbH');
    const readOnly = await createKeyThroughPage(client, 'Flags only', ['flags:read']);
    expect((await read<Page<unknown>>('/api/v1/flags', '/api/v1/flags', readOnly)).data).toEqual([]);
    const refused = await call('/api/v1/customers', readOnly, { customers: [{ externalId: 'S-1', email: 's1@example.com' }] });
    expect(refused.status).toBe(403);
    const problem = (await check.response('post', '/api/v1/customers', refused)) as { title: string; detail: string };
    expect(problem.title).toBe('This API key lacks the scope customers:write.');
    expect(problem.detail).toContain('flags:read');
    expect((await call('/api/v1/reports/tier-review', readOnly)).status).toBe(403);

    const legacy = await createApiKey(database.db, { workspaceId, name: 'Old key', createdBy: userId });
    expect((await call('/api/v1/customers', legacy.key, { customers: [{ externalId: 'S-1', email: 's1@example.com' }] })).status).toBe(200);
    expect((await call('/api/v1/responses', legacy.key)).status).toBe(403);
    expect((await read<Page<{ externalId: string }>>('/api/v1/customers', '/api/v1/customers', legacy.key)).data.map((row) => row.externalId)).toEqual(['S-1']);
  });

  it('let a customers:read key read customers but not change them', async () => {
    const { client } = await workspace('Reader GmbH');
    const writer = await createKeyThroughPage(client, 'Writer', ['customers:write']);
    const reader = await createKeyThroughPage(client, 'Reader', ['customers:read']);
    expect((await call('/api/v1/customers', writer, { customers: [{ externalId: 'R-1', email: 'r1@example.com' }] })).status).toBe(200);
    expect((await read<Page<{ externalId: string }>>('/api/v1/customers', '/api/v1/customers', reader)).data.map((row) => row.externalId)).toEqual(['R-1']);
    expect((await read<Page<{ externalId: string }>>('/api/v1/customers', '/api/v1/customers', writer)).data.map((row) => row.externalId)).toEqual(['R-1']);
    const refused = await call('/api/v1/customers', reader, { customers: [{ externalId: 'R-2', email: 'r2@example.com' }] });
    expect(refused.status).toBe(403);
    expect(((await check.response('post', '/api/v1/customers', refused)) as { title: string }).title).toBe('This API key lacks the scope customers:write.');
    const flagsOnly = await createKeyThroughPage(client, 'Flags', ['flags:read']);
    const noRead = await call('/api/v1/customers', flagsOnly);
    expect(noRead.status).toBe(403);
    expect(((await noRead.json()) as { title: string }).title).toBe('This API key lacks the scope customers:read.');
  });

  it('must be chosen when an owner creates a key', async () => {
    const { client } = await workspace('No Scope GmbH');
    const response = await client.post('/app/settings/api-keys', { intent: 'create', name: 'Nothing' }, { 'Accept-Language': 'en' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Choose at least one scope.');
  });
});

describe('GET /api/v1/customers', () => {
  it('pages through every customer once, in order of change, and continues from updated_since', async () => {
    const { key } = await workspace('Pages GmbH');
    const batch = Array.from({ length: 5 }, (_, n) => ({ externalId: `P-${n}`, email: `p${n}@example.com` }));
    expect((await call('/api/v1/customers', key, { customers: batch })).status).toBe(200);
    expect((await call('/api/v1/tiers', key, { period: '2026-Q4', assignments: [{ externalId: 'P-0', tier: 'A' }] })).status).toBe(200);

    const seen: Array<{ externalId: string; updatedAt: string; tiers: unknown }> = [];
    let path = '/api/v1/customers?limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const page = await read<Page<(typeof seen)[number]>>('/api/v1/customers', path, key);
      seen.push(...page.data);
      if (!page.nextCursor) break;
      path = `/api/v1/customers?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(seen.map((row) => row.externalId).sort()).toEqual(batch.map((row) => row.externalId));
    expect(seen.map((row) => row.updatedAt)).toEqual([...seen.map((row) => row.updatedAt)].sort());
    expect(seen.find((row) => row.externalId === 'P-0')?.tiers).toEqual([{ period: '2026-Q4', tier: 'A' }]);

    const since = seen.at(-1)!.updatedAt;
    expect((await call('/api/v1/customers', key, { customers: [{ externalId: 'P-3', email: 'p3-new@example.com' }] })).status).toBe(200);
    const changed = await read<Page<{ externalId: string; email: string; updatedAt: string }>>('/api/v1/customers', `/api/v1/customers?updated_since=${encodeURIComponent(since)}`, key);
    const updated = changed.data.find((row) => row.externalId === 'P-3');
    expect(updated?.email).toBe('p3-new@example.com');
    expect(updated!.updatedAt > since).toBe(true);
    // The changed customer comes last, and from its time on it is the only one.
    expect(changed.data.at(-1)?.externalId).toBe('P-3');
    const onlyChanged = await read<Page<{ externalId: string }>>('/api/v1/customers', `/api/v1/customers?updated_since=${encodeURIComponent(updated!.updatedAt)}`, key);
    expect(onlyChanged.data.map((row) => row.externalId)).toEqual(['P-3']);
  });

  it('moves a customer past updated_since when only the tier changes', async () => {
    const { key } = await workspace('Tier Only GmbH');
    expect((await call('/api/v1/customers', key, { customers: [{ externalId: 'T-1', email: 't1@example.com' }, { externalId: 'T-2', email: 't2@example.com' }] })).status).toBe(200);
    const first = await read<Page<{ externalId: string; updatedAt: string }>>('/api/v1/customers', '/api/v1/customers', key);
    const since = first.data.at(-1)!.updatedAt;
    expect((await call('/api/v1/tiers', key, { period: '2026-Q4', assignments: [{ externalId: 'T-1', tier: 'B' }] })).status).toBe(200);
    const afterFirstTier = await read<Page<{ externalId: string; updatedAt: string; tiers: unknown }>>('/api/v1/customers', `/api/v1/customers?updated_since=${encodeURIComponent(since)}`, key);
    const moved = afterFirstTier.data.find((row) => row.externalId === 'T-1');
    expect(moved!.updatedAt > since).toBe(true);
    expect(moved?.tiers).toEqual([{ period: '2026-Q4', tier: 'B' }]);
    // A different tier in the same period moves it again; the same tier again does not.
    expect((await call('/api/v1/tiers', key, { period: '2026-Q4', assignments: [{ externalId: 'T-1', tier: 'A' }] })).status).toBe(200);
    const changed = await read<Page<{ externalId: string; updatedAt: string; tiers: unknown }>>('/api/v1/customers', `/api/v1/customers?updated_since=${encodeURIComponent(moved!.updatedAt)}`, key);
    const again = changed.data.find((row) => row.externalId === 'T-1');
    expect(again!.updatedAt > moved!.updatedAt).toBe(true);
    expect(again!.tiers).toEqual([{ period: '2026-Q4', tier: 'A' }]);
    expect((await call('/api/v1/tiers', key, { period: '2026-Q4', assignments: [{ externalId: 'T-1', tier: 'A' }] })).status).toBe(200);
    const unchanged = await read<Page<{ externalId: string; updatedAt: string }>>('/api/v1/customers', `/api/v1/customers?updated_since=${encodeURIComponent(again!.updatedAt)}`, key);
    expect(unchanged.data.map((row) => [row.externalId, row.updatedAt])).toEqual([['T-1', again!.updatedAt]]);
  });

  it('answers 422 with the parameter for a bad cursor, limit or date', async () => {
    const { key } = await workspace('Bad Query GmbH');
    for (const [query, pointer] of [
      ['cursor=bm90LWEtY3Vyc29y', '/cursor'],
      ['limit=0', '/limit'],
      ['limit=501', '/limit'],
      ['limit=ten', '/limit'],
      ['updated_since=yesterday', '/updated_since'],
    ]) {
      const problem = await read<{ errors: Array<{ pointer: string; detail: string }> }>('/api/v1/customers', `/api/v1/customers?${query}`, key, 422);
      expect(problem.errors.map((error) => error.pointer), query).toEqual([pointer]);
      expect(problem.errors[0]!.detail.length).toBeGreaterThan(5);
    }
  });
});

describe('GET /api/v1/responses, flags, campaigns and the tier review', () => {
  it('give answers with the tier at the time, flags with history, funnels and figures; nothing of erased customers', async () => {
    const { db } = database;
    const { key, workspaceId, userId } = await workspace('Reads GmbH');
    const kept = await createSurveyedCustomer(db, workspaceId, 'Kept');
    const erased = await createSurveyedCustomer(db, workspaceId, 'Erased');
    const [flag] = await db
      .insert(flags)
      .values({ workspaceId, customerId: kept.customer.id, campaignId: kept.campaign.id, kind: 'at_risk', severity: 'high', reasons: ['would_not_miss'] })
      .returning();
    expect(await actOnFlag(db, { workspaceId, flagId: flag!.id, actorUserId: userId, action: { type: 'contacted', note: 'Called, all fine' } })).toEqual({ ok: true });
    await db.insert(flags).values({ workspaceId, customerId: erased.customer.id, campaignId: erased.campaign.id, kind: 'at_risk', severity: 'high', reasons: ['would_not_miss'] });
    expect(await eraseCustomer(db, workspaceId, erased.customer.id, { actorUserId: userId, suppressAddress: false })).toBe(true);

    const responses = await read<Page<{ customer: { id: string }; tier: string | null; campaign: { id: string }; answers: { miss_us: string } }>>('/api/v1/responses', '/api/v1/responses', key);
    expect(responses.data.map((row) => row.customer.id)).toEqual([kept.customer.id]);
    expect(responses.data[0]).toMatchObject({ tier: 'A', campaign: { id: kept.campaign.id }, answers: { miss_us: 'very' } });
    expect(JSON.stringify(responses)).not.toMatch(/token/i);
    const completed = await read<Page<unknown>>('/api/v1/responses', `/api/v1/responses?status=started`, key);
    expect(completed.data).toEqual([]);

    const flagsPage = await read<Page<{ id: string; status: string; history: Array<{ action: string; note: string | null; actor: string | null }> }>>('/api/v1/flags', '/api/v1/flags', key);
    expect(flagsPage.data.map((row) => row.id)).toEqual([flag!.id]);
    expect(flagsPage.data[0]!.status).toBe('contacted');
    expect(flagsPage.data[0]!.history).toEqual([expect.objectContaining({ action: 'contacted', note: 'Called, all fine', actor: expect.any(String) })]);
    const one = await read<{ id: string }>('/api/v1/flags/{flagId}', `/api/v1/flags/${flag!.id}`, key);
    expect(one.id).toBe(flag!.id);
    await read('/api/v1/flags/{flagId}', '/api/v1/flags/00000000-0000-4000-8000-000000000000', key, 404);
    await read('/api/v1/flags/{flagId}', '/api/v1/flags/not-an-id', key, 404);

    const campaigns = await read<Page<{ id: string; funnel: { invited: number; completed: number } }>>('/api/v1/campaigns', '/api/v1/campaigns', key);
    expect(campaigns.data.find((row) => row.id === kept.campaign.id)?.funnel).toMatchObject({ invited: 1, completed: 1 });

    const review = await read<{ tiers: string[]; periods: Array<{ period: string; overall: { missUs: { score: number | null; n: number } } }> }>(
      '/api/v1/reports/tier-review',
      '/api/v1/reports/tier-review?from=2026-Q3&to=2026-Q3',
      key,
    );
    expect(review.tiers).toEqual(['A', 'B', 'C']);
    const quarter = review.periods.find((period) => period.period === '2026-Q3');
    // Two answers: the n is given, the score withheld below 10.
    expect(quarter?.overall.missUs).toMatchObject({ score: null, n: 2 });
    await read('/api/v1/reports/tier-review', '/api/v1/reports/tier-review?from=last-year', key, 422);
  });
});
