import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPeriodTables } from '../../app/reports/period-tables.server';
import { periodSnapshots } from '../../app/reports/rollups.server';
import { migrationBetweenTiers, tierMigration } from '../../app/reports/tier-migration.server';
import { forgetComputedReviews, parseReviewRange, tierReview } from '../../app/reports/tier-review.server';
import { invitations, responses, tierAssignments, workspaces, workspaceTiers } from '../../db/schema';
import { DEMO, ensureDemoWorkspace } from '../../db/seed/demo.server';
import { DEMO_PERIODS, VISIBLE_PERIOD } from '../../db/seed/demo-generate';
import { formatNumber, formatPercent } from '../../app/ui/format';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureDemoWorkspace(database.db);
  const [workspace] = await database.db.select().from(workspaces).where(eq(workspaces.slug, DEMO.slug));
  workspaceId = workspace!.id;
}, 120_000);
afterAll(() => database.dispose());

describe('quarterly tier review', () => {
  it('covers every demo quarter with metrics, response rates and changes', async () => {
    const review = await tierReview(database.db, workspaceId);
    expect(review.tiers).toEqual(['A', 'B', 'C']);
    expect(review.periods.map((p) => p.period)).toEqual([...DEMO_PERIODS]);
    const first = review.periods[0]!;
    expect(first.previousPeriod).toBeNull();
    expect(first.overall.changes).toBeNull();
    for (const period of review.periods) {
      const rate = period.overall.responseRate;
      expect(rate.delivered, period.period).toBe(600);
      expect(rate.rate!, period.period).toBeGreaterThanOrEqual(0.35);
      expect(rate.rate!, period.period).toBeLessThanOrEqual(0.55);
      expect(period.byTier.map((scope) => scope.tier)).toEqual(['A', 'B', 'C']);
    }
    const visible = review.periods.find((p) => p.period === VISIBLE_PERIOD)!;
    const b = visible.byTier.find((scope) => scope.tier === 'B')!;
    expect(b.changes?.missUs.delta).toBeLessThan(0);
    // B's fall of 19 points on about 75 answers each is announced by the
    // quarter's signals (eroding), but does not carry a ▲▼ mark once the
    // table's 24 tests of the quarter are read as one family.
    expect(visible.signals.eroding.find((check) => check.scope === 'B')?.eroding).toBe(true);
    expect(b.changes?.missUs.significant).toBe(false);
    const c = visible.byTier.find((scope) => scope.tier === 'C')!;
    expect(c.changes?.pti.delta).toBeLessThan(-0.5);
    expect(c.changes?.pti.significant).toBe(true);
    expect(visible.signals.pti.segmentationVisible).toBe(true);
    const distribution = visible.missUsDistribution.find((row) => row.tier === 'A')!;
    expect(distribution.very + distribution.somewhat + distribution.not + distribution.na).toBe(
      visible.byTier[0]!.metrics.missUs.n + distribution.na,
    );
  });

  it('honours a chosen range', async () => {
    const review = await tierReview(database.db, workspaceId, { from: '2026-Q1', to: '2026-Q3' });
    expect(review.periods.map((p) => p.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3']);
    expect(review.periods[0]!.previousPeriod).toBe('2025-Q4');
    expect(review.periods[0]!.overall.changes).not.toBeNull();
    expect(review.availablePeriods).toEqual([...DEMO_PERIODS]);
  });

  it('reads a range chosen backwards forwards, on the page with its period pickers', async () => {
    expect(parseReviewRange(new URLSearchParams({ from: '2026-Q3', to: '2025-Q4' }))).toEqual({ from: '2025-Q4', to: '2026-Q3' });
    const app = await startTestApp(database);
    try {
      const client = app.client();
      expect((await client.login(DEMO.members[0]!.email, DEMO.password)).status).toBe(302);
      const html = await (await client.get('/app/results?from=2026-Q3&to=2025-Q4')).text();
      expect(html).toContain('<select name="from">');
      expect(html).toMatch(/<select name="from">(?:(?!<\/select>).)*<option selected="">2025-Q4<\/option>/);
      expect(html).toMatch(/<select name="to">(?:(?!<\/select>).)*<option selected="">2026-Q3<\/option>/);
    } finally {
      await app.close();
    }
  });

  it('shows tier migrations between two quarters', async () => {
    const migration = migrationBetweenTiers(await tierMigration(database.db, workspaceId, '2026-Q3', '2026-Q4'));
    expect(migration.reduce((sum, row) => sum + row.count, 0)).toBe(600);
    expect(migration.some((row) => row.from !== row.to && row.count > 0)).toBe(true);
    // The review carries the table between its last two quarters.
    const review = await tierReview(database.db, workspaceId, { from: '2026-Q1', to: '2026-Q4' });
    expect(review.migration).toEqual({ from: '2026-Q3', to: '2026-Q4', rows: migration });
  });
});

describe('rollups stay correct when data changes', () => {
  const fresh = async (period: string) => loadPeriodTables(database.db, workspaceId, period);
  const cached = async (period: string) => (await periodSnapshots(database.db, workspaceId, [period])).get(period)!;

  it('follows changed answers, new answers, tier changes and renames', async () => {
    const { db } = database;
    const period = '2026-Q3';
    const warm = await cached(period);
    expect(warm.tables).toEqual(await fresh(period));

    // A customer changes an answer.
    const [one] = await db
      .select()
      .from(responses)
      .where(and(eq(responses.workspaceId, workspaceId), eq(responses.period, period), eq(responses.missUs, 'very')))
      .limit(1);
    await db.update(responses).set({ missUs: 'not' }).where(eq(responses.id, one!.id));
    expect((await cached(period)).tables).toEqual(await fresh(period));

    // A started response is completed.
    const [started] = await db
      .select()
      .from(responses)
      .where(and(eq(responses.workspaceId, workspaceId), eq(responses.period, period), eq(responses.status, 'started')))
      .limit(1);
    await db
      .update(responses)
      .set({ status: 'completed', completedAt: new Date(), missUs: 'very', treatEqual: 5, treatValued: 5, treatPromise: 5 })
      .where(eq(responses.id, started!.id));
    expect((await cached(period)).tables).toEqual(await fresh(period));

    // A tier correction for the period.
    const [c] = await db.select().from(workspaceTiers).where(and(eq(workspaceTiers.workspaceId, workspaceId), eq(workspaceTiers.label, 'C')));
    await db.update(tierAssignments).set({ tierId: c!.id }).where(and(eq(tierAssignments.customerId, one!.customerId), eq(tierAssignments.period, period)));
    expect((await cached(period)).tables).toEqual(await fresh(period));

    // A rename of a tier.
    await db.update(workspaceTiers).set({ label: 'Premium' }).where(and(eq(workspaceTiers.workspaceId, workspaceId), eq(workspaceTiers.label, 'A')));
    const renamed = await cached(period);
    expect(renamed.tables).toEqual(await fresh(period));
    expect(renamed.tables.responses.some((row) => row.tier === 'Premium')).toBe(true);
    await db.update(workspaceTiers).set({ label: 'A' }).where(and(eq(workspaceTiers.workspaceId, workspaceId), eq(workspaceTiers.label, 'Premium')));
  });

  it('follows deliveries for the response rate', async () => {
    const { db } = database;
    const period = '2026-Q2';
    const before = await cached(period);
    const delivered = (snapshot: typeof before) => snapshot.invitations.reduce((sum, row) => sum + row.delivered, 0);
    const [invitation] = await db
      .select({ id: invitations.id })
      .from(invitations)
      .innerJoin(sql`campaigns`, sql`campaigns.id = ${invitations.campaignId}`)
      .where(sql`campaigns.period = ${period} and ${invitations.workspaceId} = ${workspaceId}`)
      .limit(1);
    await db.update(invitations).set({ deliveredAt: null }).where(eq(invitations.id, invitation!.id));
    expect(delivered(await cached(period))).toBe(delivered(before) - 1);
  });
});

describe('the migration table cache', () => {
  it('is reused while tiers stay and recomputed when a tier changes', async () => {
    const { db } = database;
    const first = await tierMigration(db, workspaceId, '2026-Q2', '2026-Q3');
    expect(await tierMigration(db, workspaceId, '2026-Q2', '2026-Q3')).toEqual(first);
    const [move] = await db
      .select()
      .from(tierAssignments)
      .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
      .where(and(eq(tierAssignments.workspaceId, workspaceId), eq(tierAssignments.period, '2026-Q3'), eq(workspaceTiers.label, 'A')))
      .limit(1);
    const [b] = await db.select().from(workspaceTiers).where(and(eq(workspaceTiers.workspaceId, workspaceId), eq(workspaceTiers.label, 'B')));
    await db.update(tierAssignments).set({ tierId: b!.id }).where(eq(tierAssignments.id, move!.tier_assignments.id));
    const after = await tierMigration(db, workspaceId, '2026-Q2', '2026-Q3');
    const intoA = (migration: typeof first) =>
      migrationBetweenTiers(migration)
        .filter((row) => row.to === 'A')
        .reduce((sum, row) => sum + row.count, 0);
    expect(intoA(after)).toBe(intoA(first) - 1);
  });
});

describe('the computed review kept in memory', () => {
  const computedAfresh = async (range: { from?: string; to?: string } = {}) => {
    forgetComputedReviews(database.db);
    return tierReview(database.db, workspaceId, range);
  };

  it('is served again while nothing changed, and follows answers, deliveries and renames', async () => {
    const { db } = database;
    const first = await tierReview(db, workspaceId);
    expect(await tierReview(db, workspaceId)).toBe(first);
    // Another range is another review.
    const range = { from: '2026-Q1', to: '2026-Q3' };
    expect((await tierReview(db, workspaceId, range)).periods.map((p) => p.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3']);

    // An answer changes in the latest period.
    const latest = first.periods[first.periods.length - 1]!.period;
    const [answer] = await db
      .select()
      .from(responses)
      .where(and(eq(responses.workspaceId, workspaceId), eq(responses.period, latest), eq(responses.status, 'completed'), eq(responses.missUs, 'not')))
      .limit(1);
    await db.update(responses).set({ missUs: 'very' }).where(eq(responses.id, answer!.id));
    const changed = await tierReview(db, workspaceId);
    expect(changed).not.toBe(first);
    const latestOf = (review: typeof first) => review.periods[review.periods.length - 1]!.overall.metrics.missUs;
    expect(latestOf(changed).score).toBeGreaterThan(latestOf(first).score!);
    expect(changed).toEqual(await computedAfresh());
    // The range that ends before the change is still served from memory.
    const earlier = await tierReview(db, workspaceId, range);
    expect(await tierReview(db, workspaceId, range)).toBe(earlier);
    // The quarters before the change are not reviewed again, and each quarter reads the same alone as in the range.
    const beforeChange = changed.periods.slice(0, -1);
    expect(beforeChange.length).toBeGreaterThan(0);
    beforeChange.forEach((review, index) => expect(review).toBe(first.periods[index]));
    const alone = await tierReview(db, workspaceId, { from: latest, to: latest });
    const whole = await tierReview(db, workspaceId);
    expect(alone.periods[0]).toBe(whole.periods[whole.periods.length - 1]);
    expect(alone).toEqual(await computedAfresh({ from: latest, to: latest }));

    // A delivery is withdrawn: the response rate follows.
    const [invitation] = await db
      .select({ id: invitations.id })
      .from(invitations)
      .innerJoin(sql`campaigns`, sql`campaigns.id = ${invitations.campaignId}`)
      .where(sql`campaigns.period = ${latest} and ${invitations.workspaceId} = ${workspaceId} and ${invitations.deliveredAt} is not null`)
      .limit(1);
    await db.update(invitations).set({ deliveredAt: null }).where(eq(invitations.id, invitation!.id));
    const undelivered = await tierReview(db, workspaceId);
    const deliveredOf = (review: typeof first) => review.periods[review.periods.length - 1]!.overall.responseRate.delivered;
    expect(deliveredOf(undelivered)).toBe(deliveredOf(changed) - 1);

    // A tier is renamed.
    await db.update(workspaceTiers).set({ label: 'Premium' }).where(and(eq(workspaceTiers.workspaceId, workspaceId), eq(workspaceTiers.label, 'A')));
    try {
      const renamed = await tierReview(db, workspaceId);
      expect(renamed.tiers).toEqual(['Premium', 'B', 'C']);
      expect(renamed.periods[0]!.byTier[0]!.tier).toBe('Premium');
    } finally {
      await db.update(workspaceTiers).set({ label: 'A' }).where(and(eq(workspaceTiers.workspaceId, workspaceId), eq(workspaceTiers.label, 'Premium')));
    }
  });
});

describe('the review page', () => {
  it('downloads the table for German Excel, in words and figures rounded for reading, or in the international format', async () => {
    const app = await startTestApp(database);
    try {
      const client = app.client();
      expect((await client.login(DEMO.members[0]!.email, DEMO.password)).status).toBe(302);
      const review = await tierReview(database.db, workspaceId);
      const visible = review.periods.find((p) => p.period === VISIBLE_PERIOD)!;
      const b = visible.byTier.find((scope) => scope.tier === 'B')!;
      const excel = (await (await client.get('/app/results/review.csv')).text()).replace(/^\uFEFF/, '').split('\r\n');
      const header = excel[0]!.split(';');
      expect(header.slice(0, 4)).toEqual(['Quartal', 'Stufe', 'Antworten', 'Vermissen-Wert']);
      expect(header).toContain('Rücklaufquote: signifikant');
      const row = excel.find((line) => line.startsWith(`${VISIBLE_PERIOD};B;`))!.split(';');
      expect(row[3]).toBe(`${(b.metrics.missUs.score! * 100).toFixed(1).replace('.', ',')} %`);
      expect(row[9]).toBe(String(Number(b.metrics.pti.mean!.toFixed(2))).replace('.', ','));
      expect(excel.some((line) => line.startsWith(`${VISIBLE_PERIOD};Alle;`))).toBe(true);
      expect(excel.join('\n')).not.toMatch(/;(yes|no|all);/);

      const international = (await (await client.get('/app/results/review.csv?format=international')).text()).split('\r\n');
      const intlRow = international.find((line) => line.startsWith(`${VISIBLE_PERIOD},B,`))!.split(',');
      expect(intlRow[3]).toBe(`${(b.metrics.missUs.score! * 100).toFixed(1)}%`);
      // Still the member's words; only separators, decimals and dates change.
      expect(international[0]!.split(',')[3]).toBe('Vermissen-Wert');
    } finally {
      await app.close();
    }
  });

  it('shows each figure with its n, the significant changes spelled out and the intervals', async () => {
    const app = await startTestApp(database);
    try {
      const client = app.client();
      expect((await client.login(DEMO.members[0]!.email, DEMO.password)).status).toBe(302);
      const response = await client.get('/app/results');
      expect(response.status).toBe(200);
      // React separates adjacent text with empty comments.
      const html = (await response.text()).replaceAll('<!-- -->', '');
      const review = await tierReview(database.db, workspaceId);
      const visible = review.periods.find((p) => p.period === VISIBLE_PERIOD)!;
      const b = visible.byTier.find((scope) => scope.tier === 'B')!;
      const c = visible.byTier.find((scope) => scope.tier === 'C')!;
      const ptiDelta = formatNumber(c.changes!.pti.delta!, 'de', 2);
      expect(html).toContain(`signifikant niedriger als im Vorquartal, Veränderung zum Vorquartal: ${ptiDelta})`);
      const m = b.metrics.missUs;
      // The score links to the customers behind it, with its interval as the link's title.
      expect(html).toContain(`title="95-%-Intervall ${formatPercent(m.low!, 'de')}–${formatPercent(m.high!, 'de')}">${formatPercent(m.score!, 'de')}</a>`);
      expect(html).toContain(`n = ${m.n}</span>`);
      expect(html).toContain(`<th scope="rowgroup" rowspan="4">${VISIBLE_PERIOD}</th><th scope="row">Alle</th>`);
      expect(html).not.toContain('\u0000');
    } finally {
      await app.close();
    }
  });
});
