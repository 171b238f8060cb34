import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { computeMetrics, type Metrics } from '../analysis/metrics';
import { periodChanges, type PeriodChanges, type Responses } from '../analysis/period-changes';
import { buildAnalysisReport } from '../analysis/report';
import type { TierSignals } from '../analysis/signals';
import type { PeriodTables } from '../analysis/tables';
import type { Database } from '../../db/client.server';
import { campaigns, periodRollups, periodRollupVersions } from '../../db/schema';
import { tierLabels } from './analysis.server';
import { selectRows } from './period-tables.server';
import { periodSnapshots, type PeriodSnapshot } from './rollups.server';

export interface ScopeReview {
  /** A tier label, or null for the whole period. */
  tier: string | null;
  metrics: Metrics;
  responseRate: { rate: number | null } & Responses;
  /** Null for the first period with data. */
  changes: PeriodChanges | null;
}

export interface PeriodReview {
  period: string;
  previousPeriod: string | null;
  overall: ScopeReview;
  byTier: ScopeReview[];
  signals: TierSignals;
  /** Miss-us answers per tier (for the distribution chart). */
  missUsDistribution: Array<{ tier: string; very: number; somewhat: number; not: number; na: number }>;
}

export interface TierReview {
  tiers: string[];
  /** Every period with campaigns or answers, oldest first: the choices for the range. */
  availablePeriods: string[];
  periods: PeriodReview[];
}

/**
 * Periods of a workspace that have a campaign, oldest first. Every response
 * belongs to a campaign of its period, so these are all periods with answers.
 */
export async function reviewablePeriods(db: Database, workspaceId: string): Promise<string[]> {
  const rows = await db.selectDistinct({ period: campaigns.period }).from(campaigns).where(eq(campaigns.workspaceId, workspaceId));
  return rows.map((row) => row.period).sort();
}

function responsesOf(snapshot: PeriodSnapshot, tier: string | null): Responses {
  const completed = snapshot.tables.responses.filter((row) => tier === null || row.tier === tier).reduce((sum, row) => sum + row.count, 0);
  const delivered = snapshot.invitations.filter((row) => tier === null || row.tier === tier).reduce((sum, row) => sum + row.delivered, 0);
  return { completed, delivered };
}

function scopeReview(current: PeriodSnapshot, previous: PeriodSnapshot | undefined, tier: string | null): ScopeReview {
  const now = responsesOf(current, tier);
  return {
    tier,
    metrics: computeMetrics(current.tables, tier),
    responseRate: { ...now, rate: now.delivered > 0 ? now.completed / now.delivered : null },
    changes: previous ? periodChanges(current.tables, previous.tables, tier, { current: now, previous: responsesOf(previous, tier) }) : null,
  };
}

function distribution(tables: PeriodTables, tiers: string[]) {
  return tiers.map((tier) => {
    const counts = { tier, very: 0, somewhat: 0, not: 0, na: 0 };
    for (const row of tables.missUs) if (row.tier === tier) counts[row.missUs] += row.count;
    return counts;
  });
}

/**
 * The quarterly tier review: for each period of the range and each tier, the
 * metrics with response rates and the change against the previous period,
 * plus the period's tier signals. Without a range, the last eight periods.
 */
export async function tierReview(db: Database, workspaceId: string, range: { from?: string; to?: string } = {}): Promise<TierReview> {
  const [tiers, available] = await Promise.all([tierLabels(db, workspaceId), reviewablePeriods(db, workspaceId)]);
  const to = range.to && available.includes(range.to) ? range.to : available[available.length - 1];
  const inRange = available.filter((period) => (!range.from || period >= range.from) && (!to || period <= to));
  const chosen = range.from ? inRange : inRange.slice(-8);
  if (chosen.length === 0) return { tiers, availablePeriods: available, periods: [] };
  // One period before the range, for the first period's changes.
  const firstIndex = available.indexOf(chosen[0]!);
  const before = firstIndex > 0 ? available[firstIndex - 1] : undefined;
  const snapshots = await periodSnapshots(db, workspaceId, before ? [before, ...chosen] : chosen);

  const periods = chosen.map((period) => {
    const index = available.indexOf(period);
    const previousPeriod = index > 0 ? available[index - 1]! : null;
    const current = snapshots.get(period)!;
    const previous = previousPeriod ? snapshots.get(previousPeriod) : undefined;
    const report = buildAnalysisReport({
      period,
      previousPeriod: previous ? previousPeriod : null,
      tiers,
      current: current.tables,
      previous: previous?.tables ?? null,
      responsesToFlag: [],
    });
    return {
      period,
      previousPeriod: previous ? previousPeriod : null,
      overall: scopeReview(current, previous, null),
      byTier: tiers.map((tier) => scopeReview(current, previous, tier)),
      signals: report.signals,
      missUsDistribution: distribution(current.tables, tiers),
    };
  });
  return { tiers, availablePeriods: available, periods };
}

const migrationSchema = z.array(z.object({ from: z.string(), to: z.string(), count: z.coerce.number().int() }));
export type TierMigration = z.infer<typeof migrationSchema>;

/**
 * Counts of customers moving from each tier in `from` to each tier in `to`
 * (the migration table). The join of two periods' tiers is the dearest query
 * of the review, so its result is kept in the rollup of `to`, valid while
 * neither period's tiers change (the triggers bump both versions then).
 */
export async function tierMigration(db: Database, workspaceId: string, from: string, to: string): Promise<TierMigration> {
  const [versions, [cache]] = await Promise.all([
    db
      .select()
      .from(periodRollupVersions)
      .where(and(eq(periodRollupVersions.workspaceId, workspaceId), inArray(periodRollupVersions.period, [from, to]))),
    db
      .select({ migration: periodRollups.migration, from: periodRollups.migrationFrom, versions: periodRollups.migrationVersions })
      .from(periodRollups)
      .where(and(eq(periodRollups.workspaceId, workspaceId), eq(periodRollups.period, to))),
  ]);
  const versionOf = (period: string) => versions.find((row) => row.period === period)?.tablesVersion ?? 0;
  const key = `${versionOf(from)}:${versionOf(to)}`;
  if (cache?.migration != null && cache.from === from && cache.versions === key) return migrationSchema.parse(cache.migration);

  // Aggregated on tier ids first, labels joined after, so the join stays one hash join.
  const rows = migrationSchema.parse(
    await selectRows(
      db,
      sql`select f.label as "from", t.label as "to", moves.count::int as count
          from (
            select a.tier_id as from_id, b.tier_id as to_id, count(*) as count
            from tier_assignments a
            join tier_assignments b on b.customer_id = a.customer_id
            where a.workspace_id = ${workspaceId} and a.period = ${from} and b.workspace_id = ${workspaceId} and b.period = ${to}
            group by a.tier_id, b.tier_id
          ) moves
          join workspace_tiers f on f.id = moves.from_id
          join workspace_tiers t on t.id = moves.to_id
          order by f.position, t.position`,
    ),
  );
  await db
    .insert(periodRollups)
    .values({ workspaceId, period: to, migration: rows, migrationFrom: from, migrationVersions: key })
    .onConflictDoUpdate({
      target: [periodRollups.workspaceId, periodRollups.period],
      set: { migration: rows, migrationFrom: from, migrationVersions: key },
    });
  return rows;
}

const period = z.string().regex(/^\d{4}-Q[1-4]$/);
const rangeSchema = z.object({ from: period.optional().catch(undefined), to: period.optional().catch(undefined) });

/** The review range from a URL's query; malformed periods are ignored (the default range applies). */
export function parseReviewRange(params: URLSearchParams): { from?: string; to?: string } {
  return rangeSchema.parse({ from: params.get('from') ?? undefined, to: params.get('to') ?? undefined });
}
