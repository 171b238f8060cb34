import { describe, expect, it } from 'vitest';
import { holmAdjust } from './multiple-comparisons';
import { newcombeDifference, twoProportionZTest, wilsonInterval } from './proportions';

describe('proportions', () => {
  it('gives the Wilson score interval, clamped at 0 and 1', () => {
    const interval = wilsonInterval(8, 20);
    expect(interval.low).toBeCloseTo(0.21880653237281708, 15);
    expect(interval.high).toBeCloseTo(0.6134184992377468, 15);
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(10, 10).high).toBeLessThanOrEqual(1);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775327998628892, 15);
  });

  it('reproduces Newcombe (1998), method 10, for 56/70 − 48/80', () => {
    const interval = newcombeDifference(56, 70, 48, 80);
    expect(interval.difference).toBeCloseTo(0.2, 15);
    expect(interval.low).toBeCloseTo(0.0524, 4);
    expect(interval.high).toBeCloseTo(0.3339, 4);
  });

  it('computes the pooled two-proportion z test, NaN without variance', () => {
    const test = twoProportionZTest(56, 70, 48, 80);
    expect(test.z).toBeCloseTo(2.6501719512585336, 13);
    expect(test.p).toBeCloseTo(0.00804508136819656, 15);
    const degenerate = twoProportionZTest(5, 5, 3, 3);
    expect(degenerate.z).toBeNaN();
    expect(degenerate.p).toBeNaN();
  });
});

describe('holmAdjust', () => {
  it('multiplies step-down, keeps the order monotone and caps at 1', () => {
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((expected, index) => expect(adjusted[index]).toBeCloseTo(expected, 15));
    expect(holmAdjust([0.5, 0.6])).toEqual([1, 1]);
    expect(holmAdjust([0.2])).toEqual([0.2]);
    expect(holmAdjust([])).toEqual([]);
  });
});
