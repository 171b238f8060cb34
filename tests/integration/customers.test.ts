import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { tokenHash } from '../../app/auth/tokens.server';
import type { CustomerSort, SortDirection } from '../../app/customers/customer-links';
import { countCustomers, listCustomers, type CustomerListOptions } from '../../app/customers/customers.server';
import {
  auditLog,
  campaigns,
  customers,
  flagEvents,
  flags,
  invitations,
  responses,
  suppressions,
  surveyVersions,
  tierAssignments,
  workspaceTiers,
} from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { customerCount, generatedCsv, importCsv, marketingClient, tiersIn } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createSurveyedCustomer, createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

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

async function owner(name: string): Promise<Awaited<ReturnType<typeof createWorkspaceWithOwner>> & { client: TestClient }> {
  const created = await createWorkspaceWithOwner(database.db, name);
  const client = app.client();
  expect((await client.login(created.email, PASSWORD)).status).toBe(302);
  return { ...created, client };
}

const html = async (client: TestClient, path: string) => {
  const response = await client.get(path, { 'Accept-Language': 'en' });
  expect(response.status, path).toBe(200);
  return response.text();
};

describe('the customer list', () => {
  it('pages through every customer once, by name, those without a name last', async () => {
    const { db } = database;
    const { workspaceId } = await owner('Paging GmbH');
    await importCsv(db, workspaceId, generatedCsv(120));
    await importCsv(db, workspaceId, 'id,email,tier\nNN-1,nn1@example.com,A\nNN-2,nn2@example.com,A\n', { period: '2026-Q3' });
    const seen: Array<string | null> = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await listCustomers(db, workspaceId, { limit: 50, after, period: '2026-Q4' });
      seen.push(...result.rows.map((row) => row.name));
      if (!result.next) break;
      after = result.next;
    }
    expect(seen).toHaveLength(122);
    expect(new Set(seen.slice(0, 120)).size).toBe(120);
    expect(seen.slice(0, 120)).toEqual([...seen.slice(0, 120)].sort());
    expect(seen.slice(120)).toEqual([null, null]);
  });

  it('searches name, email, company and customer number, filters by tier and period, and links to the next page', async () => {
    const { db } = database;
    const { client, workspaceId } = await owner('Search GmbH');
    await importCsv(db, workspaceId, 'id,email,name,company,tier\nS-1,anna@alpha.example,Anna,Alpha 50% AG,A\nS-2,ben@beta.example,Ben,Beta AG,B\nS-3,cem@gamma.example,Cem,Gamma,B\n');
    await importCsv(db, workspaceId, generatedCsv(60, { tier: () => 'C' }));
    for (const [q, expected] of [
      ['anna', 'Anna'],
      ['BETA.example', 'Ben'],
      ['50%', 'Anna'],
      ['S-3', 'Cem'],
    ] as const) {
      const page = await html(client, `/app/customers?q=${encodeURIComponent(q)}`);
      expect(page, q).toContain(`>${expected}</a>`);
      expect(page.match(/<tr><th scope="row">/g), q).toHaveLength(1);
      // The count says how many the search found, not how many there are.
      expect(page, q).toContain('role="status">1 customer</p>');
    }
    expect(await html(client, '/app/customers?period=2026-Q4&tier=B&q=beta')).toContain('role="status">1 customer in tier B in 2026-Q4</p>');
    const tierB = await html(client, '/app/customers?period=2026-Q4&tier=B');
    expect(tierB).toContain('2 customers in tier B in 2026-Q4');
    expect(tierB).toContain('>Ben</a>');
    expect(tierB).not.toContain('>Anna</a>');
    const first = await html(client, '/app/customers');
    expect(first).toContain('63 customers');
    const next = /href="([^"]*after=[^"]+)"/.exec(/<a [^>]*rel="next"[^>]*>/.exec(first)?.[0] ?? '')?.[1];
    expect(next).toBeDefined();
    const second = await html(client, next!.replaceAll('&amp;', '&'));
    expect(second).toContain('First page');
    expect(second.match(/<tr><th scope="row">/g)).toHaveLength(13);
  });

  it('shows an empty state with the way to import', async () => {
    const { client } = await owner('Empty Customers GmbH');
    const page = await html(client, '/app/customers');
    expect(page).toContain('No customers yet. Import a CSV file from your CRM to start.');
    expect(page).toContain('href="/app/customers/import"');
  });
});

/**
 * 55 customers in 2026-Q4 (tiers A, B, C in turn; every 11th without a name;
 * every 4th looked after by the owner) and 3 with a tier only in 2026-Q3;
 * every second one answered in 2026-Q4, its latest answer cycling through
 * very, somewhat, not, does not apply and a skipped question.
 */
async function sortableWorkspace(name: string) {
  const { db } = database;
  const created = await owner(name);
  const lines = ['external_id,email,name,tier,account_owner'];
  for (let i = 1; i <= 55; i++) {
    lines.push(`K-${String(i).padStart(2, '0')},k${i}@example.com,${i % 11 === 0 ? '' : `Kunde ${String(i).padStart(2, '0')}`},${'ABC'[i % 3]},${i % 4 === 0 ? created.email : ''}`);
  }
  await importCsv(db, created.workspaceId, `${lines.join('\n')}\n`);
  await importCsv(db, created.workspaceId, 'id,email,name,tier\nQ3-1,q31@example.com,Quartal Drei,A\nQ3-2,q32@example.com,,B\nQ3-3,q33@example.com,Anfang,C\n', { period: '2026-Q3' });
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.workspaceId, created.workspaceId)).limit(1);
  const campaignIn = async (label: string) => {
    const [row] = await db.insert(campaigns).values({ workspaceId: created.workspaceId, surveyVersionId: version!.id, name: label, period: '2026-Q4', status: 'open' }).returning();
    return row!;
  };
  const [earlier, later] = [await campaignIn('Earlier'), await campaignIn('Later')];
  const all = await db.select().from(customers).where(eq(customers.workspaceId, created.workspaceId));
  const answers = ['very', 'somewhat', 'not', 'na', null] as const;
  const answer = async (campaignId: string, customerId: string, missUs: (typeof answers)[number], completedAt: Date) => {
    const [invitation] = await db.insert(invitations).values({ workspaceId: created.workspaceId, campaignId, customerId, tokenHash: tokenHash(randomUUID()) }).returning();
    await db.insert(responses).values({ workspaceId: created.workspaceId, campaignId, invitationId: invitation!.id, customerId, period: '2026-Q4', locale: 'en', status: 'completed', completedAt, missUs });
  };
  for (const customer of all) {
    const i = Number(customer.externalId.slice(2));
    if (!customer.externalId.startsWith('K-') || i % 2 !== 0) continue;
    // An earlier answer that the latest one replaces.
    if (i % 10 === 2) await answer(earlier.id, customer.id, 'very', new Date('2026-10-01T10:00:00Z'));
    await answer(later.id, customer.id, answers[i % 5]!, new Date('2026-11-01T10:00:00Z'));
  }
  const tierOf = (i: number) => 1 + (i % 3); // tier position: A = 1
  const expected = all.map((customer) => {
    const i = Number(customer.externalId.slice(2));
    const inQ4 = customer.externalId.startsWith('K-');
    return {
      id: customer.id,
      name: customer.name,
      ownerId: customer.accountOwnerId,
      tier: inQ4 ? tierOf(i) : null,
      answer: inQ4 && i % 2 === 0 ? 1 + (i % 5) : null,
    };
  });
  return { ...created, expected };
}

type Expected = Awaited<ReturnType<typeof sortableWorkspace>>['expected'][number];

/** The order the list promises: the value in the direction, customers without one last; ties by name (unnamed last), then id. */
function sortedIds(rows: Expected[], sort: CustomerSort, dir: SortDirection): string[] {
  const sign = dir === 'asc' ? 1 : -1;
  const byNullsLast = <T,>(a: T | null, b: T | null, compare: (x: T, y: T) => number) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : compare(a, b));
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...rows]
    .sort((a, b) => {
      if (sort === 'name') return byNullsLast(a.name, b.name, (x, y) => sign * text(x, y)) || text(a.id, b.id);
      return byNullsLast(a[sort], b[sort], (x, y) => sign * (x - y)) || byNullsLast(a.name, b.name, text) || text(a.id, b.id);
    })
    .map((row) => row.id);
}

async function pageThrough(workspaceId: string, options: CustomerListOptions): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < 40; page++) {
    const result = await listCustomers(database.db, workspaceId, { ...options, limit: 4, after });
    seen.push(...result.rows.map((row) => row.id));
    if (!result.next) break;
    after = result.next;
  }
  return seen;
}

describe('sorting and filtering the customer list', () => {
  it('pages every order through each customer once: by name, tier and latest answer, both ways, those without a value last', async () => {
    const { workspaceId, expected } = await sortableWorkspace('Sort GmbH');
    for (const sort of ['name', 'tier', 'answer'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        expect(await pageThrough(workspaceId, { period: '2026-Q4', sort, dir }), `${sort} ${dir}`).toEqual(sortedIds(expected, sort, dir));
      }
    }
    // A cursor of another order starts that order over instead of skipping customers.
    const byTier = await listCustomers(database.db, workspaceId, { period: '2026-Q4', sort: 'tier', limit: 4 });
    const byName = await listCustomers(database.db, workspaceId, { period: '2026-Q4', sort: 'name', limit: 4, after: byTier.next! });
    expect(byName.rows.map((row) => row.id)).toEqual(sortedIds(expected, 'name', 'asc').slice(0, 4));
  });

  it('filters by account owner, tier, flag and latest answer, sorted, with a count that equals what the pages hold', async () => {
    const { workspaceId, userId, expected } = await sortableWorkspace('Filter Sort GmbH');
    const cases: Array<[CustomerListOptions, Expected[]]> = [
      [{ owner: userId }, expected.filter((row) => row.ownerId === userId)],
      [{ owner: 'none' }, expected.filter((row) => row.ownerId === null)],
      [{ owner: userId, tier: 'B' }, expected.filter((row) => row.ownerId === userId && row.tier === 2)],
      [{ owner: 'none', answer: 'scored' }, expected.filter((row) => row.ownerId === null && row.answer !== null && row.answer <= 3)],
      [{ answer: 'none', tier: 'C' }, expected.filter((row) => row.answer === null && row.tier === 3)],
      [{ flag: 'open', owner: userId }, []],
    ];
    for (const [filter, rows] of cases) {
      const options = { period: '2026-Q4', ...filter };
      expect(rows.length > 0 || filter.flag, JSON.stringify(filter)).toBeTruthy();
      expect(await countCustomers(database.db, workspaceId, options), JSON.stringify(filter)).toBe(rows.length);
      expect(await pageThrough(workspaceId, { ...options, sort: 'answer', dir: 'desc' }), JSON.stringify(filter)).toEqual(sortedIds(rows, 'answer', 'desc'));
    }
  });

  it('sorts and filters through the query string: headers turn the order round, the form and the next page keep it', async () => {
    const { client, userId, expected } = await sortableWorkspace('Sort Page GmbH');
    const first = await html(client, '/app/customers?period=2026-Q4&sort=tier&dir=desc');
    expect(first).toContain('role="status">58 customers</p>');
    expect(first).toMatch(/<th scope="col" aria-sort="descending"><a [^>]*href="\/app\/customers\?period=2026-Q4&amp;sort=tier&amp;dir=asc">Tier 2026-Q4/);
    expect(first).toMatch(/<th scope="col"><a [^>]*href="\/app\/customers\?period=2026-Q4&amp;sort=answer&amp;dir=asc">Answer 2026-Q4<\/a><\/th>/);
    expect(first).toContain('<input type="hidden" name="sort" value="tier"/>');
    const names = (page: string) => [...page.matchAll(/<tr><th scope="row"><a [^>]*href="\/app\/customers\/([0-9a-f-]+)"/g)].map((match) => match[1]!);
    const next = /href="([^"]*)"/.exec(/<a [^>]*rel="next"[^>]*>/.exec(first)?.[0] ?? '')?.[1]?.replaceAll('&amp;', '&');
    expect(next).toMatch(/sort=tier&dir=desc&after=/);
    const second = await html(client, next!);
    expect([...names(first), ...names(second)]).toEqual(sortedIds(expected, 'tier', 'desc'));

    const mine = await html(client, `/app/customers?period=2026-Q4&owner=${userId}`);
    const own = expected.filter((row) => row.ownerId === userId);
    expect(mine).toContain(`role="status">${own.length} customers</p>`);
    expect(names(mine).sort()).toEqual(own.map((row) => row.id).sort());
    expect(mine).toContain(`<option value="${userId}" selected="">Owner of Sort Page GmbH</option>`);
    expect(mine).toContain('<td>Owner of Sort Page GmbH</td>');
    // An owner id that is no member of the workspace filters nothing.
    expect(await html(client, `/app/customers?period=2026-Q4&owner=${randomUUID()}`)).toContain('role="status">58 customers</p>');
  });
});

describe('the customer page', () => {
  it('shows tier history, invitations, responses and flags', async () => {
    const { db } = database;
    const { client, workspaceId, userId } = await owner('Detail GmbH');
    const surveyed = await createSurveyedCustomer(db, workspaceId, 'Detailed Customer');
    const [flag] = await db
      .insert(flags)
      .values({ workspaceId, customerId: surveyed.customer.id, campaignId: surveyed.campaign.id, kind: 'at_risk', severity: 'high', reasons: ['top_tier_not_disappointed'] })
      .returning();
    await db.insert(flagEvents).values({ workspaceId, flagId: flag!.id, actorUserId: userId, action: 'noted', note: 'Called Ms. Example, she was upset.' });
    const page = await html(client, `/app/customers/${surveyed.customer.id}`);
    expect(page).toContain('Detailed Customer');
    expect(page).toContain('2026-Q3');
    expect(page).toContain('Detailed Customer campaign');
    expect(page).toContain('Very disappointed');
    expect(page).toContain('Would not miss us');
    expect(page).toContain('Download all data (JSON)');
  });
});

describe('tiers', () => {
  it('lets owners rename, add and remove unused tiers, and change the ABC thresholds', async () => {
    const { db } = database;
    const { client, workspaceId } = await owner('Tier Settings GmbH');
    expect(await html(client, '/app/settings/tiers')).toContain('value="A"');
    const swap = await client.post('/app/settings/tiers', { intent: 'save', 'labels[0]': 'Gold', 'labels[1]': 'A', 'labels[2]': 'Bronze', thresholdA: '70', thresholdB: '90' });
    expect(swap.status).toBe(302);
    const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspaceId)).orderBy(workspaceTiers.position);
    expect(tiers.map((tier) => tier.label)).toEqual(['Gold', 'A', 'Bronze']);
    expect(await html(client, '/app/customers/tiers')).toContain('in A while the revenue ranked above them is below 70 % of the total, in B below 90 %');

    expect((await client.post('/app/settings/tiers', { intent: 'add', label: 'Dormant' })).status).toBe(302);
    expect((await client.post('/app/settings/tiers', { intent: 'add', label: 'Lost' })).status).toBe(302);
    const sixth = await client.post('/app/settings/tiers', { intent: 'add', label: 'Too many' }, { 'Accept-Language': 'en' });
    expect(sixth.status).toBe(400);
    expect(await sixth.text()).toContain('A workspace has at most 5 tiers.');
    expect((await client.post('/app/settings/tiers', { intent: 'remove' })).status).toBe(302);
    expect((await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspaceId))).map((tier) => tier.label).sort()).toEqual(['A', 'Bronze', 'Dormant', 'Gold']);
  });

  it('refuses to remove a tier in use, duplicate names and thresholds out of order', async () => {
    const { db } = database;
    const { client, workspaceId } = await owner('Tier Rules GmbH');
    await importCsv(db, workspaceId, 'id,email,tier\nT-1,t1@example.com,C\n');
    const page = await html(client, '/app/settings/tiers');
    expect(page).toContain('Tier C is in use');
    const remove = await client.post('/app/settings/tiers', { intent: 'remove' }, { 'Accept-Language': 'en' });
    expect(remove.status).toBe(400);
    expect(await remove.text()).toContain('This tier is in use, so it cannot be removed.');
    const duplicate = await client.post('/app/settings/tiers', { intent: 'save', 'labels[0]': 'A', 'labels[1]': 'a', 'labels[2]': 'C', thresholdA: '80', thresholdB: '95' }, { 'Accept-Language': 'en' });
    expect(duplicate.status).toBe(400);
    expect(await duplicate.text()).toContain('Each tier needs its own name.');
    const order = await client.post('/app/settings/tiers', { intent: 'save', 'labels[0]': 'A', 'labels[1]': 'B', 'labels[2]': 'C', thresholdA: '95', thresholdB: '80' }, { 'Accept-Language': 'en' });
    expect(order.status).toBe(400);
    expect(await order.text()).toContain('The B share must be larger than the A share.');
    expect(await tiersIn(db, workspaceId, '2026-Q4')).toEqual({ 'T-1': 'C' });
  });

  it('keeps marketing out of tier, API key and suppression settings', async () => {
    const { workspaceId } = await owner('Tier Roles GmbH');
    const marketing = await marketingClient(database.db, app.client(), workspaceId);
    for (const path of ['/app/settings/tiers', '/app/settings/api-keys', '/app/settings/suppressions']) {
      expect((await marketing.get(path)).status, path).toBe(403);
    }
    expect((await marketing.post('/app/settings/tiers', { intent: 'add', label: 'D' })).status).toBe(403);
    expect((await marketing.post('/app/settings/api-keys', { intent: 'create', name: 'Sneaky' })).status).toBe(403);
    expect((await marketing.get('/app/customers/tiers')).status).toBe(200);
  });

  it('shows customers per quarter and the migration table', async () => {
    const { db } = database;
    const { client, workspaceId } = await owner('Migration GmbH');
    await importCsv(db, workspaceId, 'id,email,tier\nM-1,m1@example.com,A\nM-2,m2@example.com,B\nM-3,m3@example.com,C\n', { period: '2026-Q3' });
    await importCsv(db, workspaceId, 'id,email,tier\nM-1,m1@example.com,B\nM-2,m2@example.com,B\nM-4,m4@example.com,A\n', { period: '2026-Q4' });
    const page = await html(client, '/app/customers/tiers');
    expect(page).toContain('Customers per quarter and tier');
    expect(page).toContain('Customers by tier in 2026-Q3 (rows) and 2026-Q4 (columns)');
    expect(page).toContain('New in 2026-Q4');
    expect(page).toContain('Not in 2026-Q4');
  });
});

describe('privacy', () => {
  it('exports everything about a customer as JSON and records who did it', async () => {
    const { db } = database;
    const { client, workspaceId, userId } = await owner('Export GmbH');
    const surveyed = await createSurveyedCustomer(db, workspaceId, 'Exported Customer');
    await db.update(responses).set({ improve: 'Call back faster' }).where(eq(responses.customerId, surveyed.customer.id));
    const response = await client.get(`/app/customers/${surveyed.customer.id}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Disposition')).toContain('attachment');
    const data = (await response.json()) as Record<string, unknown> & { customer: { name: string }; tiers: unknown[]; invitations: unknown[]; responses: Array<{ improve: string; missUs: string }> };
    expect(data.customer.name).toBe('Exported Customer');
    expect(data.tiers).toHaveLength(1);
    expect(data.invitations).toHaveLength(1);
    expect(data.responses[0]).toMatchObject({ missUs: 'very', improve: 'Call back faster' });
    expect(JSON.stringify(data)).not.toContain(surveyed.invitation.tokenHash);
    const [audit] = await db.select().from(auditLog).where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, 'customer.exported')));
    expect(audit).toMatchObject({ actorUserId: userId, subjectId: surveyed.customer.id });
  });

  it('erases a customer after confirmation, keeping anonymous answers in the aggregates', async () => {
    const { db } = database;
    const { client, workspaceId, userId } = await owner('Erase GmbH');
    const surveyed = await createSurveyedCustomer(db, workspaceId, 'Erased Customer');
    const id = surveyed.customer.id;
    await db.update(responses).set({ improve: 'Herr Schmidt was rude' }).where(eq(responses.customerId, id));
    await db.insert(flags).values({ workspaceId, customerId: id, campaignId: surveyed.campaign.id, kind: 'second_class', severity: 'medium', reasons: ['lexicon'] });

    const confirmPage = await html(client, `/app/customers/${id}/erase`);
    expect(confirmPage).toContain('This cannot be undone.');
    const wrong = await client.post(`/app/customers/${id}/erase`, { confirm: 'nope' }, { 'Accept-Language': 'en' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('That is not the customer number of this customer.');
    expect((await db.select().from(customers).where(eq(customers.id, id)))[0]?.erasedAt).toBeNull();

    const erased = await client.post(`/app/customers/${id}/erase`, { confirm: surveyed.customer.externalId, suppress: 'on' });
    expect(erased.status).toBe(302);
    const [row] = await db.select().from(customers).where(eq(customers.id, id));
    expect(row).toMatchObject({ email: null, name: null, company: null, externalId: `erased-${id}` });
    expect(row?.erasedAt).toBeInstanceOf(Date);
    const [answer] = await db.select().from(responses).where(eq(responses.customerId, id));
    expect(answer).toMatchObject({ missUs: 'very', status: 'completed', improve: null });
    expect(await db.select().from(tierAssignments).where(eq(tierAssignments.customerId, id))).toHaveLength(1);
    expect(await db.select().from(flags).where(eq(flags.customerId, id))).toEqual([]);
    const [invitation] = await db.select().from(invitations).where(eq(invitations.customerId, id));
    expect(invitation?.tokenHash).not.toBe(surveyed.invitation.tokenHash);
    expect(await db.select({ email: suppressions.email, reason: suppressions.reason }).from(suppressions).where(eq(suppressions.workspaceId, workspaceId))).toEqual([
      { email: surveyed.customer.email, reason: 'manual' },
    ]);
    const [audit] = await db.select().from(auditLog).where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, 'customer.erased')));
    expect(audit).toMatchObject({ actorUserId: userId, subjectId: id, details: { addressSuppressed: true } });
    expect(JSON.stringify(audit)).not.toContain('Erased Customer');

    expect(await html(client, '/app/customers')).not.toContain('Erased Customer');
    const page = await html(client, `/app/customers/${id}`);
    expect(page).toContain('Erased customer');
    expect(page).not.toContain(surveyed.customer.email!);
    expect((await client.get(`/app/customers/${id}/erase`)).status).toBe(404);
  });

  it('leaves erasing and the export (it holds internal data) to owners', async () => {
    const { workspaceId, client } = await owner('Erase Roles GmbH');
    const surveyed = await createSurveyedCustomer(database.db, workspaceId, 'Protected Customer');
    const marketing = await marketingClient(database.db, app.client(), workspaceId);
    expect((await marketing.get(`/app/customers/${surveyed.customer.id}/erase`)).status).toBe(403);
    expect((await marketing.post(`/app/customers/${surveyed.customer.id}/erase`, { confirm: surveyed.customer.externalId })).status).toBe(403);
    expect((await marketing.get(`/app/customers/${surveyed.customer.id}/export`)).status).toBe(403);
    const marketingPage = await (await marketing.get(`/app/customers/${surveyed.customer.id}`, { 'Accept-Language': 'en' })).text();
    expect(marketingPage).not.toContain(`/app/customers/${surveyed.customer.id}/export`);
    expect(marketingPage).toContain('Only owners can download or erase a customer’s data.');
    const ownerPage = await (await client.get(`/app/customers/${surveyed.customer.id}`, { 'Accept-Language': 'en' })).text();
    expect(ownerPage).toContain('The download also contains internal data: tiers, revenue, margin, flags and notes.');
    expect((await client.get(`/app/customers/${surveyed.customer.id}/export`)).status).toBe(200);
    expect(await customerCount(database.db, workspaceId)).toBe(1);
  });

  it('answers 404 for another workspace’s customer', async () => {
    const alpha = await owner('Alpha Privacy');
    const beta = await owner('Beta Privacy');
    const foreign = await createSurveyedCustomer(database.db, beta.workspaceId, 'Foreign Customer');
    for (const path of [`/app/customers/${foreign.customer.id}/export`, `/app/customers/${foreign.customer.id}/erase`]) {
      expect((await alpha.client.get(path)).status, path).toBe(404);
    }
    expect((await alpha.client.post(`/app/customers/${foreign.customer.id}/erase`, { confirm: foreign.customer.externalId })).status).toBe(404);
    expect((await database.db.select().from(customers).where(eq(customers.id, foreign.customer.id)))[0]?.erasedAt).toBeNull();
  });
});

describe('suppressions', () => {
  it('shows owners the suppressed addresses with the reason', async () => {
    const { db } = database;
    const { client, workspaceId } = await owner('Suppressed GmbH');
    expect(await html(client, '/app/settings/suppressions')).toContain('No suppressed addresses.');
    await db.insert(suppressions).values([
      { workspaceId, email: 'gone@example.com', reason: 'unsubscribed' },
      { workspaceId, email: 'bounce@example.com', reason: 'bounced' },
    ]);
    const page = await html(client, '/app/settings/suppressions');
    expect(page).toContain('gone@example.com');
    expect(page).toContain('Unsubscribed');
    expect(page).toContain('Bounced');
    expect(page).toContain('>2 addresses</p>');
    const searched = await html(client, '/app/settings/suppressions?q=gone');
    expect(searched).not.toContain('bounce@example.com');
    // The count says how many the search found.
    expect(searched).toContain('>1 address</p>');
    expect(await html(client, '/app/settings/suppressions?q=nobody')).toContain('>0 addresses</p>');
  });
});

describe('customer CSV', () => {
  it('downloads for German Excel by default and in the international format on request, both read back by the import, formulas defused', async () => {
    const { db } = database;
    const { client, workspaceId } = await owner('Export GmbH');
    await importCsv(db, workspaceId, 'id,email,name,company,locale,tier,revenue,margin\nX-1,anna@export.example,=HYPERLINK("http://evil"),"Müller; Söhne",de,A,48250.5,-120\nX-2,ben@export.example,Ben,"Beta, Inc.",en,B,1000,\n');
    const excel = await (await client.get('/app/customers/export?period=2026-Q4', { 'Accept-Language': 'en' })).text();
    // The owner's language is the workspace's (German here): headers and languages in words the import knows.
    const [header, ...rows] = excel.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header).toMatch(/^(Kundennummer;E-Mail;Name;Firma;Sprache;Stufe;Umsatz;Deckungsbeitrag|Customer number;Email;Name;Company;Language;Tier;Revenue;Margin)$/);
    expect(rows.sort()).toEqual([
      expect.stringMatching(/^X-1;anna@export\.example;"'=HYPERLINK\(""http:\/\/evil""\)";"Müller; Söhne";(Deutsch|German);A;48250,5;-120$/),
      expect.stringMatching(/^X-2;ben@export\.example;Ben;Beta, Inc\.;(Englisch|English);B;1000;$/),
    ]);
    const international = await (await client.get('/app/customers/export?period=2026-Q4&format=international')).text();
    expect(international).toContain('X-1,anna@export.example,"\'=HYPERLINK(""http://evil"")",Müller; Söhne,');
    expect(international).toContain(',A,48250.5,-120\r\n');
    // Both read back as they were.
    for (const file of [excel, international]) {
      const report = await importCsv(db, workspaceId, file, { period: '2027-Q1' });
      expect(report).toMatchObject({ imported: true, rows: 2, updated: 2 });
    }
    expect(await tiersIn(db, workspaceId, '2027-Q1')).toEqual({ 'X-1': 'A', 'X-2': 'B' });
  });
});
