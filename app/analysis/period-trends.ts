/**
 * Is differentiation eroding? The miss-us score of each scope (the whole
 * period, then each tier) against the previous period with Fisher's exact
 * test, and over up to eight quarters with the Cochran–Armitage trend test.
 * The decisions (`eroding`, `falling`) are taken in signals.ts, after the
 * period's family of tests is adjusted.
 */
import { cochranArmitage, fisherExactP } from './exact-tests';
import { missUsAnswered, missUsTally } from './metrics';
import { twoProportionZTest } from './proportions';
import type { PeriodTables } from './tables';

/** Quarters a trend looks back from the analysed period (8 quarters in all). */
export const TREND_LOOKBACK_QUARTERS = 7;
/** A trend needs at least this many periods with miss-us answers. */
export const MIN_TREND_PERIODS = 3;

/** The frequency tables of one period. */
export interface PeriodTablesOf {
  period: string;
  tables: PeriodTables;
}

/** Miss-us score of a scope against the previous period. */
export interface ErosionCheck {
  /** `overall` or a tier label. */
  scope: string;
  previous: number;
  current: number;
  nPrevious: number;
  nCurrent: number;
  /** Pooled two-proportion z test (kept from the first contract). */
  z: number | null;
  p: number | null;
  /** Fisher's exact test of current against previous. */
  fisherP: number;
  /** Benjamini–Hochberg over the period's signals. */
  pBH: number | null;
  /** The score fell, both n ≥ 10, and pBH < 0.05. */
  eroding: boolean;
}

/** Cochran–Armitage trend of a scope's miss-us score over the last quarters. */
export interface TrendCheck {
  scope: string;
  /** The periods used, oldest first. */
  periods: string[];
  /** Change of the share per quarter. */
  slope: number | null;
  z: number | null;
  p: number | null;
  pBH: number | null;
  /** z < 0 and pBH < 0.05. */
  falling: boolean;
}

/** The scopes of every per-scope signal: the whole period, then each tier. */
export function scopesOf(tiers: readonly string[]): { scope: string; tier: string | null }[] {
  return [{ scope: 'overall', tier: null }, ...tiers.map((tier) => ({ scope: tier, tier }))];
}

/** Consecutive numbers for quarters: 2026-Q1 is one more than 2025-Q4. */
export function quarterIndex(period: string): number {
  return Number(period.slice(0, 4)) * 4 + Number(period.slice(-1)) - 1;
}

function missUsCounts(tables: PeriodTables, tier: string | null): { very: number; answered: number } {
  const tally = missUsTally(tables, tier);
  return { very: tally.very, answered: missUsAnswered(tally) };
}

/**
 * Miss-us score against the previous period, overall and then per tier;
 * scopes without miss-us answers in either period are left out. pBH and
 * `eroding` are filled in by the family control.
 */
export function computeErosion(
  current: PeriodTables,
  previous: PeriodTables | null,
  tiers: readonly string[],
): ErosionCheck[] {
  if (previous === null) return [];
  return scopesOf(tiers).flatMap(({ scope, tier }) => {
    const now = missUsCounts(current, tier);
    const before = missUsCounts(previous, tier);
    if (now.answered === 0 || before.answered === 0) return [];
    const test = twoProportionZTest(now.very, now.answered, before.very, before.answered);
    return [
      {
        scope,
        previous: before.very / before.answered,
        current: now.very / now.answered,
        nPrevious: before.answered,
        nCurrent: now.answered,
        z: Number.isFinite(test.z) ? test.z : null,
        p: Number.isFinite(test.p) ? test.p : null,
        fisherP: fisherExactP(now.very, now.answered - now.very, before.very, before.answered - before.very),
        pBH: null,
        eroding: false,
      },
    ];
  });
}

/**
 * Cochran–Armitage trends of the miss-us score, overall and then per tier,
 * over the periods of `history` from seven quarters before `period` up to
 * `period` that have miss-us answers in the scope; scopes with fewer than
 * three such periods are left out. pBH and `falling` are filled in by the
 * family control.
 */
export function computeTrends(period: string, history: readonly PeriodTablesOf[], tiers: readonly string[]): TrendCheck[] {
  const last = quarterIndex(period);
  const window = history
    .filter((entry) => quarterIndex(entry.period) <= last && quarterIndex(entry.period) >= last - TREND_LOOKBACK_QUARTERS)
    .sort((a, b) => quarterIndex(a.period) - quarterIndex(b.period));
  return scopesOf(tiers).flatMap(({ scope, tier }) => {
    const used = window
      .map((entry) => ({ period: entry.period, ...missUsCounts(entry.tables, tier) }))
      .filter((entry) => entry.answered > 0);
    if (used.length < MIN_TREND_PERIODS) return [];
    const first = quarterIndex(used[0]!.period);
    const test = cochranArmitage(
      used.map((entry) => ({ t: quarterIndex(entry.period) - first, hits: entry.very, trials: entry.answered })),
    );
    return [{ scope, periods: used.map((entry) => entry.period), ...test, pBH: null, falling: false }];
  });
}
