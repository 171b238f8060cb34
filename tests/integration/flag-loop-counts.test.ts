import { randomUUID } from 'node:crypto';
import { and, eq, or, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagLoopFigures, type LoopFigures, type LoopFlag } from '../../app/analysis/flag-loop';
import { flagDueAt, type ServiceLevel } from '../../app/flags/service-level';
import { setServiceLevel } from '../../app/flags/settings.server';
import { flagLoop } from '../../app/reports/flag-loop.server';
import { campaigns, customers, flagEvents, flags, flagStatuses, invitations, responses, tierAssignments } from '../../db/schema';
import { seededRandom, type Random } from '../../db/seed/random';
import { selectRows } from '../../db/client.server';
import { createTestDatabase } from '../support/db';
import { runSeed } from '../support/security';
import { createSurveyWorkspace, type SurveyWorkspace } from '../support/survey-fixtures';

/**
 * The database counts the flag loop per quarter and tier
 * (app/reports/flag-loop.server.ts). Its figures equal `flagLoopFigures`
 * judged flag by flag (app/analysis/flag-loop.ts), for random flags of two
 * quarters: every status, both severities, raised at any minute of any
 * weekday, acted on or not (with events the loop ignores among them),
 * customers in a tier or in none, resolved flags whose customer answered
 * again with or without a new flag (a withdrawn one counts as none), and
 * treatment items left out. Compared at several instants and service levels.
 */
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workspace: SurveyWorkspace;

/** What the test wrote of each flag, enough to judge it by hand. */
interface Written {
  period: string;
  tier: string | null;
  status: (typeof flagStatuses)[number];
  severity: 'high' | 'medium';
  raisedAt: number;
  actions: Array<{ action: 'contacted' | 'resolved' | 'dismissed' | 'assigned' | 'noted'; at: number }>;
  customerId: string;
  responseCompletedAt: number;
  ptiTwelfths: number | null;
}
const written: Written[] = [];
/** Every completed response per customer, with whether a flag (not withdrawn) is on it. */
const answers = new Map<string, Array<{ completedAt: number; ptiTwelfths: number | null; flagged: boolean }>>();

/** The treatment items of a response, each left out now and then. */
function treatment(random: Random): Array<number | null> {
  return [0, 1, 2, 3].map(() => (random.chance(0.15) ? null : 1 + random.int(5)));
}

/** ptiTwelfthsSql (app/reports/pti-sql.ts) by hand: integer twelfths, truncated, or null below 3 items. */
function ptiTwelfths(items: Array<number | null>): number | null {
  const given = items.filter((item): item is number => item !== null);
  return given.length >= 3 ? Math.trunc((given.reduce((sum, item) => sum + item, 0) * 12) / given.length) : null;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  workspace = await createSurveyWorkspace(db, { name: 'Schleife GmbH', period: '2026-Q3' });
  const random = seededRandom(runSeed('flag-loop-counts'));
  const [later] = await db
    .insert(campaigns)
    .values({ workspaceId: workspace.workspaceId, surveyVersionId: workspace.versionId, name: 'Winter', period: '2026-Q4', status: 'open' })
    .returning();
  const quarters = [
    { campaign: workspace.campaign, start: Date.UTC(2026, 6, 1) },
    { campaign: later!, start: Date.UTC(2026, 9, 1) },
  ];
  const rows = {
    customers: [] as Array<typeof customers.$inferInsert>,
    tiers: [] as Array<typeof tierAssignments.$inferInsert>,
    invitations: [] as Array<typeof invitations.$inferInsert>,
    responses: [] as Array<typeof responses.$inferInsert>,
    flags: [] as Array<typeof flags.$inferInsert>,
    events: [] as Array<typeof flagEvents.$inferInsert>,
  };
  for (let i = 0; i < 160; i++) {
    const customerId = randomUUID();
    rows.customers.push({ id: customerId, workspaceId: workspace.workspaceId, externalId: `L-${i}`, name: `Kunde ${i}`, email: `l${i}@customer.example`, locale: 'de' });
    answers.set(customerId, []);
    for (const { campaign, start } of quarters) {
      // Most customers in C, some in no tier at all this quarter.
      const tier = random.chance(0.1) ? null : workspace.tiers[random.pick([0, 1, 2, 2, 2])]!;
      if (tier) rows.tiers.push({ workspaceId: workspace.workspaceId, customerId, period: campaign.period, tierId: tier.id, revenue: '1000.00', margin: '100.00', source: 'import' });
      if (random.chance(0.2)) continue;
      const invitationId = randomUUID();
      const responseId = randomUUID();
      rows.invitations.push({ id: invitationId, workspaceId: workspace.workspaceId, campaignId: campaign.id, customerId, tokenHash: randomUUID(), status: 'delivered' });
      const completedAt = start + random.int(60 * 24 * 60) * 60_000;
      const items = treatment(random);
      rows.responses.push({
        id: responseId,
        workspaceId: workspace.workspaceId,
        campaignId: campaign.id,
        invitationId,
        customerId,
        period: campaign.period,
        locale: 'de',
        status: 'completed',
        step: 3,
        completedAt: new Date(completedAt),
        treatValued: items[0],
        treatResponsive: items[1],
        treatEqual: items[2],
        treatPromise: items[3],
      });
      const flagged = random.chance(0.75);
      const status = random.pick(flagStatuses);
      answers.get(customerId)!.push({ completedAt, ptiTwelfths: ptiTwelfths(items), flagged: flagged && status !== 'withdrawn' });
      if (!flagged) continue;
      const flagId = randomUUID();
      const severity = random.pick(['high', 'medium'] as const);
      const raisedAt = completedAt + random.int(120) * 1000;
      // Acted on after anything from an hour to two weeks; closing after that.
      const actions: Written['actions'] = [];
      let at = raisedAt + (1 + random.int(14 * 24)) * HOUR;
      if (random.chance(0.3)) actions.push({ action: random.pick(['assigned', 'noted'] as const), at: raisedAt + random.int(48) * HOUR });
      // An open flag may have been contacted before a new answer reopened it.
      if (status === 'contacted' || (status === 'open' && random.chance(0.1)) || ((status === 'resolved' || status === 'dismissed') && random.chance(0.6))) {
        actions.push({ action: 'contacted', at });
        at += (1 + random.int(10 * 24)) * HOUR;
      }
      if (status === 'resolved' || status === 'dismissed') {
        actions.push({ action: status, at });
        // Now and then closed, reopened by a new answer and closed again later.
        if (random.chance(0.1)) actions.push({ action: status, at: at + (1 + random.int(72)) * HOUR });
      }
      rows.flags.push({ id: flagId, workspaceId: workspace.workspaceId, customerId, campaignId: campaign.id, responseId, kind: 'second_class', severity, reasons: ['pti'], status, createdAt: new Date(raisedAt) });
      for (const action of actions) rows.events.push({ workspaceId: workspace.workspaceId, flagId, action: action.action, createdAt: new Date(action.at) });
      written.push({ period: campaign.period, tier: tier?.label ?? null, status, severity, raisedAt, actions, customerId, responseCompletedAt: completedAt, ptiTwelfths: ptiTwelfths(items) });
    }
  }
  await db.insert(customers).values(rows.customers);
  await db.insert(tierAssignments).values(rows.tiers);
  await db.insert(invitations).values(rows.invitations);
  await db.insert(responses).values(rows.responses);
  await db.insert(flags).values(rows.flags);
  // One event at a time, in time order, as members act: the trigger keeps the flag's times.
  for (const event of rows.events.sort((a, b) => (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime())) await db.insert(flagEvents).values(event);

  // Tiers change after the flags were raised, many rows a statement as an import
  // writes them: some customers move to another tier, some lose theirs, some
  // untiered get one. The flags count under the tier the customer has now.
  const tierOf = new Map(rows.tiers.map((row) => [`${row.customerId} ${row.period}`, row]));
  const labelOf = new Map(workspace.tiers.map((tier) => [tier.id, tier.label]));
  const moves = new Map<string, string[]>();
  const removed: string[] = [];
  for (const [key, row] of tierOf) {
    if (random.chance(0.25)) {
      const tierId = random.pick(workspace.tiers.filter((tier) => tier.id !== row.tierId)).id;
      moves.set(tierId, [...(moves.get(tierId) ?? []), key]);
      row.tierId = tierId;
    } else if (random.chance(0.1)) {
      removed.push(key);
      tierOf.delete(key);
    }
  }
  const keyCondition = (keys: string[]) =>
    or(...keys.map((key) => and(eq(tierAssignments.customerId, key.split(' ')[0]!), eq(tierAssignments.period, key.split(' ')[1]!))));
  for (const [index, [tierId, keys]] of [...moves].entries()) {
    // An update, or an upsert as the import writes assignments.
    if (index % 2 === 0) await db.update(tierAssignments).set({ tierId }).where(keyCondition(keys));
    else
      await db
        .insert(tierAssignments)
        .values(keys.map((key) => ({ ...tierOf.get(key)!, id: undefined })))
        .onConflictDoUpdate({ target: [tierAssignments.customerId, tierAssignments.period], set: { tierId } });
  }
  if (removed.length > 0) await db.delete(tierAssignments).where(keyCondition(removed));
  const added = written
    .filter((flag) => !tierOf.has(`${flag.customerId} ${flag.period}`) && random.chance(0.5))
    .map((flag) => ({ workspaceId: workspace.workspaceId, customerId: flag.customerId, period: flag.period, tierId: random.pick(workspace.tiers).id, revenue: '1.00', margin: '1.00', source: 'import' as const }));
  const fresh = [...new Map(added.map((row) => [`${row.customerId} ${row.period}`, row])).values()];
  if (fresh.length > 0) await db.insert(tierAssignments).values(fresh);
  for (const row of fresh) tierOf.set(`${row.customerId} ${row.period}`, row);
  for (const flag of written) {
    const now = tierOf.get(`${flag.customerId} ${flag.period}`);
    flag.tier = now ? labelOf.get(now.tierId)! : null;
  }
  expect(moves.size > 0 && removed.length > 0 && fresh.length > 0).toBe(true);
}, 180_000);
afterAll(() => database.dispose());

/** The flags as `flagLoopFigures` takes them, judged from what was written. */
function loopFlags(level: ServiceLevel): LoopFlag[] {
  return written
    .filter((flag) => flag.status !== 'withdrawn')
    .map((flag) => {
      const acted = flag.actions.filter((action) => action.action === 'contacted' || action.action === 'resolved' || action.action === 'dismissed');
      const closings = acted.filter((action) => action.action === 'resolved' || action.action === 'dismissed');
      const closed = flag.status === 'resolved' || flag.status === 'dismissed';
      const next = answers
        .get(flag.customerId)!
        .filter((answer) => answer.completedAt > flag.responseCompletedAt)
        .sort((a, b) => a.completedAt - b.completedAt)[0];
      return {
        period: flag.period,
        tier: flag.tier,
        status: flag.status as LoopFlag['status'],
        raisedAt: flag.raisedAt,
        dueAt: flagDueAt(new Date(flag.raisedAt), flag.severity, level).getTime(),
        firstActionAt: acted.length > 0 ? Math.min(...acted.map((action) => action.at)) : null,
        closedAt: closed && closings.length > 0 ? Math.max(...closings.map((action) => action.at)) : null,
        next:
          flag.status === 'resolved' && next
            ? {
                meetsNoRule: !next.flagged,
                ptiChange: flag.ptiTwelfths !== null && next.ptiTwelfths !== null ? (next.ptiTwelfths - flag.ptiTwelfths) / 12 : null,
              }
            : null,
      };
    });
}

/** Counts exactly, shares, medians and means to 1e-9 (the database sums and interpolates in another order). */
function expectSameFigures(actual: LoopFigures[], expected: LoopFigures[], label: string) {
  expect(actual.map((row) => `${row.period} ${row.tier}`), label).toEqual(expected.map((row) => `${row.period} ${row.tier}`));
  for (const [index, want] of expected.entries()) {
    const got = actual[index]!;
    for (const key of Object.keys(want) as Array<keyof LoopFigures>) {
      const [a, b] = [got[key], want[key]];
      const where = `${label}: ${want.period} ${want.tier} ${key}`;
      if (typeof a === 'number' && typeof b === 'number' && !Number.isInteger(b)) expect(a, where).toBeCloseTo(b, 9);
      else expect(a, where).toEqual(b);
    }
  }
}

describe('the flag loop counted by the database', () => {
  it('keeps each flag under the tier its customer has in the campaign’s quarter', async () => {
    const wrong = await selectRows<{ n: number | string }>(
      database.db,
      sql`select count(*) as n from flags f join campaigns c on c.id = f.campaign_id
          left join tier_assignments ta on ta.customer_id = f.customer_id and ta.period = c.period
          where f.workspace_id = ${workspace.workspaceId} and f.tier_id is distinct from ta.tier_id`,
    );
    expect(Number(wrong[0]!.n)).toBe(0);
  });

  const levels: ServiceLevel[] = [
    { highDays: 2, mediumDays: 5 },
    { highDays: 1, mediumDays: 10 },
  ];
  const instants = ['2026-08-15T12:00:00Z', '2026-10-03T06:30:00Z', '2026-12-31T23:00:00Z'].map((at) => new Date(at));

  it('equals flagLoopFigures judged flag by flag', async () => {
    const tiers = workspace.tiers.map((tier) => tier.label);
    let shares = 0;
    for (const level of levels) {
      await setServiceLevel(database.db, workspace.workspaceId, workspace.owner.userId, level);
      const judged = loopFlags(level);
      for (const now of instants) {
        const expected = flagLoopFigures(judged, tiers, now.getTime());
        expectSameFigures(await flagLoop(database.db, workspace.workspaceId, { now }), expected, `${JSON.stringify(level)} at ${now.toISOString()}`);
        shares += expected.filter((row) => row.inTimeShare !== null && row.medianDaysToClose !== null).length;
      }
      // Limited to the quarters a review shows: the same rows of those quarters, and none without any.
      const now = instants[2]!;
      const expected = flagLoopFigures(judged, tiers, now.getTime()).filter((row) => row.period === '2026-Q4');
      expectSameFigures(await flagLoop(database.db, workspace.workspaceId, { now, periods: ['2026-Q4', '2027-Q1'] }), expected, 'quarters shown');
      expect(await flagLoop(database.db, workspace.workspaceId, { now, periods: [] })).toEqual([]);
      // The flag queue's year: the latest quarters with campaigns.
      expectSameFigures(await flagLoop(database.db, workspace.workspaceId, { now, latestQuarters: 1 }), expected, 'latest quarter');
      expectSameFigures(await flagLoop(database.db, workspace.workspaceId, { now, latestQuarters: 4 }), flagLoopFigures(judged, tiers, now.getTime()), 'latest four');
    }
    // The data reach the figures' minimum counts, untiered customers and recovery included.
    expect(shares).toBeGreaterThan(0);
    const figures = flagLoopFigures(loopFlags(levels[0]!), tiers, instants[2]!.getTime());
    expect(figures.some((row) => row.tier === null)).toBe(true);
    expect(figures.some((row) => row.answeredAgain > 0 && row.recovered < row.answeredAgain)).toBe(true);
    expect(figures.some((row) => row.due > row.contactedInTime && row.contactedInTime > 0)).toBe(true);
  });
});
