import { describe, expect, it } from 'vitest';
import { buildPeriodTables } from './build-tables';
import { reviewPeriod, standardizedMissUs, type InvitationCount, type PeriodData } from './period-review';
import type { ResponseRow } from './response-row';

function rows(period: string, tier: string, very: number, other: number): ResponseRow[] {
  return Array.from({ length: very + other }, (_, index) => ({
    customerId: `${tier}${index}`, tier, period, completedAt: index,
    missUs: index < very ? 'very' : 'not',
    treatValued: 4, treatResponsive: 4, treatEqual: 4, treatPromise: 4, benefit: 4, csat: 4, recommend: 9,
    missMost: '', alternative: '', improve: '',
  }));
}

function data(period: string, answers: Record<string, [number, number]>, invitations: InvitationCount[]): PeriodData {
  const all = Object.entries(answers).flatMap(([tier, [very, other]]) => rows(period, tier, very, other));
  return { period, tables: buildPeriodTables(all), invitations };
}

describe('the overall score standardised by tier', () => {
  it('weights each tier by its share of the customers, not of the answers', () => {
    // A: 80 % of 50 answers, 100 customers; C: 20 % of 10 answers, 900 customers.
    const quarter = data('2026-Q1', { A: [40, 10], C: [2, 8] }, [
      { tier: 'A', invited: 100, delivered: 100, customers: 100 },
      { tier: 'C', invited: 900, delivered: 900, customers: 900 },
    ]);
    const result = standardizedMissUs(quarter, ['A', 'C']);
    expect(result.score).toBeCloseTo(0.1 * 0.8 + 0.9 * 0.2, 12);
    expect(result.pooled).toBeCloseTo(42 / 60, 12);
  });

  it('does not move when only the mix of who answered changes', () => {
    const customers = [
      { tier: 'A', invited: 100, delivered: 100, customers: 100 },
      { tier: 'B', invited: 100, delivered: 100, customers: 100 },
    ];
    const before = data('2026-Q1', { A: [30, 30], B: [10, 30] }, customers);
    const after = data('2026-Q2', { A: [15, 15], B: [20, 60] }, customers);
    expect(standardizedMissUs(after, ['A', 'B']).score).toBeCloseTo(standardizedMissUs(before, ['A', 'B']).score!, 12);
    expect(standardizedMissUs(after, ['A', 'B']).pooled).toBeLessThan(standardizedMissUs(before, ['A', 'B']).pooled!);
  });

  it('leaves out a tier without miss-us answers and says so', () => {
    const quarter = data('2026-Q1', { A: [5, 5] }, [
      { tier: 'A', invited: 10, delivered: 10, customers: 10 },
      { tier: 'B', invited: 10, delivered: 10, customers: 10 },
    ]);
    expect(standardizedMissUs(quarter, ['A', 'B'])).toEqual({ score: 0.5, pooled: 0.5, missingTiers: ['B'] });
  });
});

describe('the response rate warning', () => {
  const invitations = (deliveredB: number) => [
    { tier: 'A', invited: 100, delivered: 100, customers: 100 },
    { tier: 'B', invited: deliveredB, delivered: deliveredB, customers: deliveredB },
  ];

  it('warns when tier response rates are more than 15 points apart', () => {
    // A answers 60 %, B 40 %.
    const review = reviewPeriod(['A', 'B'], data('2026-Q1', { A: [30, 30], B: [20, 20] }, invitations(100)), undefined, []);
    expect(review.responseRateGap?.highest).toBe('A');
    expect(review.responseRateGap?.lowest).toBe('B');
    expect(review.responseRateGap?.gap).toBeCloseTo(0.2, 12);
  });

  it('stays quiet at 15 points or less', () => {
    // A 60 %, B 50 %.
    const review = reviewPeriod(['A', 'B'], data('2026-Q1', { A: [30, 30], B: [20, 20] }, invitations(80)), undefined, []);
    expect(review.responseRateGap).toBeNull();
  });
});
