import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { reviewPeriod, type PeriodReview } from '../analysis/period-review';
import { quarterIndex, TREND_LOOKBACK_QUARTERS } from '../analysis/period-trends';
import { selectRows, type Database } from '../../db/client.server';
import { periodSnapshots, type PeriodSnapshot } from './rollups.server';
import { migrationBetweenTiers, tierMigration } from './tier-migration.server';

export type { PeriodReview, ScopeReview } from '../analysis/period-review';

export interface TierReview {
  tiers: string[];
  /** Every period with campaigns or answers, oldest first: the choices for the range. */
  availablePeriods: string[];
  periods: PeriodReview[];
  /** Customers moving between tiers from the range's second-last period to its last (null with fewer than two). */
  migration: { from: string; to: string; rows: Array<{ from: string; to: string; count: number }> } | null;
}

const jsonColumn = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (typeof value === 'string' ? JSON.parse(value) : value), schema);
const reviewInputsSchema = z.object({
  tiers: jsonColumn(z.array(z.string())),
  periods: jsonColumn(z.array(z.string())),
  /** [period, tables version, invitations version] */
  versions: jsonColumn(z.array(z.tuple([z.string(), z.coerce.number(), z.coerce.number()]))),
});

/**
 * What a review depends on, in one round trip: the tier labels (best first),
 * the periods with campaigns (oldest first; every response belongs to a
 * campaign of its period) and the rollup versions of every period. Read on
 * every request, so it is one statement rather than three.
 */
async function reviewInputs(db: Database, workspaceId: string): Promise<z.infer<typeof reviewInputsSchema>> {
  const [row] = await selectRows(
    db,
    sql`select
          (select coalesce(json_agg(label order by position), '[]') from workspace_tiers where workspace_id = ${workspaceId}) as tiers,
          (select coalesce(json_agg(period order by period), '[]') from (select distinct period from campaigns where workspace_id = ${workspaceId}) p) as periods,
          (select coalesce(json_agg(json_build_array(period, tables_version, invitations_version)), '[]')
             from period_rollup_versions where workspace_id = ${workspaceId}) as versions`,
  );
  return reviewInputsSchema.parse(row);
}

/**
 * Computed reviews per database handle, keyed by everything a review depends
 * on: the workspace, its tiers, the periods with campaigns, and the rollup
 * versions of the periods shown and the one before. The rollup triggers bump
 * a period's version whenever its answers, invitations, tier assignments or
 * tier labels change (the migration table depends on nothing else either), so a changed period changes the key and the review is
 * computed afresh; an entry is never invalidated by hand. Each entry is
 * about 60 kB as JSON; the oldest are dropped beyond REVIEW_CACHE_SIZE.
 */
const reviewCaches = new WeakMap<Database, Map<string, TierReview>>();
const REVIEW_CACHE_SIZE = 64;

/**
 * Reviews of single quarters per database handle, shared by every range that
 * shows the quarter (the overview's last eight quarters, a review of one):
 * keyed by what one quarter's review reads, the tiers, the quarter, the
 * quarter before it and those of its trend window with their rollup
 * versions, and whether its drivers are read per tier. A new answer changes
 * the running quarter's version only, so the quarters before it are not
 * reviewed again.
 */
const periodReviewCaches = new WeakMap<Database, Map<string, PeriodReview>>();
const PERIOD_REVIEW_CACHE_SIZE = 256;

/** Forgets every computed review (for benchmarks that measure the cold path). */
export function forgetComputedReviews(db: Database): void {
  reviewCaches.delete(db);
  periodReviewCaches.delete(db);
  snapshotCaches.delete(db);
}

/**
 * The quarterly tier review: for each period of the range and each tier, the
 * metrics with response rates and the change against the previous period,
 * plus the period's tier signals. Without a range, the last eight periods.
 * The result is shared between requests: callers must not change it.
 */
export async function tierReview(db: Database, workspaceId: string, range: { from?: string; to?: string } = {}): Promise<TierReview> {
  // The versions are read before computing: a change that lands meanwhile is
  // stored under the older key, which no later request asks for.
  const { tiers, periods: available, versions } = await reviewInputs(db, workspaceId);
  const to = range.to && available.includes(range.to) ? range.to : available[available.length - 1];
  const inRange = available.filter((period) => (!range.from || period >= range.from) && (!to || period <= to));
  const chosen = range.from ? inRange : inRange.slice(-8);
  if (chosen.length === 0) return { tiers, availablePeriods: available, periods: [], migration: null };
  // One period before the range, for the first period's changes, and the
  // quarters of the first period's miss-us trend.
  const firstIndex = available.indexOf(chosen[0]!);
  const before = firstIndex > 0 ? available[firstIndex - 1] : undefined;
  const trendStart = quarterIndex(chosen[0]!) - TREND_LOOKBACK_QUARTERS;
  const trendOnly = available.slice(0, firstIndex).filter((period) => quarterIndex(period) >= trendStart);
  const needed = [...new Set([...(before ? [before] : []), ...trendOnly, ...chosen])].sort();

  const versionOf = (period: string) => {
    const row = versions.find(([versionPeriod]) => versionPeriod === period);
    return row ? `${row[1]}.${row[2]}` : '0.0';
  };
  // The chosen range is part of the key: 2026-Q1 to Q4 needs the same quarters as 2025-Q3 to 2026-Q4 (for trends), but shows fewer.
  const key = JSON.stringify([workspaceId, tiers, available, chosen, needed.map((period) => [period, versionOf(period)])]);
  let cache = reviewCaches.get(db);
  if (!cache) reviewCaches.set(db, (cache = new Map()));
  const known = cache.get(key);
  if (known) return known;

  const review = await computeReview(db, workspaceId, { tiers, available, chosen, versionOf });
  cache.set(key, review);
  if (cache.size > REVIEW_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return review;
}

/**
 * What the review of `period` reads besides itself: the quarter before it
 * (its changes) and the earlier quarters of its trend window
 * (`computeTrends` uses those from TREND_LOOKBACK_QUARTERS before it on), so
 * the review of a quarter is the same whichever range shows it.
 */
function readsOf(available: string[], period: string): { previous: string | null; history: string[] } {
  const index = available.indexOf(period);
  const start = quarterIndex(period) - TREND_LOOKBACK_QUARTERS;
  return {
    previous: index > 0 ? available[index - 1]! : null,
    history: available.slice(0, index).filter((other) => quarterIndex(other) >= start),
  };
}

/**
 * Rollup snapshots (tables and invitation counts) per database handle, keyed
 * by workspace, period and its versions (`tables_version` and
 * `invitations_version`, bumped by every change of what a snapshot holds):
 * after a new answer only the running quarter's snapshot is read (and its
 * queue drained), not the stored tables of every quarter of its trend window.
 */
const snapshotCaches = new WeakMap<Database, Map<string, PeriodSnapshot>>();
const SNAPSHOT_CACHE_SIZE = 64;

async function keptSnapshots(db: Database, workspaceId: string, periods: string[], versionOf: (period: string) => string): Promise<Map<string, PeriodSnapshot>> {
  let cache = snapshotCaches.get(db);
  if (!cache) snapshotCaches.set(db, (cache = new Map()));
  const keyOf = (period: string) => `${workspaceId}|${period}|${versionOf(period)}`;
  const missing = periods.filter((period) => !cache.has(keyOf(period)));
  const read = missing.length > 0 ? await periodSnapshots(db, workspaceId, missing) : new Map<string, PeriodSnapshot>();
  const result = new Map<string, PeriodSnapshot>();
  for (const period of periods) {
    const snapshot = read.get(period) ?? cache.get(keyOf(period));
    if (!snapshot) continue;
    if (read.has(period)) {
      cache.set(keyOf(period), snapshot);
      while (cache.size > SNAPSHOT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    result.set(period, snapshot);
  }
  return result;
}

async function computeReview(
  db: Database,
  workspaceId: string,
  { tiers, available, chosen, versionOf }: { tiers: string[]; available: string[]; chosen: string[]; versionOf: (period: string) => string },
): Promise<TierReview> {
  const [from, to] = chosen.slice(-2);
  let cache = periodReviewCaches.get(db);
  if (!cache) periodReviewCaches.set(db, (cache = new Map()));
  // The findings speak of the latest quarter; its tiers' driver importance is bootstrapped.
  const wanted = chosen.map((period) => {
    const reads = readsOf(available, period);
    const driversPerTier = period === chosen[chosen.length - 1];
    const key = JSON.stringify([
      workspaceId,
      tiers,
      period,
      versionOf(period),
      reads.previous && [reads.previous, versionOf(reads.previous)],
      reads.history.map((other) => [other, versionOf(other)]),
      driversPerTier,
    ]);
    return { period, reads, driversPerTier, key, known: cache.get(key) };
  });
  const missing = wanted.filter((entry) => !entry.known);
  const needed = [...new Set(missing.flatMap(({ period, reads }) => [period, ...(reads.previous ? [reads.previous] : []), ...reads.history]))].sort();
  const [snapshots, migration] = await Promise.all([
    keptSnapshots(db, workspaceId, needed, versionOf),
    from && to ? tierMigration(db, workspaceId, from, to).then((table) => ({ from, to, rows: migrationBetweenTiers(table) })) : null,
  ]);
  const periods = wanted.map(({ period, reads, driversPerTier, key, known }) => {
    if (known) return known;
    const previous = reads.previous ? snapshots.get(reads.previous) : undefined;
    const history = reads.history.map((other) => ({ period: other, tables: snapshots.get(other)!.tables }));
    const review = reviewPeriod(
      tiers,
      { period, ...snapshots.get(period)! },
      previous && reads.previous ? { period: reads.previous, ...previous } : undefined,
      history,
      { driversPerTier },
    );
    cache.set(key, review);
    if (cache.size > PERIOD_REVIEW_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return review;
  });
  return { tiers, availablePeriods: available, periods, migration };
}

const period = z.string().regex(/^\d{4}-Q[1-4]$/);
const rangeSchema = z.object({ from: period.optional().catch(undefined), to: period.optional().catch(undefined) });

/**
 * The review range from a URL's query; malformed periods are ignored (the
 * default range applies). A range chosen backwards ("from 2026-Q3 to 2025-Q4")
 * is read forwards: it showed nothing, and without results no period pickers.
 */
export function parseReviewRange(params: URLSearchParams): { from?: string; to?: string } {
  const range = rangeSchema.parse({ from: params.get('from') ?? undefined, to: params.get('to') ?? undefined });
  // Periods are written YYYY-Qn, so text order is time order.
  return range.from && range.to && range.from > range.to ? { from: range.to, to: range.from } : range;
}
