import { describe, expect, it } from 'vitest';
import { cliffsDelta, kruskalWallis, mannWhitneyU, midranks, sortedCounts, spearman, tieTerm } from './rank-statistics';
import type { ValueCount } from './rank-statistics';

/** Count list of raw observations, the way a GROUP BY would deliver them. */
function counts(values: number[]): ValueCount[] {
  return sortedCounts(values.map((value) => ({ value, count: 1 })));
}

function pairs(xs: number[], ys: number[]) {
  return xs.map((x, index) => ({ x, y: ys[index]!, count: 1 }));
}

// Expected values from SciPy 1.17 on the same observations.
describe('rank statistics from counts', () => {
  it('gives tied values their midrank and the tie term Σ(t³ − t)', () => {
    const sorted = counts([3, 1, 3, 2, 3, 1]);
    expect(sorted).toEqual([
      { value: 1, count: 2 },
      { value: 2, count: 1 },
      { value: 3, count: 3 },
    ]);
    expect(midranks(sorted)).toEqual([1.5, 3, 5]);
    expect(tieTerm(sorted)).toBe(6 + 0 + 24);
  });

  it('matches mannwhitneyu(asymptotic, continuity) with ties', () => {
    const result = mannWhitneyU(counts([1, 2, 2, 3, 3, 3]), counts([2, 3, 3, 4, 4, 5, 5]));
    expect(result.u).toBe(7);
    expect(result.p).toBeCloseTo(0.04535219143280889, 14);
  });

  it('reports p = 1 when every value is tied, as SciPy does', () => {
    expect(mannWhitneyU(counts([3, 3]), counts([3]))).toEqual({ u: 1, p: 1 });
  });

  it('matches kruskal with ties, and is undefined for constant data', () => {
    const result = kruskalWallis([counts([1, 2, 2, 3, 3, 3]), counts([2, 3, 3, 4, 4, 5, 5]), counts([1, 1, 5])]);
    expect(result!.h).toBeCloseTo(4.032899094722899, 12);
    expect(result!.p).toBeCloseTo(0.13312728912495622, 14);
    expect(kruskalWallis([counts([4, 4]), counts([4])])!.h).toBeNaN();
    expect(kruskalWallis([counts([4, 4])])).toBeNull();
  });

  it('matches spearmanr, including its undefined cases', () => {
    const tied = spearman(pairs([0, 0, 1, 1, 2, 2, 2], [1, 2, 2, 3, 3, 4, 4]));
    expect(tied.rho).toBeCloseTo(0.8838701347451107, 14);
    expect(tied.p).toBeCloseTo(0.008284110930798881, 14);
    expect(tied.n).toBe(7);
    expect(spearman(pairs([1, 2, 3, 4], [2, 4, 6, 8]))).toEqual({ rho: 1, p: 0, n: 4 });
    const constant = spearman(pairs([1, 2, 3, 4], [1, 1, 1, 1]));
    expect([constant.rho, constant.p]).toEqual([Number.NaN, Number.NaN]);
    const two = spearman(pairs([1, 2], [5, 3]));
    expect(two.rho).toBe(-1);
    expect(two.p).toBeNaN();
    expect(spearman([]).n).toBe(0);
  });

  it('counts Cliff\'s delta over all pairs', () => {
    // a > b in 4 pairs (3>1, 5>1, 5>3, 5>4), a < b in 3 (1<3, 1<4, 3<4), 2 ties: (4 − 3) / 9
    expect(cliffsDelta(counts([1, 3, 5]), counts([1, 3, 4]))).toBeCloseTo(1 / 9, 15);
    expect(cliffsDelta(counts([1, 3, 4]), counts([1, 3, 5]))).toBeCloseTo(-1 / 9, 15);
    expect(cliffsDelta(counts([5, 5]), counts([1, 2]))).toBe(1);
    expect(cliffsDelta(counts([2]), counts([2]))).toBe(0);
  });
});
