import { describe, expect, it } from 'vitest';
import {
  expectedReport,
  readFixtureRows,
  referenceCases,
  referenceDifferences,
} from '../../tests/fixtures/analysis/reference';
import { analyzeResponses } from './analyze-responses';

describe('analyzeResponses against the SciPy reference', () => {
  for (const testCase of referenceCases()) {
    it(`matches ${testCase.name}`, () => {
      const report = analyzeResponses(readFixtureRows(testCase.csv), {
        period: testCase.period,
        ...(testCase.tiers === null ? {} : { tiers: testCase.tiers }),
      });
      expect(referenceDifferences(report, expectedReport(testCase))).toEqual([]);
    });
  }
});

describe('analyzeResponses input checks', () => {
  const rows = readFixtureRows('tiny-samples.csv');

  it('orders tiers alphabetically unless told otherwise', () => {
    expect(analyzeResponses(rows, { period: '2026-Q2' }).tiers).toEqual(['A', 'B', 'C']);
    expect(analyzeResponses(rows, { period: '2026-Q2', tiers: ['C', 'B', 'A', 'D'] }).byTier.D!.responses).toBe(0);
  });

  it('refuses an unknown period and a tier outside the list', () => {
    expect(() => analyzeResponses(rows, { period: '2027-Q1' })).toThrow('no response has period 2027-Q1');
    expect(() => analyzeResponses(rows, { period: '2026-Q2', tiers: ['A', 'B'] })).toThrow('tier "C"');
  });
});
