/**
 * Tier signals of a period (DESIGN.md, "Tier signals"): is the segmentation
 * visible in perceived treatment, does differentiation pay in miss-us, is it
 * eroding (since the previous period, or over the last quarters), and which
 * items drive miss-us. Everything is computed from the frequency tables; a
 * statistic that is undefined (NaN in SciPy) is reported as `null`.
 *
 * No false alarms: the period's tests form one family, adjusted with
 * Benjamini–Hochberg (`pBH`), and every decision reads the adjusted p and
 * needs at least 10 answers on each side it compares.
 */
import { fisherExactP } from './exact-tests';
import { missUsAnswered, missUsTally } from './metrics';
import { benjaminiHochbergOfPresent, holmAdjust } from './multiple-comparisons';
import { computeErosion, computeTrends } from './period-trends';
import type { ErosionCheck, PeriodTablesOf, TrendCheck } from './period-trends';
import { newcombeDifference, twoProportionZTest } from './proportions';
import { cliffsDelta, kruskalWallis, mannWhitneyU, spearman, totalOf } from './rank-statistics';
import type { PairCount, ValueCount } from './rank-statistics';
import { DRIVER_ITEMS } from './tables';
import type { DriverItem, PeriodTables } from './tables';

export type { ErosionCheck, TrendCheck } from './period-trends';

import { MIN_DECISION_ANSWERS, SIGNIFICANCE_LEVEL } from './decision-rules';

export { MIN_DECISION_ANSWERS, SIGNIFICANCE_LEVEL };
/** Cliff's delta from which a tier effect is more than negligible (Romano et al.). */
export const NEGLIGIBLE_CLIFFS_DELTA = 0.147;

/** Mann–Whitney comparison of the PTI of two tiers, `a` ranked before `b`. */
export interface PairwiseComparison {
  a: string;
  b: string;
  /** U statistic of tier `a`. */
  u: number;
  p: number;
  /** p adjusted with Holm over all pairs. */
  pHolm: number;
  cliffsDelta: number;
}

/** Does perceived treatment differ between tiers? */
export interface PtiSignals {
  kruskal: { h: number; p: number; pBH: number } | null;
  pairwise: PairwiseComparison[];
  tierSpearman: { rho: number; p: number | null } | null;
  /**
   * Kruskal–Wallis pBH < 0.05, the first and last tier with PTI values have
   * at least 10 each, and the first feels better treated than the last by
   * Cliff's delta ≥ 0.147.
   */
  segmentationVisible: boolean;
}

/** Miss-us score of the top tier against the bottom tier. */
export interface MissUsComparison {
  top: string;
  bottom: string;
  difference: number;
  /** Newcombe hybrid score interval of the difference. */
  low: number;
  high: number;
  /** Pooled two-proportion z test (kept from the first contract). */
  z: number | null;
  p: number | null;
  /** Fisher's exact test, two-sided. */
  fisherP: number;
  pBH: number | null;
  /** Both tiers have at least 10 answers, the top scores higher, pBH < 0.05. */
  pays: boolean;
}

/** Spearman correlation of one item with the miss-us answer. */
export interface DriverCorrelation {
  item: DriverItem;
  rho: number | null;
  p: number | null;
  pBH: number | null;
  n: number;
}

/** All tier signals of a period. */
export interface TierSignals {
  pti: PtiSignals;
  missUsTopVsBottom: MissUsComparison | null;
  drivers: DriverCorrelation[];
  eroding: ErosionCheck[];
  trend: TrendCheck[];
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** PTI counts of each tier that has PTI values, in tier order. */
function ptiByTier(tables: PeriodTables, tiers: readonly string[]): { tier: string; counts: ValueCount[] }[] {
  return tiers
    .map((tier) => ({
      tier,
      counts: tables.pti
        .filter((row) => row.tier === tier && row.count > 0)
        .map(({ ptiTwelfths, count }) => ({ value: ptiTwelfths, count })),
    }))
    .filter(({ counts }) => counts.length > 0);
}

/** What the segmentation decision needs besides the adjusted p. */
interface PtiEvidence {
  signals: PtiSignals;
  /** First and last tier with PTI values both have at least 10, and Cliff's delta ≥ 0.147. */
  largeEnough: boolean;
}

/** Kruskal–Wallis, pairwise Mann–Whitney with Holm, tier-vs-PTI Spearman. */
function ptiEvidence(tables: PeriodTables, tiers: readonly string[]): PtiEvidence {
  const groups = ptiByTier(tables, tiers);
  const kruskalResult = kruskalWallis(groups.map(({ counts }) => counts));
  // pBH is set by the family adjustment in `decide`.
  const kruskal =
    kruskalResult !== null && Number.isFinite(kruskalResult.h) ? { h: kruskalResult.h, p: kruskalResult.p, pBH: Number.NaN } : null;

  const pairs = groups.flatMap((first, index) => groups.slice(index + 1).map((second) => [first, second] as const));
  const tests = pairs.map(([first, second]) => mannWhitneyU(first.counts, second.counts));
  const adjusted = holmAdjust(tests.map(({ p }) => p));
  const pairwise = pairs.map(([first, second], index) => ({
    a: first.tier,
    b: second.tier,
    u: tests[index]!.u,
    p: tests[index]!.p,
    pHolm: adjusted[index]!,
    cliffsDelta: cliffsDelta(first.counts, second.counts),
  }));

  // PTI values are in twelfths: a monotone rescaling, which leaves ranks unchanged.
  const rankedPairs: PairCount[] = tables.pti
    .filter((row) => tiers.includes(row.tier))
    .map(({ tier, ptiTwelfths, count }) => ({ x: tiers.indexOf(tier) + 1, y: ptiTwelfths, count }));
  const correlation = spearman(rankedPairs);
  const tierSpearman = Number.isFinite(correlation.rho)
    ? { rho: correlation.rho, p: finiteOrNull(correlation.p) }
    : null;

  const first = groups[0];
  const last = groups[groups.length - 1];
  // Signed: a bottom tier that feels BETTER treated is no sign that customers notice the segmentation.
  const largeEnough =
    groups.length >= 2 &&
    totalOf(first!.counts) >= MIN_DECISION_ANSWERS &&
    totalOf(last!.counts) >= MIN_DECISION_ANSWERS &&
    cliffsDelta(first!.counts, last!.counts) >= NEGLIGIBLE_CLIFFS_DELTA;
  return { signals: { kruskal, pairwise, tierSpearman, segmentationVisible: false }, largeEnough };
}

/** Miss-us score of the first tier against the last; `null` without answers in both. */
export function computeMissUsTopVsBottom(tables: PeriodTables, tiers: readonly string[]): MissUsComparison | null {
  if (tiers.length < 2) return null;
  const top = tiers[0]!;
  const bottom = tiers[tiers.length - 1]!;
  const topTally = missUsTally(tables, top);
  const bottomTally = missUsTally(tables, bottom);
  const topAnswered = missUsAnswered(topTally);
  const bottomAnswered = missUsAnswered(bottomTally);
  if (topAnswered === 0 || bottomAnswered === 0) return null;
  const interval = newcombeDifference(topTally.very, topAnswered, bottomTally.very, bottomAnswered);
  const test = twoProportionZTest(topTally.very, topAnswered, bottomTally.very, bottomAnswered);
  const fisherP = fisherExactP(topTally.very, topAnswered - topTally.very, bottomTally.very, bottomAnswered - bottomTally.very);
  // pBH and pays are set by the family adjustment in `decide`.
  return { top, bottom, ...interval, z: finiteOrNull(test.z), p: finiteOrNull(test.p), fisherP, pBH: null, pays: false };
}

/** Answers of the top and bottom tier behind a comparison. */
function comparisonSizes(tables: PeriodTables, comparison: MissUsComparison): { top: number; bottom: number } {
  return {
    top: missUsAnswered(missUsTally(tables, comparison.top)),
    bottom: missUsAnswered(missUsTally(tables, comparison.bottom)),
  };
}

/**
 * Spearman of each driver item with the miss-us ordinal, over all tiers or,
 * with `tier`, within one tier (pooling tiers lets the tier itself pose as a
 * driver).
 */
export function computeDrivers(tables: PeriodTables, tier: string | null = null): DriverCorrelation[] {
  return DRIVER_ITEMS.map((item) => {
    const pairs = tables.drivers
      .filter((row) => row.item === item && (tier === null || row.tier === tier))
      .map(({ missUsOrdinal, value, count }) => ({ x: missUsOrdinal, y: value, count }));
    const { rho, p, n } = spearman(pairs);
    return { item, rho: finiteOrNull(rho), p: finiteOrNull(p), pBH: null, n };
  });
}

/**
 * Adjusts the period's family with Benjamini–Hochberg, in the contract's
 * order (kruskal, top vs bottom, each erosion, each trend, each driver), and
 * takes the decisions from the adjusted p-values.
 */
function decide(signals: TierSignals, evidence: PtiEvidence, tables: PeriodTables): TierSignals {
  const { pti, missUsTopVsBottom: comparison, eroding, trend, drivers } = signals;
  const family = [
    pti.kruskal?.p ?? null,
    comparison?.fisherP ?? null,
    ...eroding.map((check) => check.fisherP),
    ...trend.map((check) => check.p),
    ...drivers.map((driver) => driver.p),
  ];
  const adjusted = benjaminiHochbergOfPresent(family);
  let next = 0;
  const take = () => adjusted[next++] ?? null;
  const significant = (pBH: number | null) => pBH !== null && pBH < SIGNIFICANCE_LEVEL;

  const kruskalPBH = take();
  const kruskal = pti.kruskal === null ? null : { ...pti.kruskal, pBH: kruskalPBH! };
  const comparisonPBH = take();
  let decidedComparison: MissUsComparison | null = null;
  if (comparison !== null) {
    const sizes = comparisonSizes(tables, comparison);
    const pays =
      sizes.top >= MIN_DECISION_ANSWERS &&
      sizes.bottom >= MIN_DECISION_ANSWERS &&
      comparison.difference > 0 &&
      significant(comparisonPBH);
    decidedComparison = { ...comparison, pBH: comparisonPBH, pays };
  }
  return {
    pti: { ...pti, kruskal, segmentationVisible: kruskal !== null && significant(kruskal.pBH) && evidence.largeEnough },
    missUsTopVsBottom: decidedComparison,
    eroding: eroding.map((check) => {
      const pBH = take();
      const enough = check.nPrevious >= MIN_DECISION_ANSWERS && check.nCurrent >= MIN_DECISION_ANSWERS;
      return { ...check, pBH, eroding: check.current < check.previous && enough && significant(pBH) };
    }),
    trend: trend.map((check) => {
      const pBH = take();
      return { ...check, pBH, falling: check.z !== null && check.z < 0 && significant(pBH) };
    }),
    drivers: drivers.map((driver) => ({ ...driver, pBH: take() })),
  };
}

/**
 * Every tier signal of a period, given the previous period's tables if any
 * and the tables of earlier periods for the trend (any periods; those from
 * seven quarters before `period` on are used, and `current` always is).
 */
export function computeTierSignals(
  period: string,
  current: PeriodTables,
  previous: PeriodTables | null,
  tiers: readonly string[],
  history: readonly PeriodTablesOf[] = [],
): TierSignals {
  const evidence = ptiEvidence(current, tiers);
  const window = [...history.filter((entry) => entry.period !== period), { period, tables: current }];
  const undecided: TierSignals = {
    pti: evidence.signals,
    missUsTopVsBottom: computeMissUsTopVsBottom(current, tiers),
    drivers: computeDrivers(current),
    eroding: computeErosion(current, previous, tiers),
    trend: computeTrends(period, window, tiers),
  };
  return decide(undecided, evidence, current);
}
