import { describe, expect, it } from 'vitest';
import { LatestResponseChooser, latestPerCustomerAndPeriod } from './latest-responses';

describe('one response per customer and period', () => {
  it('keeps the latest completed response, and the later line on a tie', () => {
    const rows = [
      { customerId: 'a', period: '2026-Q1', completedAt: 300, label: 'a late' },
      { customerId: 'a', period: '2026-Q1', completedAt: 100, label: 'a early' },
      { customerId: 'b', period: '2026-Q1', completedAt: 200, label: 'b first line' },
      { customerId: 'b', period: '2026-Q1', completedAt: 200, label: 'b second line' },
      { customerId: 'a', period: '2026-Q2', completedAt: 50, label: 'a next quarter' },
    ];
    expect(latestPerCustomerAndPeriod(rows).map((row) => row.label)).toEqual(['a late', 'b second line', 'a next quarter']);
  });

  it('tells which customers repeat, and counts every row of a period it forgot', () => {
    const chooser = new LatestResponseChooser();
    chooser.offer('2026-Q1', 'a', 1, 1);
    chooser.offer('2026-Q1', 'a', 2, 2);
    chooser.offer('2026-Q1', 'b', 1, 3);
    expect(chooser.hasRepeats('a')).toBe(true);
    expect(chooser.hasRepeats('b')).toBe(false);
    expect(chooser.repeatsIn('2026-Q1', 'a')).toBe(true);
    expect(chooser.repeatsIn('2026-Q2', 'a')).toBe(false);
    expect(chooser.isChosen('2026-Q1', 'a', 1)).toBe(false);
    expect(chooser.isChosen('2026-Q1', 'a', 2)).toBe(true);
    chooser.forget('2026-Q1');
    expect(chooser.isChosen('2026-Q1', 'a', 1)).toBe(true);
  });

  it('grows past its first block of customers', () => {
    const chooser = new LatestResponseChooser();
    for (let number = 0; number < 5000; number++) chooser.offer('2026-Q1', `c${number}`, number, number);
    chooser.offer('2026-Q1', 'c4999', 10_000, 6000);
    expect(chooser.isChosen('2026-Q1', 'c4999', 4999)).toBe(false);
    expect(chooser.isChosen('2026-Q1', 'c4999', 6000)).toBe(true);
    expect(chooser.isChosen('2026-Q1', 'c17', 17)).toBe(true);
  });
});
