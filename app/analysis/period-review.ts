/**
 * One quarter of the tier review, computed from frequency tables and
 * invitation counts: every scope's metrics, response rate and marked changes,
 * the tier signals, the miss-us score standardised by tier, and whether the
 * tiers answered at such different rates that the pooled figures mislead.
 * Pure, so that the null simulation runs exactly what the page shows.
 */
import { driverImportance, type DriverImportance } from './driver-importance';
import { computeMetrics, missUsAnswered, missUsTally, type Metrics } from './metrics';
import { markChanges, periodChanges, type PeriodChanges, type Responses } from './period-changes';
import type { PeriodTablesOf } from './period-trends';
import { buildAnalysisReport } from './report';
import { computeDrivers, SIGNIFICANCE_LEVEL, type TierSignals } from './signals';
import type { PeriodTables } from './tables';

/** Response rates of two tiers further apart than this (15 points) get a warning. */
export const RESPONSE_RATE_GAP_WARNING = 0.15;

/** Customers per tier of a period: invited and delivered (each customer once), and all with the tier. */
export interface InvitationCount {
  tier: string;
  invited: number;
  delivered: number;
  /** Customers who have this tier in the period, invited or not: the standardisation weights. */
  customers: number;
}

/** What a quarter's review is computed from. */
export interface PeriodData {
  period: string;
  tables: PeriodTables;
  invitations: InvitationCount[];
}

export interface ScopeReview {
  /** A tier label, or null for the whole period. */
  tier: string | null;
  metrics: Metrics;
  responseRate: { rate: number | null } & Responses;
  /** Null for the first period with data. */
  changes: PeriodChanges | null;
}

/**
 * The overall miss-us score with each tier weighted by its share of the
 * period's customers, so that a change in who answered does not move it.
 */
export interface StandardizedScore {
  score: number | null;
  /** The raw pooled score over all answers, for comparison. */
  pooled: number | null;
  /** Tiers left out because they had customers but no miss-us answers. */
  missingTiers: string[];
}

export interface PeriodReview {
  period: string;
  previousPeriod: string | null;
  overall: ScopeReview;
  byTier: ScopeReview[];
  signals: TierSignals;
  standardizedMissUs: StandardizedScore;
  /** Highest minus lowest tier response rate, when it exceeds 15 points; else null. */
  responseRateGap: { highest: string; lowest: string; gap: number } | null;
  /**
   * Per tier, how much each item weighs in missing the business (Shapley
   * shares of R²) and the item that leads stably, with the tier's own
   * Spearman correlations. Only when asked for, and only when the quarter's
   * overall drivers hold (see `reviewPeriod`); else empty.
   */
  drivers: Array<{ importance: DriverImportance; correlations: ReturnType<typeof computeDrivers> }>;
  /** Miss-us answers per tier (for the distribution chart). */
  missUsDistribution: Array<{ tier: string; very: number; somewhat: number; not: number; na: number }>;
}

function responsesOf(data: PeriodData, tier: string | null): Responses {
  const completed = data.tables.responses.filter((row) => tier === null || row.tier === tier).reduce((sum, row) => sum + row.count, 0);
  const delivered = data.invitations.filter((row) => tier === null || row.tier === tier).reduce((sum, row) => sum + row.delivered, 0);
  return { completed, delivered };
}

/** One scope's metrics and response rate, with its changes when a previous period is given; the review's figures, also for a campaign's own data. */
export function scopeReview(current: PeriodData, previous: PeriodData | undefined, tier: string | null): ScopeReview {
  const now = responsesOf(current, tier);
  return {
    tier,
    metrics: computeMetrics(current.tables, tier),
    responseRate: { ...now, rate: now.delivered > 0 ? now.completed / now.delivered : null },
    changes: previous ? periodChanges(current.tables, previous.tables, tier, { current: now, previous: responsesOf(previous, tier) }) : null,
  };
}

function distribution(tables: PeriodTables, tiers: readonly string[]) {
  return tiers.map((tier) => {
    const counts = { tier, very: 0, somewhat: 0, not: 0, na: 0 };
    for (const row of tables.missUs) if (row.tier === tier) counts[row.missUs] += row.count;
    return counts;
  });
}

/** Miss-us score standardised by the tiers' shares of the period's customers. */
export function standardizedMissUs(data: PeriodData, tiers: readonly string[]): StandardizedScore {
  const pooled = computeMetrics(data.tables, null).missUs.score;
  const customersOf = (tier: string) => data.invitations.find((row) => row.tier === tier)?.customers ?? 0;
  let weighted = 0;
  let weights = 0;
  const missingTiers: string[] = [];
  for (const tier of tiers) {
    const customers = customersOf(tier);
    if (customers === 0) continue;
    const tally = missUsTally(data.tables, tier);
    const answered = missUsAnswered(tally);
    if (answered === 0) {
      missingTiers.push(tier);
      continue;
    }
    weighted += customers * (tally.very / answered);
    weights += customers;
  }
  return { score: weights > 0 ? weighted / weights : null, pooled, missingTiers };
}

function responseRateGap(byTier: readonly ScopeReview[]): PeriodReview['responseRateGap'] {
  const rated = byTier.filter((scope) => scope.responseRate.rate !== null && scope.tier !== null);
  if (rated.length < 2) return null;
  const sorted = [...rated].sort((a, b) => b.responseRate.rate! - a.responseRate.rate!);
  const highest = sorted[0]!;
  const lowest = sorted[sorted.length - 1]!;
  const gap = highest.responseRate.rate! - lowest.responseRate.rate!;
  return gap > RESPONSE_RATE_GAP_WARNING ? { highest: highest.tier!, lowest: lowest.tier!, gap } : null;
}

/**
 * The review of one quarter. `history` holds earlier quarters' tables for
 * the miss-us trend (those within seven quarters are used).
 */
export function reviewPeriod(
  tiers: readonly string[],
  current: PeriodData,
  previous: PeriodData | undefined,
  history: readonly PeriodTablesOf[],
  options: { driversPerTier?: boolean } = {},
): PeriodReview {
  const report = buildAnalysisReport({
    period: current.period,
    previousPeriod: previous?.period ?? null,
    tiers,
    current: current.tables,
    previous: previous?.tables ?? null,
    history,
    responsesToFlag: [],
  });
  const scopes = [scopeReview(current, previous, null), ...tiers.map((tier) => scopeReview(current, previous, tier))];
  // The table's marks of a quarter are one family: all scopes, all figures.
  if (previous) {
    const marked = markChanges(scopes.map((scope) => scope.changes!));
    scopes.forEach((scope, index) => (scope.changes = marked[index]!));
  }
  const [overall, ...byTier] = scopes;
  // Per-tier importance is read only where the quarter's family says that
  // the items go with missing the business at all; without that gate, a
  // leader found in noise would be one more chance of a false finding.
  const driversHold = report.signals.drivers.some(
    (driver) => driver.rho !== null && driver.rho > 0 && driver.pBH !== null && driver.pBH < SIGNIFICANCE_LEVEL,
  );
  const drivers =
    options.driversPerTier && driversHold
      ? tiers.flatMap((tier) => {
          const importance = driverImportance(current.period, tier, current.tables.profiles ?? []);
          return importance === null ? [] : [{ importance, correlations: computeDrivers(current.tables, tier) }];
        })
      : [];
  return {
    period: current.period,
    previousPeriod: previous?.period ?? null,
    overall: overall!,
    byTier,
    signals: report.signals,
    standardizedMissUs: standardizedMissUs(current, tiers),
    responseRateGap: responseRateGap(byTier),
    drivers,
    missUsDistribution: distribution(current.tables, tiers),
  };
}
