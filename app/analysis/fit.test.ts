import { describe, expect, it } from 'vitest';
import { computeFit, median, quadrantOf, type FitCustomer } from './fit';

function customer(customerId: string, tier: string, missUs: FitCustomer['missUs'], revenue: number | null, extra: Partial<FitCustomer> = {}): FitCustomer {
  return { customerId, tier, missUs, ptiTwelfths: 48, flagged: false, revenue, margin: revenue === null ? null : revenue / 4, ...extra };
}

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 1, 4, 6])).toBe(5);
  });
});

describe('quadrantOf', () => {
  it('sorts by miss-us answer and flag against revenue above the median', () => {
    expect(quadrantOf(customer('a', 'A', 'very', 200), 100)).toBe('cherish');
    expect(quadrantOf(customer('a', 'A', 'somewhat', 200), 100)).toBe('cherish');
    expect(quadrantOf(customer('a', 'A', 'not', 200), 100)).toBe('at_risk');
    expect(quadrantOf(customer('a', 'A', 'very', 200, { flagged: true }), 100)).toBe('at_risk');
    expect(quadrantOf(customer('a', 'A', 'very', 50), 100)).toBe('serve_differently');
    expect(quadrantOf(customer('a', 'A', 'not', 50), 100)).toBe('refer');
    expect(quadrantOf(customer('a', 'A', 'na', 50, { flagged: true }), 100)).toBe('refer');
  });

  it('counts revenue equal to the median as low value', () => {
    expect(quadrantOf(customer('a', 'A', 'very', 100), 100)).toBe('serve_differently');
  });

  it('places no customer without revenue, or without an answer and a flag', () => {
    expect(quadrantOf(customer('a', 'A', 'not', null), 100)).toBeNull();
    expect(quadrantOf(customer('a', 'A', 'na', 500), 100)).toBeNull();
    expect(quadrantOf(customer('a', 'A', null, 500), 100)).toBeNull();
    expect(quadrantOf(customer('a', 'A', 'very', 500), null)).toBeNull();
  });
});

describe('computeFit', () => {
  // Revenues 10, 20, 30, 40, 50, 60, 70 → median 40.
  const customers = [
    customer('a1', 'A', 'not', 70), // at risk
    customer('a2', 'A', 'very', 60, { flagged: true }), // at risk (flagged)
    customer('a3', 'A', 'very', 50), // cherish
    customer('b1', 'B', 'somewhat', 40), // serve differently (median itself)
    customer('b2', 'B', 'not', 30), // refer
    customer('b3', 'B', 'na', 20), // no quadrant
    customer('c1', 'C', 'very', 10), // serve differently
    customer('c2', 'C', 'not', null), // no revenue
  ];

  it('sums revenue and margin at risk per tier as a share of the answered total', () => {
    const fit = computeFit({ period: '2026-Q3', tiers: ['A', 'B', 'C'], customers });
    expect(fit.highValueAbove).toBe(40);
    expect(fit.totalsOf).toBe('answered');
    expect(fit.answered).toBe(8);
    expect(fit.withRevenue).toBe(7);
    const [a, b, c] = fit.byTier;
    expect(a!.atRisk).toEqual({ customers: 2, revenue: 130, margin: 32.5, revenueShare: 130 / 180, marginShare: 32.5 / 45 });
    expect(a!.quadrants).toEqual({ cherish: 1, at_risk: 2, serve_differently: 0, refer: 0 });
    expect(b!.atRisk).toMatchObject({ customers: 1, revenue: 30, revenueShare: 30 / 90 });
    expect(b!.quadrants).toEqual({ cherish: 0, at_risk: 0, serve_differently: 1, refer: 1 });
    // c2 would not miss us but has no revenue: counted as a customer, adds nothing.
    expect(c!.atRisk).toMatchObject({ customers: 1, revenue: 0, revenueShare: 0 });
    expect(c!.answered).toBe(2);
    expect(c!.answeredWithRevenue).toBe(1);
    expect(fit.quadrants.at_risk).toEqual({ customers: 2, revenue: 130, margin: 32.5 });
    expect(fit.quadrants.serve_differently).toEqual({ customers: 2, revenue: 50, margin: 12.5 });
  });

  it('uses the totals of all customers of a tier and the quarter median when given', () => {
    const fit = computeFit({
      period: '2026-Q3',
      tiers: ['A', 'B', 'C'],
      customers,
      tierTotals: [{ tier: 'A', customers: 10, withRevenue: 10, revenue: 1000, margin: 0 }],
      allRevenues: [55, 65, 1000],
    });
    expect(fit.totalsOf).toBe('all_customers');
    expect(fit.highValueAbove).toBe(65);
    expect(fit.byTier[0]!.atRisk).toMatchObject({ revenue: 130, revenueShare: 0.13, marginShare: null });
    // a3 (50) is below the quarter median now.
    expect(fit.customers.find((p) => p.customerId === 'a3')!.quadrant).toBe('serve_differently');
  });

  it('adds cents exactly', () => {
    const fit = computeFit({
      period: '2026-Q3',
      tiers: ['A'],
      customers: [customer('x', 'A', 'not', 0.1), customer('y', 'A', 'not', 0.2)],
    });
    expect(fit.byTier[0]!.atRisk.revenue).toBe(0.3);
  });

  it('has no median, quadrants or shares without revenue', () => {
    const fit = computeFit({ period: '2026-Q3', tiers: ['A'], customers: [customer('x', 'A', 'not', null), customer('y', 'A', 'very', null)] });
    expect(fit.highValueAbove).toBeNull();
    expect(fit.withRevenue).toBe(0);
    expect(fit.customers.every((p) => p.quadrant === null)).toBe(true);
    expect(fit.byTier[0]!.atRisk).toEqual({ customers: 1, revenue: 0, margin: 0, revenueShare: null, marginShare: null });
  });

  it('orders customers by tier, then revenue, and reports PTI on 1–5', () => {
    const fit = computeFit({ period: '2026-Q3', tiers: ['A', 'B', 'C'], customers });
    expect(fit.customers.map((p) => p.customerId)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1', 'c2']);
    expect(fit.customers[0]!.pti).toBe(4);
  });

  it('refuses a customer of an unlisted tier', () => {
    expect(() => computeFit({ period: '2026-Q3', tiers: ['A'], customers: [customer('x', 'Z', 'not', 1)] })).toThrow(RangeError);
  });
});
