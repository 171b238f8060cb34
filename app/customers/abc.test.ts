import { describe, expect, it } from 'vitest';
import { abcTiers } from './abc';

describe('abcTiers', () => {
  it('assigns by the share of value ranked above each customer', () => {
    // total 100: shares before are 0, .5, .8, .9, .95, .98
    expect(abcTiers([50, 30, 10, 5, 3, 2])).toEqual(['A', 'A', 'B', 'B', 'C', 'C']);
  });

  it('keeps input order and ranks highest first', () => {
    expect(abcTiers([2, 50, 3, 30, 5, 10])).toEqual(['C', 'A', 'C', 'A', 'B', 'B']);
  });

  it('gives equal values the better tier', () => {
    // 40 | 40 (share before .4) | 10 10 (share before .8 → B for both) | ...
    expect(abcTiers([40, 40, 10, 10])).toEqual(['A', 'A', 'B', 'B']);
    // the tie straddles the A boundary: the first of the tie has share before .7 → both A
    expect(abcTiers([70, 10, 10, 10])).toEqual(['A', 'A', 'A', 'A']);
  });

  it('puts a value of zero in C, even when everything is zero', () => {
    expect(abcTiers([10, 0])).toEqual(['A', 'C']);
    expect(abcTiers([0, 0])).toEqual(['C', 'C']);
  });

  it('honours workspace thresholds', () => {
    expect(abcTiers([50, 30, 10, 5, 3, 2], { a: 0.5, b: 0.9 })).toEqual(['A', 'B', 'B', 'C', 'C', 'C']);
  });

  it('returns nothing for no customers', () => {
    expect(abcTiers([])).toEqual([]);
  });
});
