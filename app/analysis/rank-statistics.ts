/**
 * Rank tests computed from counts instead of observations.
 *
 * With discrete answers, all observations that share a value share a midrank
 * (the mean of the ranks they occupy), exactly as `scipy.stats.rankdata(…,
 * 'average')` assigns them; a value held by t observations adds t³ − t to the
 * tie term. So a sorted list of (value, count) carries everything the
 * tie-corrected tests need, and the cost depends on the number of distinct
 * values, not on the number of responses. Each function mirrors the SciPy
 * 1.17 function named in its comment and returns NaN where SciPy does.
 */
import { chiSquareSf, normalSf, studentTTwoSidedP } from './distributions';

/** A distinct value and how many observations have it. */
export interface ValueCount {
  value: number;
  count: number;
}

/** A distinct (x, y) pair and how many observations have it. */
export interface PairCount {
  x: number;
  y: number;
  count: number;
}

/** Merges (value, count) entries into a list sorted by value, without zeros. */
export function sortedCounts(entries: Iterable<ValueCount>): ValueCount[] {
  const byValue = new Map<number, number>();
  for (const { value, count } of entries) byValue.set(value, (byValue.get(value) ?? 0) + count);
  return [...byValue]
    .filter(([, count]) => count > 0)
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => a.value - b.value);
}

/** Number of observations in a count list. */
export function totalOf(counts: readonly ValueCount[]): number {
  let total = 0;
  for (const { count } of counts) total += count;
  return total;
}

/** Midrank of each entry of a sorted count list (ranks start at 1). */
export function midranks(sorted: readonly ValueCount[]): number[] {
  let below = 0;
  return sorted.map(({ count }) => {
    const rank = below + (count + 1) / 2;
    below += count;
    return rank;
  });
}

/** Σ (t³ − t) over the tie groups of a count list. */
export function tieTerm(counts: readonly ValueCount[]): number {
  let term = 0;
  for (const { count } of counts) term += count * count * count - count;
  return term;
}

/**
 * Kruskal–Wallis H with tie correction and its chi-square p-value
 * (`scipy.stats.kruskal`). Groups must be non-empty; `null` with fewer than
 * two groups. H is NaN when every observation is equal, as in SciPy.
 */
export function kruskalWallis(groups: readonly (readonly ValueCount[])[]): { h: number; p: number } | null {
  if (groups.length < 2) return null;
  const pooled = sortedCounts(groups.flat());
  const rankOf = new Map(midranks(pooled).map((rank, index) => [pooled[index]!.value, rank]));
  const total = totalOf(pooled);
  const meanRank = (total + 1) / 2;
  // Σ nᵢ (R̄ᵢ − R̄)², the cancellation-free form of Σ Rᵢ²/nᵢ − N(N+1)²/4.
  let spread = 0;
  for (const group of groups) {
    let size = 0;
    let rankSum = 0;
    for (const { value, count } of group) {
      size += count;
      rankSum += count * rankOf.get(value)!;
    }
    spread += size * (rankSum / size - meanRank) ** 2;
  }
  const tieCorrection = 1 - tieTerm(pooled) / (total ** 3 - total);
  const h = ((12 / (total * (total + 1))) * spread) / tieCorrection;
  return { h, p: chiSquareSf(h, groups.length - 1) };
}

/**
 * Mann–Whitney U of sample `a` with the two-sided, tie-corrected normal
 * approximation and continuity correction, as
 * `scipy.stats.mannwhitneyu(a, b, method="asymptotic")`: the z statistic uses
 * the larger of U₁ and U₂, and p is clipped at 1. Both samples non-empty.
 */
export function mannWhitneyU(a: readonly ValueCount[], b: readonly ValueCount[]): { u: number; p: number } {
  const pooled = sortedCounts([...a, ...b]);
  const rankOf = new Map(midranks(pooled).map((rank, index) => [pooled[index]!.value, rank]));
  const sizeA = totalOf(a);
  const sizeB = totalOf(b);
  const total = sizeA + sizeB;
  let rankSumA = 0;
  for (const { value, count } of a) rankSumA += count * rankOf.get(value)!;
  const uA = rankSumA - (sizeA * (sizeA + 1)) / 2;
  const larger = Math.max(uA, sizeA * sizeB - uA);
  const sigma = Math.sqrt(((sizeA * sizeB) / 12) * (total + 1 - tieTerm(pooled) / (total * (total - 1))));
  // When every value is tied, sigma is 0 and z is −∞: SciPy then reports p = 1.
  const z = (larger - (sizeA * sizeB) / 2 - 0.5) / sigma;
  return { u: uA, p: Math.min(Math.max(2 * normalSf(z), 0), 1) };
}

/**
 * Cliff's delta of `a` versus `b`: (#{a > b} − #{a < b}) / (nₐ·n_b), counted
 * over all pairs from the two count lists. Both samples non-empty.
 */
export function cliffsDelta(a: readonly ValueCount[], b: readonly ValueCount[]): number {
  const sortedB = sortedCounts(b);
  const sizeB = totalOf(sortedB);
  let greater = 0;
  let less = 0;
  for (const { value, count } of a) {
    let below = 0;
    let above = 0;
    for (const other of sortedB) {
      if (other.value < value) below += other.count;
      else if (other.value > value) above += other.count;
    }
    greater += count * below;
    less += count * above;
  }
  return (greater - less) / (totalOf(a) * sizeB);
}

/**
 * Spearman's rho (Pearson correlation of midranks) and its two-sided p-value
 * from the t distribution with n − 2 degrees of freedom, as
 * `scipy.stats.spearmanr`. rho and p are NaN with fewer than 2 observations
 * or a constant variable; p is NaN with exactly 2 (no degree of freedom).
 */
export function spearman(pairs: readonly PairCount[]): { rho: number; p: number; n: number } {
  const xCounts = sortedCounts(pairs.map(({ x, count }) => ({ value: x, count })));
  const yCounts = sortedCounts(pairs.map(({ y, count }) => ({ value: y, count })));
  const n = totalOf(xCounts);
  if (n <= 1 || xCounts.length < 2 || yCounts.length < 2) return { rho: Number.NaN, p: Number.NaN, n };
  const meanRank = (n + 1) / 2;
  const xDeviation = centeredRanks(xCounts, meanRank);
  const yDeviation = centeredRanks(yCounts, meanRank);
  let sxy = 0;
  for (const { x, y, count } of pairs) sxy += count * xDeviation.get(x)! * yDeviation.get(y)!;
  const sxx = sumOfSquares(xCounts, xDeviation);
  const syy = sumOfSquares(yCounts, yDeviation);
  const rho = Math.min(Math.max(sxy / Math.sqrt(sxx * syy), -1), 1);
  const freedom = n - 2;
  const t = rho * Math.sqrt(Math.max(freedom / ((rho + 1) * (1 - rho)), 0));
  return { rho, p: freedom > 0 ? studentTTwoSidedP(t, freedom) : Number.NaN, n };
}

function centeredRanks(sorted: readonly ValueCount[], meanRank: number): Map<number, number> {
  const ranks = midranks(sorted);
  return new Map(sorted.map(({ value }, index) => [value, ranks[index]! - meanRank]));
}

function sumOfSquares(sorted: readonly ValueCount[], deviation: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const { value, count } of sorted) sum += count * deviation.get(value)! ** 2;
  return sum;
}
