/**
 * The whole analysis from response rows held in memory: small data sets,
 * tests and fixtures. The CLI streams the same steps (app/cli/analyze.ts) and
 * the dashboards use SQL tables; all three meet in `buildAnalysisReport`.
 */
import { buildPeriodTables } from './build-tables';
import { EarlierPtiSearch } from './earlier-pti';
import { flagCandidateOf, flaggableResponseOf } from './flags';
import { latestPerCustomerAndPeriod } from './latest-responses';
import { quarterIndex, TREND_LOOKBACK_QUARTERS } from './period-trends';
import { buildAnalysisReport } from './report';
import type { AnalysisReport } from './report';
import { compareLabels, previousPeriodOf, ptiTwelfthsOf } from './response-row';
import type { ResponseRow } from './response-row';

/** Tier labels best first when none are given: the distinct labels, sorted. */
export function defaultTierOrder(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort(compareLabels);
}

/**
 * Analyses `period` from all rows of a data set (other periods give the
 * previous period, the trend and the customers' earlier PTIs). Only the
 * latest row per customer and period counts; every row counts as an earlier
 * response. Throws a RangeError when no row has `period`, or a row's tier is
 * not in `tiers`.
 */
export function analyzeResponses(
  rows: readonly ResponseRow[],
  options: { period: string; tiers?: readonly string[] },
): AnalysisReport {
  const { period } = options;
  const tiers = options.tiers ?? defaultTierOrder(rows.map((row) => row.tier));
  const stray = rows.find((row) => !tiers.includes(row.tier));
  if (stray !== undefined) throw new RangeError(`tier "${stray.tier}" is not in the tier list`);
  const periods = new Set(rows.map((row) => row.period));
  if (!periods.has(period)) throw new RangeError(`no response has period ${period}`);
  const previousPeriod = previousPeriodOf(period, periods);
  const counted = latestPerCustomerAndPeriod(rows);
  const rowsOf = (wanted: string) => counted.filter((row) => row.period === wanted);

  const candidates = rowsOf(period).map((row) => flagCandidateOf(row));
  const search = new EarlierPtiSearch(candidates);
  for (const row of rows) {
    const pti = ptiTwelfthsOf(row);
    if (pti !== null) search.offer(row.customerId, row.completedAt, pti);
  }

  const last = quarterIndex(period);
  const history = [...periods]
    .filter((candidate) => candidate !== period)
    .filter((candidate) => quarterIndex(candidate) < last && quarterIndex(candidate) >= last - TREND_LOOKBACK_QUARTERS)
    .map((candidate) => ({ period: candidate, tables: buildPeriodTables(rowsOf(candidate)) }));
  return buildAnalysisReport({
    period,
    previousPeriod,
    tiers,
    current: buildPeriodTables(rowsOf(period)),
    previous: previousPeriod === null ? null : buildPeriodTables(rowsOf(previousPeriod)),
    history,
    responsesToFlag: search.results(flaggableResponseOf),
  });
}
