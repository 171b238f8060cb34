import { describe, expect, it } from 'vitest';
import {
  expectedReport,
  readFixtureRows,
  referenceCases,
  referenceDifferences,
} from '../../tests/fixtures/analysis/reference';
import { buildPeriodTables } from './build-tables';
import { EarlierPtiSearch } from './earlier-pti';
import { flagCandidateOf, flaggableResponseOf } from './flags';
import { computeMetrics } from './metrics';
import { buildAnalysisReport } from './report';
import { ptiTwelfthsOf } from './response-row';
import { emptyPeriodTables, periodTablesSchema } from './tables';
import type { PeriodTables } from './tables';

/** Tables as PostgreSQL would hand them over: bigint counts as strings, rows in any order. */
function asSqlResult(tables: PeriodTables): unknown {
  const stringify = <Row extends { count: number }>(rows: Row[]) => rows.map((row) => ({ ...row, count: String(row.count) })).reverse();
  return {
    responses: stringify(tables.responses),
    missUs: stringify(tables.missUs),
    pti: stringify(tables.pti).map((row) => ({ ...row, ptiTwelfths: String(row.ptiTwelfths) })),
    scales: stringify(tables.scales),
    drivers: stringify(tables.drivers),
  };
}

describe('buildAnalysisReport from SQL-shaped tables', () => {
  it('gives the reference document from parsed tables', () => {
    const testCase = referenceCases().find(({ name }) => name === 'eroding-custom-order')!;
    const rows = readFixtureRows(testCase.csv);
    const tablesOf = (period: string) =>
      periodTablesSchema.parse(asSqlResult(buildPeriodTables(rows.filter((row) => row.period === period))));
    const search = new EarlierPtiSearch(rows.filter((row) => row.period === testCase.period).map((row) => flagCandidateOf(row)));
    for (const row of rows) {
      const pti = ptiTwelfthsOf(row);
      if (pti !== null) search.offer(row.customerId, row.completedAt, pti);
    }
    const report = buildAnalysisReport({
      period: testCase.period,
      previousPeriod: '2025-Q4',
      tiers: testCase.tiers!,
      current: tablesOf(testCase.period),
      previous: tablesOf('2025-Q4'),
      history: ['2025-Q3', '2025-Q4'].map((period) => ({ period, tables: tablesOf(period) })),
      responsesToFlag: search.results(flaggableResponseOf),
    });
    expect(referenceDifferences(report, expectedReport(testCase))).toEqual([]);
  });

  it('refuses tables with a tier outside the tier list', () => {
    const tables: PeriodTables = { ...emptyPeriodTables(), responses: [{ tier: 'Z', count: 1 }] };
    expect(() =>
      buildAnalysisReport({ period: '2026-Q1', previousPeriod: null, tiers: ['A'], current: tables, previous: null, responsesToFlag: [] }),
    ).toThrow('tables hold tier "Z"');
  });

  it('reports figures without answers as null with n = 0', () => {
    expect(computeMetrics(emptyPeriodTables(), 'A')).toEqual({
      responses: 0,
      missUs: { score: null, low: null, high: null, n: 0 },
      wouldNotMiss: { share: null, n: 0 },
      pti: { mean: null, n: 0 },
      benefit: { mean: null, n: 0 },
      csat: { mean: null, n: 0 },
      nps: { score: null, n: 0 },
    });
  });

  it('rejects malformed tables at the boundary', () => {
    const bad = { ...emptyPeriodTables(), pti: [{ tier: 'A', ptiTwelfths: 61, count: '1' }] };
    expect(periodTablesSchema.safeParse(bad).success).toBe(false);
  });
});
