import { describe, expect, it } from 'vitest';
import { cochranArmitage, fisherExactP } from './exact-tests';
import { benjaminiHochberg, benjaminiHochbergOfPresent } from './multiple-comparisons';
import { twoProportionZTest } from './proportions';

// Values from SciPy 1.17: scipy.stats.fisher_exact(table).pvalue,
// scipy.stats.false_discovery_control(ps, method="bh").
const FISHER: Array<[[number, number], [number, number], number]> = [
  [[3, 0], [0, 3], 0.10000000000000002],
  [[10, 20], [30, 40], 0.5044757698516285],
  [[5, 5], [5, 5], 1],
  [[0, 10], [10, 0], 1.082508822446903e-5],
  [[1, 9], [11, 3], 0.0027594561852200836],
  [[2, 8], [8, 2], 0.023014137565221155],
  [[400, 600], [460, 540], 0.007686551076476986],
  [[0, 5], [0, 7], 1],
  [[1, 0], [0, 0], 1],
  [[20, 80], [80, 20], 6.753923694513967e-18],
];

describe('fisherExactP', () => {
  it.each(FISHER)('agrees with SciPy for %j %j', (first, second, expected) => {
    const p = fisherExactP(first[0], first[1], second[0], second[1]);
    expect(Math.abs(p - expected)).toBeLessThanOrEqual(Math.max(1e-12, 1e-9 * expected));
  });

  it('is far less alarmed than the z test by 3 of 3 against 0 of 3', () => {
    expect(twoProportionZTest(3, 3, 0, 3).p).toBeLessThan(0.05);
    expect(fisherExactP(3, 0, 0, 3)).toBeGreaterThan(0.05);
  });

  it('is symmetric in rows and columns', () => {
    expect(fisherExactP(7, 3, 2, 9)).toBeCloseTo(fisherExactP(2, 9, 7, 3), 14);
    expect(fisherExactP(7, 3, 2, 9)).toBeCloseTo(fisherExactP(7, 2, 3, 9), 14);
  });
});

describe('cochranArmitage', () => {
  it('follows the textbook formula', () => {
    const points = [
      { t: 0, hits: 40, trials: 100 },
      { t: 1, hits: 35, trials: 100 },
      { t: 3, hits: 30, trials: 100 },
    ];
    const N = 300;
    const share = 105 / N;
    const T = 0 * (40 - 100 * share) + 1 * (35 - 100 * share) + 3 * (30 - 100 * share);
    const S = 100 * (0 + 1 + 9) - (100 * 4) ** 2 / N;
    const result = cochranArmitage(points);
    expect(result.slope).toBeCloseTo(T / S, 12);
    expect(result.z).toBeCloseTo(T / Math.sqrt(share * (1 - share) * S), 12);
    expect(result.z!).toBeLessThan(0);
    expect(result.p).toBeGreaterThan(0);
  });

  it('has no statistic without variance', () => {
    expect(cochranArmitage([{ t: 0, hits: 5, trials: 5 }, { t: 1, hits: 7, trials: 7 }, { t: 2, hits: 1, trials: 1 }])).toEqual({ slope: null, z: null, p: null });
    expect(cochranArmitage([])).toEqual({ slope: null, z: null, p: null });
  });
});

describe('benjaminiHochberg', () => {
  it('agrees with SciPy', () => {
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, 0.04]);
    [0.03, 0.048, 0.048, 0.03, 0.5, 0.048].forEach((expected, index) => expect(adjusted[index]).toBeCloseTo(expected, 14));
    expect(benjaminiHochberg([0.9, 0.95])).toEqual([0.95, 0.95]);
    expect(benjaminiHochberg([])).toEqual([]);
  });

  it('leaves null p-values out of the family', () => {
    const adjusted = benjaminiHochbergOfPresent([0.01, null, 0.04]);
    expect(adjusted[1]).toBeNull();
    expect(adjusted[0]).toBeCloseTo(0.02, 14);
    expect(adjusted[2]).toBeCloseTo(0.04, 14);
  });
});
