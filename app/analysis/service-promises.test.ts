import { describe, expect, it } from 'vitest';
import { twoProportionZTest } from './proportions';
import { reviewServicePromises, type PromiseAnswerCount, type PromiseItem } from './service-promises';

/** `agree` answers of 5 and `disagree` answers of 3 (neutral does not count as agreeing). */
function answers(tier: string, item: PromiseItem, agree: number, disagree: number): PromiseAnswerCount[] {
  return [
    { tier, item, value: 5, count: agree },
    { tier, item, value: 3, count: disagree },
  ].filter((row) => row.count > 0);
}

const TIERS = [
  { label: 'A', promise: 'Call back the same day' },
  { label: 'B', promise: 'Call back within two days' },
  { label: 'C', promise: null },
];

describe('service promises per tier', () => {
  it('counts 4 and 5 as agreeing, with the Wilson interval, and keeps each tier’s promise', () => {
    const review = reviewServicePromises('2026-Q4', TIERS, [
      { tier: 'A', item: 'treat_promise', value: 4, count: 6 },
      { tier: 'A', item: 'treat_promise', value: 5, count: 2 },
      { tier: 'A', item: 'treat_promise', value: 3, count: 1 },
      { tier: 'A', item: 'treat_promise', value: 1, count: 1 },
    ]);
    const a = review.tiers[0]!;
    expect(a.tier).toBe('A');
    expect(a.promise).toBe('Call back the same day');
    const promise = a.items.find((figure) => figure.item === 'treat_promise')!;
    expect(promise).toMatchObject({ agree: 8, n: 10, share: 0.8 });
    // Wilson 95 % interval of 8/10 (statsmodels proportion_confint method='wilson': 0.4902, 0.9433).
    expect(promise.low).toBeCloseTo(0.490165, 5);
    expect(promise.high).toBeCloseTo(0.943318, 5);
    expect(review.tiers[2]!.promise).toBeNull();
    expect(review.answered).toBe(true);
  });

  it('shows fewer than 10 answers as too few, and leaves them out of the comparisons', () => {
    const review = reviewServicePromises('2026-Q4', TIERS, [...answers('A', 'treat_promise', 2, 10), ...answers('C', 'treat_promise', 9, 0)]);
    const c = review.tiers[2]!.items.find((figure) => figure.item === 'treat_promise')!;
    expect(c).toMatchObject({ agree: 9, n: 9, share: null, low: null, high: null });
    expect(review.gaps).toEqual([]);
  });

  it('warns when a lower tier finds its promise kept significantly more often than a higher tier', () => {
    const review = reviewServicePromises('2026-Q4', TIERS, [
      ...answers('A', 'treat_promise', 61, 39),
      ...answers('B', 'treat_promise', 82, 18),
      ...answers('A', 'treat_responsive', 70, 30),
      ...answers('B', 'treat_responsive', 60, 40),
    ]);
    expect(review.gaps).toHaveLength(1);
    const gap = review.gaps[0]!;
    expect(gap.item).toBe('treat_promise');
    expect(gap.higher).toEqual({ tier: 'A', share: 0.61, n: 100 });
    expect(gap.lower).toEqual({ tier: 'B', share: 0.82, n: 100 });
    // z = 3.29: p = 0.0010, doubled by Holm over the family of two tests (A–B on each item).
    expect(gap.p).toBeCloseTo(twoProportionZTest(82, 100, 61, 100).p, 12);
    expect(gap.p).toBeCloseTo(0.001006, 5);
    expect(gap.pAdjusted).toBeCloseTo(2 * gap.p, 12);
    expect(gap.significant).toBe(true);
    expect(review.comparisons).toBe(2);
  });

  it('lists a lower tier ahead by chance as not significant', () => {
    const review = reviewServicePromises('2026-Q4', TIERS, [
      ...answers('A', 'treat_responsive', 6, 4),
      ...answers('B', 'treat_responsive', 8, 2),
    ]);
    expect(review.gaps).toHaveLength(1);
    const gap = review.gaps[0]!;
    expect(gap).toMatchObject({ item: 'treat_responsive', higher: { tier: 'A', share: 0.6 }, lower: { tier: 'B', share: 0.8 }, significant: false });
    expect(gap.p).toBeGreaterThan(0.3);
  });

  it('corrects for every pair of tiers: a gap significant alone is not once five tiers are compared', () => {
    const five = ['A', 'B', 'C', 'D', 'E'].map((label) => ({ label, promise: null }));
    // A against B alone: p ≈ 0.03.
    const counts = [...answers('A', 'treat_promise', 30, 20), ...answers('B', 'treat_promise', 40, 10)];
    expect(reviewServicePromises('2026-Q4', five.slice(0, 2), counts).gaps[0]!.significant).toBe(true);
    // With C, D and E answering like A on both items, twenty tests share the 5 %.
    const more = ['C', 'D', 'E'].flatMap((tier) => [...answers(tier, 'treat_promise', 30, 20), ...answers(tier, 'treat_responsive', 30, 20)]);
    const all = reviewServicePromises('2026-Q4', five, [...counts, ...answers('A', 'treat_responsive', 30, 20), ...answers('B', 'treat_responsive', 30, 20), ...more]);
    const gap = all.gaps.find((g) => g.higher.tier === 'A' && g.lower.tier === 'B')!;
    expect(gap.significant).toBe(false);
    expect(gap.pAdjusted).toBeGreaterThan(0.05);
  });

  it('puts significant gaps first, and never compares a tier with one below it that does worse', () => {
    const review = reviewServicePromises('2026-Q4', TIERS, [
      ...answers('A', 'treat_promise', 50, 50),
      ...answers('B', 'treat_promise', 90, 10),
      ...answers('C', 'treat_promise', 55, 45),
    ]);
    expect(review.gaps.map((gap) => [gap.higher.tier, gap.lower.tier, gap.significant])).toEqual([
      ['A', 'B', true],
      ['A', 'C', false],
    ]);
  });

  it('does not call a lower tier ahead when the percentages shown are the same', () => {
    // 67.5 % and 68 % both read as 68 %.
    const review = reviewServicePromises('2026-Q4', TIERS, [...answers('B', 'treat_promise', 135, 65), ...answers('C', 'treat_promise', 136, 64)]);
    expect(review.gaps).toEqual([]);
    const ahead = reviewServicePromises('2026-Q4', TIERS, [...answers('B', 'treat_promise', 135, 65), ...answers('C', 'treat_promise', 138, 62)]);
    expect(ahead.gaps.map((gap) => [gap.higher.tier, gap.lower.tier])).toEqual([['B', 'C']]);
  });

  it('has nothing to say without answers', () => {
    const review = reviewServicePromises('2026-Q4', TIERS, []);
    expect(review.answered).toBe(false);
    expect(review.gaps).toEqual([]);
    expect(review.tiers.map((tier) => tier.items.map((figure) => figure.n))).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });
});
