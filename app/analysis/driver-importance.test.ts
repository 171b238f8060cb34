import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../db/seed/random';
import { driverImportance, MIN_IMPORTANCE_ANSWERS, poissonSample } from './driver-importance';
import type { DriverProfileCount, MissUsOrdinal } from './tables';

/** Profiles where miss-us follows `score(values)` plus noise. */
function profiles(seed: number, n: number, score: (values: number[]) => number): DriverProfileCount[] {
  const random = seededRandom(seed);
  const counts = new Map<string, DriverProfileCount>();
  for (let i = 0; i < n; i++) {
    const values = Array.from({ length: 5 }, () => 1 + random.int(5));
    const latent = score(values) + random.normal();
    const missUsOrdinal = (latent > 1 ? 2 : latent > -1 ? 1 : 0) as MissUsOrdinal;
    const key = `${missUsOrdinal}${values.join('')}`;
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { tier: 'B', missUsOrdinal, values, count: 1 });
  }
  return [...counts.values()];
}

describe('driverImportance', () => {
  it('splits R² into shares that add up to one and names a clear leader', () => {
    const data = profiles(1, 400, ([valued, , , , benefit]) => 0.9 * (valued! - 3) + 0.3 * (benefit! - 3));
    const result = driverImportance('2026-Q1', 'B', data)!;
    expect(result.n).toBe(400);
    expect(result.shares.reduce((sum, entry) => sum + entry.share, 0)).toBeCloseTo(1, 10);
    expect(result.leader).toBe('treat_valued');
    expect(result.lead.low).toBeGreaterThan(0);
    expect(result.rSquared).toBeGreaterThan(0.2);
    expect(result.shares.find((entry) => entry.item === 'benefit')!.share).toBeGreaterThan(
      result.shares.find((entry) => entry.item === 'treat_equal')!.share,
    );
  });

  it('gives independent items their squared correlations as Shapley values', () => {
    // With uncorrelated items, each Shapley value is the item's own R²; check via the ratio of two shares.
    const data = profiles(2, 3000, ([valued, responsive]) => 0.8 * (valued! - 3) + 0.4 * (responsive! - 3));
    const result = driverImportance('2026-Q1', 'B', data)!;
    const share = (item: string) => result.shares.find((entry) => entry.item === item)!.share;
    expect(share('treat_valued') / share('treat_responsive')).toBeGreaterThan(2.5);
    expect(share('treat_valued') / share('treat_responsive')).toBeLessThan(6);
  });

  it('names no leader when two items weigh the same', () => {
    const data = profiles(3, 300, ([valued, responsive]) => 0.6 * (valued! - 3) + 0.6 * (responsive! - 3));
    expect(driverImportance('2026-Q1', 'B', data)!.leader).toBeNull();
  });

  it('is the same for the same data and period (seeded bootstrap)', () => {
    const data = profiles(4, 200, ([valued]) => 0.5 * (valued! - 3));
    expect(driverImportance('2026-Q1', 'B', data)).toEqual(driverImportance('2026-Q1', 'B', data));
  });

  it('needs 30 complete answers and some relation at all', () => {
    expect(driverImportance('2026-Q1', 'B', profiles(5, MIN_IMPORTANCE_ANSWERS - 1, () => 0))).toBeNull();
    const constant: DriverProfileCount[] = [{ tier: 'B', missUsOrdinal: 2, values: [3, 3, 3, 3, 3], count: 50 }];
    expect(driverImportance('2026-Q1', 'B', constant)).toBeNull();
    expect(driverImportance('2026-Q1', 'A', profiles(6, 100, () => 0))).toBeNull();
  });

  it('gives the same result again for the same profiles, and works it out anew when one count changes', () => {
    const data = profiles(5, 600, ([valued]) => 0.7 * (valued! - 3));
    const first = driverImportance('2025-Q4', 'B', data)!;
    // A caller changing its result does not change the next caller's.
    first.shares[0]!.share = -1;
    first.lead.low = -1;
    const again = driverImportance('2025-Q4', 'B', data.map((profile) => ({ ...profile })))!;
    expect(again.shares[0]!.share).toBeGreaterThan(0);
    expect(again.lead.low).not.toBe(-1);
    // One more answer in one profile: the bootstrap runs again on the new counts.
    const changed = data.map((profile, index) => (index === 0 ? { ...profile, count: profile.count + 1 } : profile));
    const after = driverImportance('2025-Q4', 'B', changed)!;
    expect(after.n).toBe(601);
    expect(after.rSquared).not.toBe(again.rSquared);
    // Another tier's profiles in the same list do not matter to tier B.
    const withOther = [...data, { tier: 'A', missUsOrdinal: 2 as MissUsOrdinal, values: [5, 5, 5, 5, 5], count: 40 }];
    expect(driverImportance('2025-Q4', 'B', withOther)).toEqual(again);
  });

  it('draws the bootstrap weights exactly as seededRandom would, sample after sample', () => {
    // The draws as they were written before poissonSample carried the generator's state itself.
    const reference = (weights: Float64Array, seed: number, samples: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: samples }, () =>
        Array.from(weights, (mean) => {
          if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
          const limit = Math.exp(-mean);
          let product = random.next();
          let draws = 0;
          while (product > limit) {
            product *= random.next();
            draws++;
          }
          return draws;
        }),
      );
    };
    const pick = seededRandom(99);
    for (let round = 0; round < 50; round++) {
      // Means from 1 to 80 (both sides of the normal approximation's threshold) and empty profiles.
      const weights = Float64Array.from({ length: 1 + pick.int(300) }, () => (pick.chance(0.1) ? 0 : 1 + pick.int(80)));
      const seed = pick.int(2 ** 32);
      const limits = weights.map((weight) => Math.exp(-weight));
      const drawn: number[][] = [];
      let state = seed;
      for (let sample = 0; sample < 3; sample++) {
        const out = new Float64Array(weights.length);
        state = poissonSample(weights, limits, out, state);
        drawn.push(Array.from(out));
      }
      expect(drawn).toEqual(reference(weights, seed, 3));
    }
  });
});
