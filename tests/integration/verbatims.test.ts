import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../../app/auth/tokens.server';
import { countVerbatims, pageVerbatims } from '../../app/reports/verbatims.server';
import { campaigns, customers, invitations, responses, surveyVersions } from '../../db/schema';
import { startTestApp } from '../support/app';
import { generatedCsv, importCsv } from '../support/customer-fixtures';
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

/**
 * 30 customers (tier A for odd numbers, B for even ones, in both quarters);
 * a campaign in 2026-Q3 where each answered "improve", and one in 2026-Q4
 * where each answered "improve" and every third also "miss most". Answers a
 * second apart, several in the same second to test the order's ties.
 */
async function workspaceWithVerbatims() {
  const { db } = database;
  const created = await createWorkspaceWithOwner(db, `Verbatim ${randomUUID().slice(0, 6)} GmbH`);
  const tierOf = (i: number) => (i % 2 ? 'A' : 'B');
  for (const period of ['2026-Q3', '2026-Q4']) await importCsv(db, created.workspaceId, generatedCsv(30, { tier: tierOf }), { period });
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.workspaceId, created.workspaceId)).limit(1);
  const all = await db.select().from(customers).where(eq(customers.workspaceId, created.workspaceId));
  const made: Array<{ campaign: string; period: string; tier: string; missUs: string; texts: number }> = [];
  const campaignIds: Record<string, string> = {};
  for (const period of ['2026-Q3', '2026-Q4']) {
    const [campaign] = await db
      .insert(campaigns)
      .values({ workspaceId: created.workspaceId, surveyVersionId: version!.id, name: `Campaign ${period}`, period, status: 'open' })
      .returning();
    campaignIds[period] = campaign!.id;
    for (const customer of all) {
      const i = Number(customer.externalId.slice(2));
      const missUs = (['very', 'somewhat', 'not'] as const)[i % 3]!;
      const both = period === '2026-Q4' && i % 3 === 0;
      const [invitation] = await db
        .insert(invitations)
        .values({ workspaceId: created.workspaceId, campaignId: campaign!.id, customerId: customer.id, tokenHash: tokenHash(randomUUID()) })
        .returning();
      await db.insert(responses).values({
        workspaceId: created.workspaceId,
        campaignId: campaign!.id,
        invitationId: invitation!.id,
        customerId: customer.id,
        period,
        locale: 'de',
        status: 'completed',
        completedAt: new Date(Date.parse(`${period === '2026-Q3' ? '2026-08' : '2026-11'}-01T10:00:00Z`) + Math.floor(i / 4) * 1000),
        missUs,
        improve: `Mehr Beratung ${period} ${i}`,
        missMost: both ? `Die Betreuung ${i}` : null,
      });
      made.push({ campaign: campaign!.id, period, tier: tierOf(i), missUs, texts: both ? 2 : 1 });
    }
  }
  return { ...created, campaignIds, made };
}

describe('verbatims', () => {
  it('filter by campaign or all campaigns, quarter, tier and miss-us answer, and page newest first through each answer once', async () => {
    const { workspaceId, campaignIds, made } = await workspaceWithVerbatims();
    const sum = (rows: typeof made) => rows.reduce((n, row) => n + row.texts, 0);
    const cases = [
      { campaign: 'all', filters: {}, expected: sum(made) },
      { campaign: 'all', filters: { period: '2026-Q3' }, expected: sum(made.filter((row) => row.period === '2026-Q3')) },
      { campaign: campaignIds['2026-Q4']!, filters: { tier: 'A' }, expected: sum(made.filter((row) => row.period === '2026-Q4' && row.tier === 'A')) },
      { campaign: 'all', filters: { tier: 'B', missUs: 'not' as const }, expected: sum(made.filter((row) => row.tier === 'B' && row.missUs === 'not')) },
      { campaign: campaignIds['2026-Q4']!, filters: { period: '2026-Q3' }, expected: 0 },
      { campaign: 'all', filters: { q: 'betreuung' }, expected: made.filter((row) => row.texts === 2).length },
    ];
    for (const { campaign, filters, expected } of cases) {
      const label = JSON.stringify({ campaign, filters });
      expect(await countVerbatims(database.db, workspaceId, campaign, filters), label).toBe(expected);
      const seen: Array<{ key: string; at: string }> = [];
      let after: string | undefined;
      for (let page = 0; page < 30; page++) {
        const result = await pageVerbatims(database.db, workspaceId, campaign, filters, { limit: 7, after });
        seen.push(...result.rows.map((row) => ({ key: `${row.responseId}/${row.item}`, at: row.completedAt })));
        if (!result.next) break;
        after = result.next;
      }
      expect(seen, label).toHaveLength(expected);
      expect(new Set(seen.map((row) => row.key)).size, label).toBe(expected);
      expect(seen.map((row) => row.at), label).toEqual(seen.map((row) => row.at).sort().reverse());
    }
  });

  it('offers all campaigns and the quarters on the page, counts what the filters find and links to older answers', async () => {
    const { email } = await workspaceWithVerbatims();
    const client = app.client();
    expect((await client.login(email, PASSWORD)).status).toBe(302);
    const text = async (path: string) => {
      const response = await client.get(path, { 'Accept-Language': 'en' });
      expect(response.status, path).toBe(200);
      return (await response.text()).replaceAll('<!-- -->', '');
    };
    const all = await text('/app/results/verbatims?campaignId=all');
    expect(all).toContain('<option value="all" selected="">All campaigns</option>');
    expect(all).toContain('<option value="2026-Q3">2026-Q3</option>');
    expect(all).toContain('role="status">70 answers</p>');
    expect(all.match(/<blockquote>/g)).toHaveLength(70);
    const quarter = await text('/app/results/verbatims?campaignId=all&period=2026-Q4&tier=A');
    expect(quarter).toContain('role="status">20 answers</p>');
    expect(quarter).not.toContain('2026-Q3 ');
    expect(quarter).not.toContain('rel="next"');
  });
});
