import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../app/auth/accounts.server';
import { quarterFitHeadlines } from '../../app/reports/fit.server';
import { periodTierOverview } from '../../app/reports/overview.server';
import { servicePromisesOf } from '../../app/reports/service-promises.server';
import type { Database } from '../../db/client.server';
import { auditLog, campaigns, customers, responses, tierAssignments, workspaces, workspaceTiers } from '../../db/schema';
import { DEMO, ensureDemoWorkspace } from '../../db/seed/demo.server';
import { DEMO_PERIODS, VISIBLE_PERIOD, generateDemoData } from '../../db/seed/demo-generate';
import { createTestDatabase } from '../support/db';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const result = await ensureDemoWorkspace(database.db);
  expect(result.created).toBe(true);
  const [workspace] = await database.db.select().from(workspaces).where(eq(workspaces.slug, DEMO.slug));
  workspaceId = workspace!.id;
}, 120_000);
afterAll(() => database.dispose());

/** Mean PTI per tier in a period, straight from the responses (the analysis engine has its own tests). */
async function meanPti(db: Database, period: string) {
  const pti = sql<number>`(coalesce(${responses.treatValued}, 0) + coalesce(${responses.treatResponsive}, 0) + coalesce(${responses.treatEqual}, 0) + coalesce(${responses.treatPromise}, 0))::float
    / nullif((${responses.treatValued} is not null)::int + (${responses.treatResponsive} is not null)::int + (${responses.treatEqual} is not null)::int + (${responses.treatPromise} is not null)::int, 0)`;
  const rows = await db
    .select({ tier: workspaceTiers.label, pti: sql<number>`avg(${pti})::float` })
    .from(responses)
    .innerJoin(campaigns, eq(campaigns.id, responses.campaignId))
    .innerJoin(tierAssignments, and(eq(tierAssignments.customerId, responses.customerId), eq(tierAssignments.period, campaigns.period)))
    .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
    .where(and(eq(responses.workspaceId, workspaceId), eq(responses.period, period), eq(responses.status, 'completed')))
    .groupBy(workspaceTiers.label);
  return Object.fromEntries(rows.map((row) => [row.tier, row.pti]));
}

describe('the demo workspace', () => {
  it('has both logins with the demo password', async () => {
    for (const member of DEMO.members) {
      expect(await authenticate(database.db, member.email, DEMO.password), member.email).toMatchObject({ workspaceId });
    }
  });

  it('is created only once and only on an empty database', async () => {
    const again = await ensureDemoWorkspace(database.db);
    expect(again.created).toBe(false);
    expect(again.logins).toHaveLength(2);
    const [{ n } = { n: 0 }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(customers);
    expect(n).toBe(600);
  });

  it('has one campaign per quarter with response rates between 35 and 55 %', async () => {
    const rows = await periodTierOverview(database.db, workspaceId);
    for (const period of DEMO_PERIODS) {
      const inPeriod = rows.filter((row) => row.period === period);
      const invited = inPeriod.reduce((sum, row) => sum + row.invited, 0);
      const completed = inPeriod.reduce((sum, row) => sum + row.completed, 0);
      expect(invited, period).toBe(600);
      expect(completed / invited, period).toBeGreaterThanOrEqual(0.35);
      expect(completed / invited, period).toBeLessThanOrEqual(0.55);
    }
  });

  it('shows A customers missing the company more than C customers in every quarter', async () => {
    const rows = await periodTierOverview(database.db, workspaceId);
    const score = (period: string, tier: string) => {
      const row = rows.find((r) => r.period === period && r.tier === tier)!;
      return row.veryDisappointed / row.missUsAnswers;
    };
    for (const period of DEMO_PERIODS) expect(score(period, 'A'), period).toBeGreaterThan(score(period, 'C') + 0.15);
  });

  it('shows tier B eroding over the last quarters', async () => {
    const rows = await periodTierOverview(database.db, workspaceId);
    const b = rows.filter((r) => r.tier === 'B').sort((x, y) => x.period.localeCompare(y.period));
    const share = (i: number) => b[i]!.veryDisappointed / b[i]!.missUsAnswers;
    expect(share(0) - share(5)).toBeGreaterThan(0.12);
  });

  it(`shows C customers rating their treatment clearly worse in ${VISIBLE_PERIOD} only`, async () => {
    const visible = await meanPti(database.db, VISIBLE_PERIOD);
    expect(visible.A! - visible.C!).toBeGreaterThan(0.8);
    const before = await meanPti(database.db, DEMO_PERIODS[1]);
    expect(before.A! - before.C!).toBeLessThan(0.6);
  });

  it('has a handful of customers who say they feel second-class, in German and English', async () => {
    const rows = await database.db
      .select({ text: sql<string>`concat_ws(' ', ${responses.missMost}, ${responses.alternative}, ${responses.improve})` })
      .from(responses)
      .where(and(eq(responses.workspaceId, workspaceId), sql`concat_ws(' ', ${responses.missMost}, ${responses.alternative}, ${responses.improve}) ~* '(zweiter klasse|abgestellt|nicht wichtig genug|vernachlässigt|abstellgleis|bigger clients|ignored)'`));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.some((row) => /bigger clients|ignored/.test(row.text))).toBe(true);
    expect(rows.some((row) => /zweiter Klasse|vernachlässigt/.test(row.text))).toBe(true);
  });

  it('has a service promise per tier, recorded as the owner does in settings, and revenue at risk in every tier', async () => {
    const current = DEMO_PERIODS[DEMO_PERIODS.length - 1]!;
    const promises = await servicePromisesOf(database.db, workspaceId, current);
    expect(promises.tiers.map((tier) => [tier.tier, tier.promise])).toEqual([
      ['A', 'Rückruf am selben Tag'],
      ['B', 'Antwort innerhalb von 2 Werktagen'],
      ['C', 'Antwort innerhalb einer Woche'],
    ]);
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, 'tiers.promises_updated')));
    expect(audit).toHaveLength(1);
    const fit = await quarterFitHeadlines(database.db, workspaceId, current);
    expect(fit.byTier.map((tier) => tier.tier)).toEqual(['A', 'B', 'C']);
    for (const tier of fit.byTier) expect(tier.atRisk.revenue, tier.tier).toBeGreaterThan(0);
  });

  it('gets its customers and tiers through the import, one customer file a quarter, ranked by revenue', async () => {
    const imports = await database.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, 'customers.imported')));
    expect(imports.map((entry) => (entry.details as { period: string }).period).sort()).toEqual([...DEMO_PERIODS]);
    for (const entry of imports) expect(entry.details).toMatchObject({ origin: 'demo', rows: 600, tiersFrom: 'revenue' });
    // The import's own ABC ranking gives the tiers the demo's patterns were drawn for.
    const data = generateDemoData();
    const stored = await database.db
      .select({ externalId: customers.externalId, period: tierAssignments.period, tier: workspaceTiers.label, revenue: tierAssignments.revenue })
      .from(tierAssignments)
      .innerJoin(customers, eq(customers.id, tierAssignments.customerId))
      .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
      .where(eq(tierAssignments.workspaceId, workspaceId));
    const tierOf = new Map(stored.map((row) => [`${row.externalId}:${row.period}`, row]));
    expect(stored).toHaveLength(data.tiers.length);
    for (const drawn of data.tiers) {
      const row = tierOf.get(`${data.customers[drawn.customerIndex]!.externalId}:${drawn.period}`);
      expect(row, `${drawn.customerIndex} ${drawn.period}`).toMatchObject({ tier: drawn.tier, revenue: drawn.revenue.toFixed(2) });
    }
  });

  it('keeps an open campaign in the current quarter', async () => {
    const open = await database.db.select().from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.status, 'open')));
    expect(open.map((c) => c.period)).toEqual([DEMO_PERIODS[DEMO_PERIODS.length - 1]]);
  });
});
