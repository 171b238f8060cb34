import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOverdueFlags, flagPage } from '../../app/flags/flags.server';
import { isOverdue, type ServiceLevel } from '../../app/flags/service-level';
import { setServiceLevel } from '../../app/flags/settings.server';
import { openFlagsByTier } from '../../app/reports/tier-flags.server';
import { flags, flagStatuses } from '../../db/schema';
import { seededRandom } from '../../db/seed/random';
import { createTestDatabase } from '../support/db';
import { runSeed } from '../support/security';
import { createSurveyWorkspace, inviteCustomer, type SurveyWorkspace } from '../support/survey-fixtures';

/**
 * The database counts overdue flags itself (app/flags/service-level-sql.server.ts):
 * its counts equal `isOverdue` judged flag by flag, for flags raised at any
 * time of any weekday, both severities, every status and several service
 * levels and instants, weekends included.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workspace: SurveyWorkspace;
const raised: Array<{ customerId: string; tier: string; status: (typeof flagStatuses)[number]; severity: 'high' | 'medium'; createdAt: Date }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  workspace = await createSurveyWorkspace(database.db, { name: 'Fristen GmbH' });
  const random = seededRandom(runSeed('flags-overdue'));
  const start = Date.UTC(2026, 10, 1);
  for (let i = 0; i < 60; i++) {
    const tierIndex = i % 3;
    const { customer } = await inviteCustomer(database.db, workspace, { tierIndex });
    const flag = {
      customerId: customer.id,
      tier: workspace.tiers[tierIndex]!.label,
      status: random.pick(flagStatuses),
      severity: random.pick(['high', 'medium'] as const),
      // Any minute of the three weeks before the instants below.
      createdAt: new Date(start + random.int(21 * 24 * 60) * 60_000),
    };
    raised.push(flag);
    await database.db.insert(flags).values({
      workspaceId: workspace.workspaceId,
      customerId: flag.customerId,
      campaignId: workspace.campaign.id,
      kind: 'second_class',
      severity: flag.severity,
      reasons: ['pti'],
      status: flag.status,
      createdAt: flag.createdAt,
    });
  }
}, 120_000);
afterAll(() => database.dispose());

describe('overdue flags counted by the database', () => {
  const levels: ServiceLevel[] = [
    { highDays: 2, mediumDays: 5 },
    { highDays: 1, mediumDays: 3 },
    { highDays: 3, mediumDays: 10 },
  ];
  const instants = ['2026-11-08T00:00:00Z', '2026-11-14T13:37:00Z', '2026-11-21T23:59:59Z', '2026-11-23T08:00:00Z', '2026-12-01T12:00:00Z'].map((at) => new Date(at));

  it('equal isOverdue judged flag by flag, on the overview, the flag queue and per tier', async () => {
    let someOverdue = false;
    for (const level of levels) {
      await setServiceLevel(database.db, workspace.workspaceId, workspace.owner.userId, level);
      for (const now of instants) {
        const overdue = raised.filter((flag) => isOverdue(flag, level, now));
        someOverdue ||= overdue.length > 0 && overdue.length < raised.filter((flag) => flag.status === 'open').length;
        const label = `${JSON.stringify(level)} at ${now.toISOString()}`;
        expect(await countOverdueFlags(database.db, workspace.workspaceId, level, now), label).toBe(overdue.length);
        expect((await flagPage(database.db, workspace.workspaceId, {}, { level, now, limit: 5 })).overdue, label).toBe(overdue.length);
        const byTier = await openFlagsByTier(database.db, workspace.workspaceId, workspace.period, now);
        for (const tier of workspace.tiers) {
          const open = raised.filter((flag) => flag.tier === tier.label && flag.status === 'open');
          expect(byTier.find((row) => row.tier === tier.label) ?? { tier: tier.label, open: 0, overdue: 0 }, label).toEqual({
            tier: tier.label,
            open: open.length,
            overdue: open.filter((flag) => isOverdue(flag, level, now)).length,
          });
        }
      }
    }
    // The instants fall between raising and due time for some flags, not only before or after all.
    expect(someOverdue).toBe(true);
  });
});
