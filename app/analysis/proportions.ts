/**
 * Proportions: the Wilson score interval, Newcombe's hybrid score interval for
 * a difference, and the pooled two-proportion z test. SciPy has no function
 * for the two intervals; the fixture script computes them from the same
 * published formulas (Newcombe 1998, method 10).
 */
import { normalTwoSidedP } from './distributions';

/** z for a two-sided 95 % interval, Φ⁻¹(0.975), as SciPy gives it. */
export const Z_95 = 1.959963984540054;

/** A closed interval of proportions. */
export interface Interval {
  low: number;
  high: number;
}

/**
 * 95 % Wilson score interval for `successes` out of `trials` (no continuity
 * correction), clamped to [0, 1] against rounding at 0 % and 100 %.
 * `trials` must be positive.
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  const share = successes / trials;
  const zSquared = z * z;
  const denominator = 1 + zSquared / trials;
  const center = (share + zSquared / (2 * trials)) / denominator;
  const halfWidth =
    (z / denominator) * Math.sqrt((share * (1 - share)) / trials + zSquared / (4 * trials * trials));
  return { low: Math.max(center - halfWidth, 0), high: Math.min(center + halfWidth, 1) };
}

/**
 * Newcombe's hybrid score interval (method 10) for p₁ − p₂, built from the
 * two Wilson intervals. Both trial counts must be positive.
 */
export function newcombeDifference(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
): { difference: number } & Interval {
  const share1 = successes1 / trials1;
  const share2 = successes2 / trials2;
  const wilson1 = wilsonInterval(successes1, trials1);
  const wilson2 = wilsonInterval(successes2, trials2);
  const difference = share1 - share2;
  return {
    difference,
    low: difference - Math.hypot(share1 - wilson1.low, wilson2.high - share2),
    high: difference + Math.hypot(wilson1.high - share1, share2 - wilson2.low),
  };
}

/**
 * Pooled two-proportion z test of p₁ against p₂: z = (p₁ − p₂) / SE with the
 * pooled share in SE, and its two-sided normal p-value. Both are NaN when
 * the pooled share is 0 or 1 (no variance).
 */
export function twoProportionZTest(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
): { z: number; p: number } {
  const pooled = (successes1 + successes2) / (trials1 + trials2);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / trials1 + 1 / trials2));
  const z = (successes1 / trials1 - successes2 / trials2) / standardError;
  return { z, p: normalTwoSidedP(z) };
}
