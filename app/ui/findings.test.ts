import { describe, expect, it } from 'vitest';
import { buildPeriodTables } from '~/analysis/build-tables';
import { reviewPeriod, type PeriodData } from '~/analysis/period-review';
import type { ResponseRow } from '~/analysis/response-row';
import type { MissUsAnswer } from '~/analysis/tables';
import { tierReviewCsv } from '~/reports/review-csv';
import { translator } from '~/i18n';
import { reviewFindings, type QuarterFindings } from './findings';

const TIERS = ['A', 'B', 'C'];

/** A quarter in which `veryOf(tier)` customers of each tier's `sizes` answer "very", the rest "not". */
function quarter(index: number, sizes: Record<string, number>, veryOf: (tier: string) => number, pti: Record<string, number>): PeriodData {
  const period = `2024-Q${(index % 4) + 1}`.replace('2024', String(2024 + Math.floor(index / 4)));
  const rows: ResponseRow[] = [];
  for (const tier of TIERS) {
    for (let number = 0; number < sizes[tier]!; number++) {
      const item = pti[tier]! + ((number % 3) - 1) * (number % 2);
      rows.push({
        customerId: `${tier}${number}`, tier, period, completedAt: number,
        missUs: (number < veryOf(tier) ? 'very' : number % 5 === 0 ? 'somewhat' : 'not') as MissUsAnswer,
        treatValued: item, treatResponsive: item, treatEqual: item, treatPromise: item,
        benefit: 3, csat: 4, recommend: 8, missMost: '', alternative: '', improve: '',
      });
    }
  }
  const invitations = TIERS.map((tier) => ({ tier, invited: 200, delivered: 200, customers: 200 + (tier === 'C' ? 400 : 0) }));
  return { period, tables: buildPeriodTables(rows), invitations };
}

/** Eight quarters in which B falls steadily; C has 6 answers; A feels better treated than B. */
function decliningReview() {
  const sizes = { A: 80, B: 90, C: 6 };
  const data = Array.from({ length: 8 }, (_, index) =>
    quarter(index, sizes, (tier) => (tier === 'B' ? 60 - 6 * index : tier === 'A' ? 40 : index % 2 === 0 ? 6 : 0), { A: 4, B: 3, C: 4 }),
  );
  const history = data.slice(0, 7).map(({ period, tables }) => ({ period, tables }));
  const latest = reviewPeriod(TIERS, data[7]!, data[6], history);
  return { tiers: TIERS, periods: [latest] };
}

describe('findings in plain words', () => {
  it('speaks of a steady fall with n and interval, without p or ρ, and keeps the statistics apart', () => {
    const [{ period, findings }] = reviewFindings(decliningReview(), translator('en'), 'en', { allPeriods: true }) as [QuarterFindings];
    expect(period).toBe('2025-Q4');
    const texts = findings.map((finding) => finding.text);
    const fall = texts.find((text) => text.startsWith('B: '));
    expect(fall).toMatch(/^B: 20% would be very disappointed \(n = 90, likely between \d+% and \d+%\), falling steadily for 8 quarters\.$/);
    for (const text of texts) {
      expect(text).not.toMatch(/\bp\b|ρ|p =|z =/);
    }
    const statistics = findings.find((finding) => finding.text === fall)!.statistics!;
    expect(statistics).toMatch(/Cochran–Armitage trend test z = -?\d/);
    expect(statistics).toMatch(/adjusted p [=<] /);
  });

  it('says nothing about a tier with fewer than 10 answers', () => {
    const [{ findings }] = reviewFindings(decliningReview(), translator('en'), 'en') as [QuarterFindings];
    for (const finding of findings) expect(finding.text).not.toMatch(/\bC\b/);
  });

  it('writes German sentences too', () => {
    const [{ findings }] = reviewFindings(decliningReview(), translator('de'), 'de') as [QuarterFindings];
    expect(findings.map((finding) => finding.text)).toContainEqual(
      expect.stringMatching(/^B: 20\s% wären sehr enttäuscht \(n = 90, wahrscheinlich zwischen \d+\s% und \d+\s%\), seit 8 Quartalen stetig fallend\.$/),
    );
  });

  it('names a quarter where nothing stands out', () => {
    const flat = Array.from({ length: 2 }, (_, index) => quarter(index, { A: 30, B: 30, C: 30 }, () => 10, { A: 4, B: 4, C: 4 }));
    const review = { tiers: TIERS, periods: [reviewPeriod(TIERS, flat[1]!, flat[0], [])] };
    expect(reviewFindings(review, translator('en'), 'en')).toEqual([
      { period: '2024-Q2', findings: [{ text: 'Nothing in 2024-Q2 stands out beyond what chance alone would produce.', statistics: null }] },
    ]);
  });
});

describe('tier review CSV', () => {
  it('has the adjusted p, the mark and the standardised score', () => {
    const review = decliningReview();
    const [header, all, , b] = tierReviewCsv(review).replace('\uFEFF', '').trim().split('\r\n').map((line) => line.split(','));
    const column = (name: string) => header!.indexOf(name);
    expect(column('miss_us_change_p_adjusted')).toBeGreaterThan(0);
    expect(all![column('tier')]).toBe('all');
    // C has 6 of its 600 customers' answers, weighted by its large share of customers.
    const period = review.periods[0]!;
    expect(Number(all![column('miss_us_standardized')])).toBeCloseTo(period.standardizedMissUs.score!, 10);
    expect(period.standardizedMissUs.score).not.toBeCloseTo(period.standardizedMissUs.pooled!, 2);
    expect(b![column('tier')]).toBe('B');
    expect(['yes', 'no']).toContain(b![column('miss_us_change_marked')]);
    expect(b![column('miss_us_standardized')]).toBe('');
  });
});
