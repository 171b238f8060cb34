/**
 * Tests for shares that stay honest with small samples: Fisher's exact test
 * of a 2 × 2 table, and the Cochran–Armitage test for a trend in a share
 * over ordered periods. With 3 of 3 against 0 of 3 the pooled z test says
 * p = 0.014, Fisher's exact test p = 0.10.
 */
import { normalTwoSidedP } from './distributions';

/**
 * Relative tolerance under which two table probabilities count as equal.
 * Mirror-image tables have mathematically equal probabilities that the
 * recurrence below can miss by a few units in the last place; a real
 * difference this small does not occur for counts that fit in memory.
 */
const EQUAL_PROBABILITY = 1e-7;

/**
 * Two-sided p of Fisher's exact test of [[a, b], [c, d]], as SciPy's
 * `fisher_exact(...).pvalue`: the probability, with all margins fixed, of a
 * table no more likely than the observed one. 1 when a row or column is
 * empty.
 *
 * The hypergeometric probabilities of the first cell are built by the ratio
 * of neighbours in log space, relative to the most likely table, so neither
 * factorials nor underflow limit the precision: O(min(row, column)) steps.
 */
export function fisherExactP(a: number, b: number, c: number, d: number): number {
  const firstRow = a + b;
  const secondRow = c + d;
  const firstColumn = a + c;
  const total = firstRow + secondRow;
  if (firstRow === 0 || secondRow === 0 || firstColumn === 0 || firstColumn === total) return 1;
  const lowest = Math.max(0, firstColumn - secondRow);
  const highest = Math.min(firstRow, firstColumn);
  const logWeights = new Float64Array(highest - lowest + 1);
  let peak = 0;
  for (let k = lowest; k < highest; k++) {
    const ratio = ((firstRow - k) * (firstColumn - k)) / ((k + 1) * (secondRow - firstColumn + k + 1));
    const next = logWeights[k - lowest]! + Math.log(ratio);
    logWeights[k + 1 - lowest] = next;
    if (next > peak) peak = next;
  }
  const observed = logWeights[a - lowest]! + Math.log1p(EQUAL_PROBABILITY);
  let all = 0;
  let asExtreme = 0;
  for (let index = 0; index < logWeights.length; index++) {
    // exp() of less than −746 is exactly 0 in doubles: such a table adds
    // nothing to either sum, and with thousands of answers most tables are
    // that unlikely, so their exp() is skipped (the result is the same to the bit).
    if (logWeights[index]! - peak < -746) continue;
    const weight = Math.exp(logWeights[index]! - peak);
    all += weight;
    if (logWeights[index]! <= observed) asExtreme += weight;
  }
  return Math.min(asExtreme / all, 1);
}

/** A share in one period of a trend: `hits` of `trials`, at quarter `t`. */
export interface TrendPoint {
  /** Quarter index relative to the first period (0, 1, 3, … with gaps). */
  t: number;
  hits: number;
  trials: number;
}

/** The Cochran–Armitage statistic; null figures when the variance is 0. */
export interface TrendTest {
  /** Change in the share per quarter, T / S. */
  slope: number | null;
  z: number | null;
  /** Two-sided normal p. */
  p: number | null;
}

/**
 * Cochran–Armitage test for a linear trend in a share over ordered periods,
 * with the quarter index as score: N = Σn, p̄ = Σx / N,
 * T = Σ t(x − n p̄), S = Σ n t² − (Σ n t)² / N, V = p̄(1 − p̄) S, z = T / √V.
 */
export function cochranArmitage(points: readonly TrendPoint[]): TrendTest {
  let trials = 0;
  let hits = 0;
  let weightedT = 0;
  let weightedT2 = 0;
  for (const { t, hits: x, trials: n } of points) {
    trials += n;
    hits += x;
    weightedT += n * t;
    weightedT2 += n * t * t;
  }
  if (trials === 0) return { slope: null, z: null, p: null };
  const share = hits / trials;
  let statistic = 0;
  for (const { t, hits: x, trials: n } of points) statistic += t * (x - n * share);
  const spread = weightedT2 - (weightedT * weightedT) / trials;
  const variance = share * (1 - share) * spread;
  if (!(variance > 0)) return { slope: null, z: null, p: null };
  const z = statistic / Math.sqrt(variance);
  return { slope: statistic / spread, z, p: normalTwoSidedP(z) };
}
