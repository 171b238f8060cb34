import { describe, expect, it } from 'vitest';
import { computePmfPlan, tenureBand, type PmfResponse } from '../../app/analysis/pmf-engine';
import { STARTER_THEMES } from '../../app/analysis/theme-starter';
import { ThemeMatcher } from '../../app/analysis/themes';
import { DEMO_PERIODS, generateDemoData } from './demo-generate';

describe('the demo for the product/market-fit plan', () => {
  it('has machine builders as the customers who would miss the company most, in the latest quarter', () => {
    const data = generateDemoData();
    const period = DEMO_PERIODS[DEMO_PERIODS.length - 1]!;
    const tierOf = new Map(data.tiers.filter((row) => row.period === period).map((row) => [row.customerIndex, row.tier]));
    const responses: PmfResponse[] = data.responses
      .filter((response) => response.period === period && response.completed)
      .map((response) => {
        const customer = data.customers[response.customerIndex]!;
        return {
          id: String(response.customerIndex),
          tier: tierOf.get(response.customerIndex)!,
          missUs: response.missUs,
          benefit: response.benefit,
          missMost: response.missMost,
          improve: response.improve,
          attributes: { industry: customer.industry, size: customer.size, region: customer.region, tenure: tenureBand(customer.customerSince, period) },
        };
      });
    const result = computePmfPlan(responses, new ThemeMatcher(STARTER_THEMES));
    const raising = result.findings.filter((finding) => finding.raises).map((finding) => `${finding.attribute}=${finding.value}`);
    expect(raising).toContain('industry=Maschinenbau');
    expect(raising.filter((value) => /^(size|region|tenure)=/.test(value))).toEqual([]);
    expect(result.doubleDown.points.length).toBeGreaterThan(0);
    expect(result.removeObstacle.points.length).toBeGreaterThan(0);
  });
});
