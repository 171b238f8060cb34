import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeResponses } from '../../app/analysis/analyze-responses';
import type { ResponseRow } from '../../app/analysis/response-row';
import { analyzePeriod, periodsWithResponses } from '../../app/reports/analysis.server';
import { evaluateAllQueuedFlags } from '../../app/flags/evaluate.server';
import { selectRows } from '../../app/reports/period-tables.server';
import { campaigns, flagEvents, flags, workspaces } from '../../db/schema';
import { DEMO, ensureDemoWorkspace } from '../../db/seed/demo.server';
import { DEMO_PERIODS, VISIBLE_PERIOD } from '../../db/seed/demo-generate';
import { createTestDatabase } from '../support/db';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workspaceId: string;
let rows: ResponseRow[];

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureDemoWorkspace(database.db);
  const [workspace] = await database.db.select().from(workspaces).where(eq(workspaces.slug, DEMO.slug));
  workspaceId = workspace!.id;
  // The same responses as plain rows, for the in-memory path of the engine.
  const raw = (await selectRows(
    database.db,
    sql`select r.customer_id as "customerId", wt.label as tier, r.period, r.completed_at as "completedAt", r.miss_us as "missUs",
          r.treat_valued as "treatValued", r.treat_responsive as "treatResponsive", r.treat_equal as "treatEqual",
          r.treat_promise as "treatPromise", r.benefit, r.csat, r.recommend,
          coalesce(r.miss_most, '') as "missMost", coalesce(r.alternative, '') as alternative, coalesce(r.improve, '') as improve
        from responses r
        join tier_assignments ta on ta.customer_id = r.customer_id and ta.period = r.period
        join workspace_tiers wt on wt.id = ta.tier_id
        where r.workspace_id = ${workspaceId} and r.status = 'completed'`,
  )) as Array<Record<string, unknown>>;
  const num = (value: unknown) => (value === null ? null : Number(value));
  rows = raw.map((row) => ({
    ...(row as unknown as ResponseRow),
    completedAt: new Date(row.completedAt as string).getTime(),
    treatValued: num(row.treatValued),
    treatResponsive: num(row.treatResponsive),
    treatEqual: num(row.treatEqual),
    treatPromise: num(row.treatPromise),
    benefit: num(row.benefit),
    csat: num(row.csat),
    recommend: num(row.recommend),
  }));
}, 120_000);
afterAll(() => database.dispose());

describe('analysis of a period from SQL frequency tables', () => {
  it('agrees with the engine run on the same responses held in memory', async () => {
    for (const period of DEMO_PERIODS) {
      const fromSql = await analyzePeriod(database.db, workspaceId, period);
      const inMemory = analyzeResponses(rows, { period, tiers: ['A', 'B', 'C'] });
      expect(fromSql.previousPeriod, period).toBe(inMemory.previousPeriod);
      expect(fromSql.overall, period).toEqual(inMemory.overall);
      expect(fromSql.byTier, period).toEqual(inMemory.byTier);
      expect(fromSql.signals, period).toEqual(inMemory.signals);
    }
  });

  it('lists the periods that have answers', async () => {
    expect(await periodsWithResponses(database.db, workspaceId)).toEqual([...DEMO_PERIODS]);
  });

  it('finds the patterns the demo was built with', async () => {
    const visible = await analyzePeriod(database.db, workspaceId, VISIBLE_PERIOD);
    expect(visible.signals.pti.segmentationVisible).toBe(true);
    const calm = await analyzePeriod(database.db, workspaceId, DEMO_PERIODS[1]!);
    expect(calm.signals.pti.segmentationVisible).toBe(false);
    expect(visible.signals.eroding.filter((check) => check.eroding).map((check) => check.scope)).toContain('B');
    for (const period of DEMO_PERIODS) {
      const report = await analyzePeriod(database.db, workspaceId, period);
      expect(report.signals.missUsTopVsBottom?.difference, period).toBeGreaterThan(0.15);
      expect(report.signals.missUsTopVsBottom?.p, period).toBeLessThan(0.05);
    }
    const first = await analyzePeriod(database.db, workspaceId, DEMO_PERIODS[0]!);
    const last = await analyzePeriod(database.db, workspaceId, DEMO_PERIODS[DEMO_PERIODS.length - 1]!);
    expect(first.byTier.B!.missUs.score! - last.byTier.B!.missUs.score!).toBeGreaterThan(0.12);
  });
});

/** Queues a campaign's completed responses for the flag rules again, as a change of each would. */
async function requeue(db: typeof database.db, campaignId: string) {
  await db.execute(sql`insert into flag_evaluations (response_id)
    select id from responses where campaign_id = ${campaignId} and status = 'completed' on conflict do nothing`);
}

describe('flags of the demo, raised by the live rules', () => {
  it('are exactly the flags the rules give, each raised once, and past ones stay closed', async () => {
    const { db } = database;
    const [campaign] = await db
      .select()
      .from(campaigns)
      .where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.period, VISIBLE_PERIOD)));
    const expected = analyzeResponses(rows, { period: VISIBLE_PERIOD, tiers: ['A', 'B', 'C'] }).flags;
    expect(expected.length).toBeGreaterThan(0);
    const stored = await db.select().from(flags).where(eq(flags.campaignId, campaign!.id));
    const key = (f: { customerId: string; kind: string; severity: string; reasons: string[] }) =>
      `${f.customerId}|${f.kind}|${f.severity}|${f.reasons.join(',')}`;
    expect(stored.map(key).sort()).toEqual(expected.map(key).sort());
    expect(stored.some((flag) => flag.reasons.includes('lexicon'))).toBe(true);

    // Judging every answer again (as if each were changed to the same) raises nothing new.
    await requeue(db, campaign!.id);
    expect(await evaluateAllQueuedFlags(db)).toMatchObject({ raised: 0, withdrawn: 0 });
    const events = await db.select().from(flagEvents).where(eq(flagEvents.workspaceId, workspaceId));
    const raisedEvents = events.filter((event) => event.action === 'raised' && stored.some((flag) => flag.id === event.flagId));
    expect(raisedEvents).toHaveLength(expected.length);
    // Past quarters' flags were worked by marketing; the rules never reopen them.
    const after = await db.select().from(flags).where(eq(flags.campaignId, campaign!.id));
    expect(after.every((flag) => flag.status === 'resolved' || flag.status === 'dismissed')).toBe(true);
  });

  it('raise each flag once on a fresh run and keep dismissed flags dismissed', async () => {
    const { db } = database;
    const current = DEMO_PERIODS[DEMO_PERIODS.length - 1]!;
    const [campaign] = await db.select().from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.period, current)));
    const expected = analyzeResponses(rows, { period: current, tiers: ['A', 'B', 'C'] }).flags;
    await db.delete(flags).where(eq(flags.campaignId, campaign!.id));
    await requeue(db, campaign!.id);
    expect(await evaluateAllQueuedFlags(db)).toMatchObject({ raised: expected.length, withdrawn: 0 });
    const stored = await db.select().from(flags).where(eq(flags.campaignId, campaign!.id));
    expect(stored).toHaveLength(expected.length);
    expect(stored.every((flag) => flag.status === 'open')).toBe(true);
    await db.update(flags).set({ status: 'dismissed' }).where(eq(flags.id, stored[0]!.id));
    await requeue(db, campaign!.id);
    expect((await evaluateAllQueuedFlags(db)).raised).toBe(0);
    const after = await db.select().from(flags).where(eq(flags.campaignId, campaign!.id));
    expect(after).toHaveLength(stored.length);
    expect(after.find((flag) => flag.id === stored[0]!.id)?.status).toBe('dismissed');
  });
});
