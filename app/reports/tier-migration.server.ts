import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { selectRows, type Database } from '../../db/client.server';
import { periodRollups, periodRollupVersions, workspaceTiers } from '../../db/schema';

const cellsSchema = z.array(
  z.object({ fromTierId: z.string().nullable(), toTierId: z.string().nullable(), customers: z.coerce.number().int() }),
);

export interface TierMigration {
  from: string;
  to: string;
  /** The workspace's tiers, best first (labels as they are now). */
  tiers: Array<{ id: string; label: string }>;
  /**
   * Customers by tier id in `from` and in `to`; a null id means the customer
   * has no tier in that period (new in `to`, or gone since `from`).
   */
  cells: z.infer<typeof cellsSchema>;
}

/**
 * The tier migration table: how many customers moved from each tier in
 * `from` to each tier in `to`, including those in only one of the periods.
 * The customers' tier page, the import result and the quarterly review all
 * show it. Over 200,000 customers the join of the two periods is the
 * dearest query of the review, so the cells are kept in the rollup of `to`,
 * valid while neither period's tier assignments change (the rollup triggers
 * bump both periods' `tiers_version` then, and only then). Cells name tiers by id and labels are
 * read fresh, so a cached table always shows the current names.
 */
export async function tierMigration(db: Database, workspaceId: string, from: string, to: string): Promise<TierMigration> {
  const [tiers, versions, [cache]] = await Promise.all([
    db
      .select({ id: workspaceTiers.id, label: workspaceTiers.label })
      .from(workspaceTiers)
      .where(eq(workspaceTiers.workspaceId, workspaceId))
      .orderBy(asc(workspaceTiers.position)),
    db
      .select()
      .from(periodRollupVersions)
      .where(and(eq(periodRollupVersions.workspaceId, workspaceId), inArray(periodRollupVersions.period, [from, to]))),
    db
      .select({ cells: periodRollups.migration, from: periodRollups.migrationFrom, versions: periodRollups.migrationVersions })
      .from(periodRollups)
      .where(and(eq(periodRollups.workspaceId, workspaceId), eq(periodRollups.period, to))),
  ]);
  // Tier assignments alone bump `tiers_version`: a new answer leaves the cells valid.
  const versionOf = (period: string) => versions.find((row) => row.period === period)?.tiersVersion ?? 0;
  // The prefix keeps a release that stored labelled rows under `<from>:<to>`
  // (or cells keyed by the tables' versions, `cells:`) from taking these
  // cells for its own (it recomputes instead), and such a cache of another
  // shape is simply recomputed here.
  const key = `cells-tiers:${versionOf(from)}:${versionOf(to)}`;
  const cached = cache?.from === from && cache.versions === key ? cellsSchema.safeParse(cache.cells) : null;
  if (cached?.success) return { from, to, tiers, cells: cached.data };

  // Aggregated on tier ids, so the full join of two periods stays one hash join.
  const cells = cellsSchema.parse(
    await selectRows(
      db,
      sql`select a.tier_id as "fromTierId", b.tier_id as "toTierId", count(*)::int as customers
          from (select customer_id, tier_id from tier_assignments where workspace_id = ${workspaceId} and period = ${from}) a
          full join (select customer_id, tier_id from tier_assignments where workspace_id = ${workspaceId} and period = ${to}) b
            on a.customer_id = b.customer_id
          group by a.tier_id, b.tier_id`,
    ),
  );
  // Stored with the versions read before the query: a change meanwhile leaves the cache behind, never wrong.
  await db
    .insert(periodRollups)
    .values({ workspaceId, period: to, migration: cells, migrationFrom: from, migrationVersions: key })
    .onConflictDoUpdate({
      target: [periodRollups.workspaceId, periodRollups.period],
      set: { migration: cells, migrationFrom: from, migrationVersions: key },
    });
  return { from, to, tiers, cells };
}

/** Customers who had a tier in both periods, by tier label: the figures of the review's migration chart. */
export function migrationBetweenTiers(migration: TierMigration): Array<{ from: string; to: string; count: number }> {
  const labelOf = new Map(migration.tiers.map((tier) => [tier.id, tier.label]));
  const position = new Map(migration.tiers.map((tier, index) => [tier.id, index]));
  return migration.cells
    .filter((cell) => cell.fromTierId !== null && cell.toTierId !== null && labelOf.has(cell.fromTierId) && labelOf.has(cell.toTierId))
    .sort((a, b) => position.get(a.fromTierId!)! - position.get(b.fromTierId!)! || position.get(a.toTierId!)! - position.get(b.toTierId!)!)
    .map((cell) => ({ from: labelOf.get(cell.fromTierId!)!, to: labelOf.get(cell.toTierId!)!, count: cell.customers }));
}
