/**
 * The analysis document of one period: metrics overall and per tier, tier
 * signals and flags. This is what `npm run cli -- analyze` prints and what the
 * quarterly tier review reads.
 */
import { computeFlags } from './flags';
import type { Flag, FlaggableResponse } from './flags';
import { computeMetrics } from './metrics';
import type { Metrics } from './metrics';
import { computeTierSignals } from './signals';
import type { TierSignals } from './signals';
import type { PeriodTablesOf } from './period-trends';
import type { PeriodTables } from './tables';

/** The analysis of one period. */
export interface AnalysisReport {
  period: string;
  /** The latest period with responses before `period`, or null. */
  previousPeriod: string | null;
  /** Tier labels, best first. */
  tiers: string[];
  overall: Metrics;
  byTier: Record<string, Metrics>;
  signals: TierSignals;
  /** Sorted by customer id, then kind. */
  flags: Flag[];
}

/** Everything the report of a period is computed from. */
export interface AnalysisInput {
  period: string;
  previousPeriod: string | null;
  /** Tier labels, best first; tables may hold only these tiers. */
  tiers: readonly string[];
  /** Frequency tables of `period`. */
  current: PeriodTables;
  /** Frequency tables of `previousPeriod`, or null without one. */
  previous: PeriodTables | null;
  /**
   * Frequency tables of earlier periods for the miss-us trend; those from
   * seven quarters before `period` on are used. Without them there is no trend.
   */
  history?: readonly PeriodTablesOf[];
  /** The responses of `period`, for the per-customer flag rules. */
  responsesToFlag: readonly FlaggableResponse[];
}

/**
 * Builds the analysis document of a period from its frequency tables, the
 * previous period's tables and the responses to flag.
 */
export function buildAnalysisReport(input: AnalysisInput): AnalysisReport {
  const { tiers, current, previous } = input;
  const history = input.history ?? [];
  for (const tables of [current, ...(previous === null ? [] : [previous]), ...history.map((entry) => entry.tables)]) {
    assertKnownTiers(tables, tiers);
  }
  return {
    period: input.period,
    previousPeriod: input.previousPeriod,
    tiers: [...tiers],
    overall: computeMetrics(current, null),
    byTier: Object.fromEntries(tiers.map((tier) => [tier, computeMetrics(current, tier)])),
    signals: computeTierSignals(input.period, current, previous, tiers, history),
    flags: computeFlags(input.responsesToFlag, tiers),
  };
}

/** A table row of an unlisted tier would silently drop out of every tier figure. */
function assertKnownTiers(tables: PeriodTables, tiers: readonly string[]): void {
  const known = new Set(tiers);
  const rows = [...tables.responses, ...tables.missUs, ...tables.pti, ...tables.scales, ...tables.drivers, ...(tables.profiles ?? [])];
  const stray = rows.find((row) => !known.has(row.tier));
  if (stray !== undefined) throw new RangeError(`tables hold tier "${stray.tier}", which is not in the tier list`);
}
