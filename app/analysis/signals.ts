/**
 * Tier signals of a period (DESIGN.md, "Tier signals"): is the segmentation
 * visible in perceived treatment, does differentiation pay in miss-us, is it
 * eroding since the previous period, and which items drive miss-us.
 * Everything is computed from the frequency tables; a statistic that is
 * undefined (NaN in SciPy) is reported as `null`.
 */
import { missUsAnswered, missUsTally } from './metrics';
import { holmAdjust } from './multiple-comparisons';
import { newcombeDifference, twoProportionZTest } from './proportions';
import { cliffsDelta, kruskalWallis, mannWhitneyU, spearman } from './rank-statistics';
import type { PairCount, ValueCount } from './rank-statistics';
import { DRIVER_ITEMS } from './tables';
import type { DriverItem, PeriodTables } from './tables';

/** Below this p a difference counts as significant. */
export const SIGNIFICANCE_LEVEL = 0.05;
/** |Cliff's delta| from which a tier effect is more than negligible (Romano et al.). */
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
  kruskal: { h: number; p: number } | null;
  pairwise: PairwiseComparison[];
  tierSpearman: { rho: number; p: number | null } | null;
  /** Kruskal–Wallis p < 0.05 and |Cliff's delta| of first vs last tier ≥ 0.147. */
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
  z: number | null;
  p: number | null;
}

/** Spearman correlation of one item with the miss-us answer. */
export interface DriverCorrelation {
  item: DriverItem;
  rho: number | null;
  p: number | null;
  n: number;
}

/** Miss-us score of a scope against the previous period. */
export interface ErosionCheck {
  /** `overall` or a tier label. */
  scope: string;
  previous: number;
  current: number;
  z: number | null;
  p: number | null;
  /** The score fell and the fall is significant. */
  eroding: boolean;
}

/** All tier signals of a period. */
export interface TierSignals {
  pti: PtiSignals;
  missUsTopVsBottom: MissUsComparison | null;
  drivers: DriverCorrelation[];
  eroding: ErosionCheck[];
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

/** Kruskal–Wallis, pairwise Mann–Whitney with Holm, tier-vs-PTI Spearman. */
export function computePtiSignals(tables: PeriodTables, tiers: readonly string[]): PtiSignals {
  const groups = ptiByTier(tables, tiers);
  const kruskalResult = kruskalWallis(groups.map(({ counts }) => counts));
  const kruskal = kruskalResult !== null && Number.isFinite(kruskalResult.h) ? kruskalResult : null;

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

  const extremes = groups.length >= 2 ? cliffsDelta(groups[0]!.counts, groups[groups.length - 1]!.counts) : 0;
  const segmentationVisible =
    kruskal !== null && kruskal.p < SIGNIFICANCE_LEVEL && Math.abs(extremes) >= NEGLIGIBLE_CLIFFS_DELTA;
  return { kruskal, pairwise, tierSpearman, segmentationVisible };
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
  return { top, bottom, ...interval, z: finiteOrNull(test.z), p: finiteOrNull(test.p) };
}

/** Spearman of each driver item with the miss-us ordinal, over all tiers. */
export function computeDrivers(tables: PeriodTables): DriverCorrelation[] {
  return DRIVER_ITEMS.map((item) => {
    const pairs = tables.drivers
      .filter((row) => row.item === item)
      .map(({ missUsOrdinal, value, count }) => ({ x: missUsOrdinal, y: value, count }));
    const { rho, p, n } = spearman(pairs);
    return { item, rho: finiteOrNull(rho), p: finiteOrNull(p), n };
  });
}

/**
 * Miss-us score against the previous period, overall and then per tier;
 * scopes without miss-us answers in either period are left out.
 */
export function computeErosion(
  current: PeriodTables,
  previous: PeriodTables | null,
  tiers: readonly string[],
): ErosionCheck[] {
  if (previous === null) return [];
  const scopes: { scope: string; tier: string | null }[] = [
    { scope: 'overall', tier: null },
    ...tiers.map((tier) => ({ scope: tier, tier })),
  ];
  return scopes.flatMap(({ scope, tier }) => {
    const now = missUsTally(current, tier);
    const before = missUsTally(previous, tier);
    const nowAnswered = missUsAnswered(now);
    const beforeAnswered = missUsAnswered(before);
    if (nowAnswered === 0 || beforeAnswered === 0) return [];
    const currentScore = now.very / nowAnswered;
    const previousScore = before.very / beforeAnswered;
    const test = twoProportionZTest(now.very, nowAnswered, before.very, beforeAnswered);
    return [
      {
        scope,
        previous: previousScore,
        current: currentScore,
        z: finiteOrNull(test.z),
        p: finiteOrNull(test.p),
        eroding: currentScore < previousScore && test.p < SIGNIFICANCE_LEVEL,
      },
    ];
  });
}

/** Every tier signal of a period, given the previous period's tables if any. */
export function computeTierSignals(
  current: PeriodTables,
  previous: PeriodTables | null,
  tiers: readonly string[],
): TierSignals {
  return {
    pti: computePtiSignals(current, tiers),
    missUsTopVsBottom: computeMissUsTopVsBottom(current, tiers),
    drivers: computeDrivers(current),
    eroding: computeErosion(current, previous, tiers),
  };
}
