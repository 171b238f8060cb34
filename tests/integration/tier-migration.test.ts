import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationBetweenTiers, tierMigration } from '../../app/reports/tier-migration.server';
import { customers, periodRollups, tierAssignments, workspaceTiers } from '../../db/schema';
import { importCsv } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner } from '../support/fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

/**
 * Q3: M-1 A, M-2 A, M-3 B, M-4 C (M-4 leaves)
 * Q4: M-1 A, M-2 B, M-3 B, M-5 C (M-5 is new)
 */
async function movingWorkspace(name: string) {
  const { db } = database;
  const owner = await createWorkspaceWithOwner(db, name);
  const header = 'id,email,tier\n';
  await importCsv(db, owner.workspaceId, `${header}M-1,m1@example.com,A\nM-2,m2@example.com,A\nM-3,m3@example.com,B\nM-4,m4@example.com,C\n`, { period: '2026-Q3' });
  await importCsv(db, owner.workspaceId, `${header}M-1,m1@example.com,A\nM-2,m2@example.com,B\nM-3,m3@example.com,B\nM-5,m5@example.com,C\n`, { period: '2026-Q4' });
  const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, owner.workspaceId));
  const id = (label: string) => tiers.find((tier) => tier.label === label)!.id;
  return { workspaceId: owner.workspaceId, id };
}

describe('the tier migration table', () => {
  it('counts moves between tiers, customers new in the later period and those gone from it', async () => {
    const { workspaceId, id } = await movingWorkspace('Moving GmbH');
    const migration = await tierMigration(database.db, workspaceId, '2026-Q3', '2026-Q4');
    expect(migration.from).toBe('2026-Q3');
    expect(migration.to).toBe('2026-Q4');
    expect(migration.tiers.map((tier) => tier.label)).toEqual(['A', 'B', 'C']);
    expect(migration.cells).toHaveLength(5);
    expect(migration.cells).toEqual(
      expect.arrayContaining([
        { fromTierId: id('A'), toTierId: id('A'), customers: 1 },
        { fromTierId: id('A'), toTierId: id('B'), customers: 1 },
        { fromTierId: id('B'), toTierId: id('B'), customers: 1 },
        { fromTierId: id('C'), toTierId: null, customers: 1 },
        { fromTierId: null, toTierId: id('C'), customers: 1 },
      ]),
    );
    // The review's chart shows customers present in both periods, best tiers first.
    expect(migrationBetweenTiers(migration)).toEqual([
      { from: 'A', to: 'A', count: 1 },
      { from: 'A', to: 'B', count: 1 },
      { from: 'B', to: 'B', count: 1 },
    ]);
  });

  it('is kept in the rollup and recomputed when a tier assignment changes', async () => {
    const { db } = database;
    const { workspaceId, id } = await movingWorkspace('Cached GmbH');
    const first = await tierMigration(db, workspaceId, '2026-Q3', '2026-Q4');
    const [stored] = await db.select().from(periodRollups).where(and(eq(periodRollups.workspaceId, workspaceId), eq(periodRollups.period, '2026-Q4')));
    expect(stored?.migrationFrom).toBe('2026-Q3');
    expect(stored?.migration).toEqual(first.cells);
    expect(await tierMigration(db, workspaceId, '2026-Q3', '2026-Q4')).toEqual(first);

    // M-3 is corrected from B to C in Q4.
    const [m3] = await db.select().from(customers).where(and(eq(customers.workspaceId, workspaceId), eq(customers.externalId, 'M-3')));
    await db
      .update(tierAssignments)
      .set({ tierId: id('C') })
      .where(and(eq(tierAssignments.customerId, m3!.id), eq(tierAssignments.period, '2026-Q4')));
    const after = await tierMigration(db, workspaceId, '2026-Q3', '2026-Q4');
    expect(after.cells).toEqual(expect.arrayContaining([{ fromTierId: id('B'), toTierId: id('C'), customers: 1 }]));
    expect(after.cells.find((cell) => cell.fromTierId === id('B') && cell.toTierId === id('B'))).toBeUndefined();

    // Another pair of periods for the same later period is computed, not taken from the cache.
    const fromQ4 = await tierMigration(db, workspaceId, '2026-Q4', '2026-Q4');
    expect(fromQ4.cells.every((cell) => cell.fromTierId === cell.toTierId)).toBe(true);
  });

  it('shows renamed tiers under their new name', async () => {
    const { db } = database;
    const { workspaceId, id } = await movingWorkspace('Renamed GmbH');
    const first = await tierMigration(db, workspaceId, '2026-Q3', '2026-Q4');
    await db.update(workspaceTiers).set({ label: 'Gold' }).where(eq(workspaceTiers.id, id('A')));
    const renamed = await tierMigration(db, workspaceId, '2026-Q3', '2026-Q4');
    expect(renamed.cells).toEqual(first.cells);
    expect(migrationBetweenTiers(renamed)[0]).toEqual({ from: 'Gold', to: 'Gold', count: 1 });
  });

  it('recomputes a cache stored in another shape', async () => {
    const { db } = database;
    const { workspaceId } = await movingWorkspace('Old cache GmbH');
    const first = await tierMigration(db, workspaceId, '2026-Q3', '2026-Q4');
    await db
      .update(periodRollups)
      .set({ migration: [{ from: 'A', to: 'A', count: 99 }] })
      .where(and(eq(periodRollups.workspaceId, workspaceId), eq(periodRollups.period, '2026-Q4')));
    expect(await tierMigration(db, workspaceId, '2026-Q3', '2026-Q4')).toEqual(first);
  });
});
