import { describe, expect, it } from 'vitest';
import { analyze, csvFolder, RESPONSE_CSV_HEADER } from './analyze-test-io';

/** The `fit` key of the analyze command (docs/fit.md), from files with revenue and margin columns. */

const HEADER = RESPONSE_CSV_HEADER;
const { csvFile } = csvFolder('analyze-fit-test-');

describe('analyze command: fit', () => {
  it('adds revenue at risk per tier and each customer quadrant when the file has revenue and margin', async () => {
    const row = (id: string, tier: string, at: string, missUs: string, equal: number, revenue: string, margin: string) =>
      `${id},${tier},2026-Q3,2026-08-${at}T10:00:00Z,${missUs},4,4,${equal},4,4,4,9,,,,${revenue},${margin}`;
    const path = csvFile(
      `${HEADER},revenue,margin`,
      row('A1', 'A', '01', 'not', 4, '90000', '30000'), // at risk: would not miss us
      row('A2', 'A', '01', 'very', 1, '60000', '15000'), // at risk: second-class (treat_equal 1)
      row('A3', 'A', '01', 'very', 4, '50000', '10000'), // cherish
      row('B1', 'B', '01', 'not', 4, '20000', '4000'), // refer; answers again below
      row('B1', 'B', '20', 'somewhat', 4, '20000', '4000'), // serve differently (the later answer counts)
      row('B2', 'B', '01', 'not', 4, '10000.50', '2000'), // refer
      row('C1', 'C', '01', 'very', 4, '', ''), // no revenue imported
      // An earlier quarter does not count.
      `C9,C,2026-Q2,2026-05-01T10:00:00Z,not,4,4,4,4,4,4,9,,,,99999,1`,
    );
    const result = await analyze('--input', path, '--period', '2026-Q3');
    expect(result.stderr).not.toMatch(/line \d/);
    expect(result.code).toBe(0);
    const { fit } = JSON.parse(result.stdout);
    // Revenues 90000, 60000, 50000, 20000, 10000.50 → median 50000; only A1 and A2 are above it.
    expect(fit).toMatchObject({ period: '2026-Q3', totalsOf: 'answered', highValueAbove: 50000, answered: 6, withRevenue: 5 });
    expect(fit.byTier.map((tier: { tier: string }) => tier.tier)).toEqual(['A', 'B', 'C']);
    expect(fit.byTier[0].atRisk).toEqual({ customers: 2, revenue: 150000, margin: 45000, revenueShare: 0.75, marginShare: 45000 / 55000 });
    expect(fit.byTier[0].quadrants).toEqual({ cherish: 0, at_risk: 2, serve_differently: 1, refer: 0 });
    expect(fit.byTier[1].atRisk).toMatchObject({ customers: 1, revenue: 10000.5, margin: 2000 });
    expect(fit.byTier[1].total).toEqual({ tier: 'B', customers: 2, withRevenue: 2, revenue: 30000.5, margin: 6000 });
    expect(fit.byTier[2]).toMatchObject({ answered: 1, answeredWithRevenue: 0, atRisk: { customers: 0, revenue: 0, revenueShare: null } });
    const quadrant = (id: string) => fit.customers.find((c: { customerId: string }) => c.customerId === id).quadrant;
    expect(['A1', 'A2', 'A3', 'B1', 'B2', 'C1'].map(quadrant)).toEqual(['at_risk', 'at_risk', 'serve_differently', 'serve_differently', 'refer', null]);
    expect(fit.customers.find((c: { customerId: string }) => c.customerId === 'A2')).toMatchObject({ flagged: true, pti: 3.25, missUs: 'very' });
  });

  it('leaves the key out without money columns and names a bad amount', async () => {
    const plain = csvFile(HEADER, 'C1,A,2026-Q3,2026-08-01T10:00:00Z,very,4,4,4,4,4,4,9,,,');
    const result = await analyze('--input', plain, '--period', '2026-Q3');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).not.toHaveProperty('fit');
    const bad = csvFile(`${HEADER},revenue`, 'C1,A,2026-Q3,2026-08-01T10:00:00Z,very,4,4,4,4,4,4,9,,,,"1.000,00"');
    const failed = await analyze('--input', bad, '--period', '2026-Q3');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/line 2, column revenue: "1\.000,00" is not an amount like 1250\.50/);
  });
});
