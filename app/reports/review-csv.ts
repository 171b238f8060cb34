import type { Change, PeriodChanges } from '../analysis/period-changes';
import type { TierReview } from './tier-review.server';
import { toCsv } from './csv';

const FIGURES = ['miss_us', 'would_not_miss', 'pti', 'benefit', 'csat', 'response_rate'] as const;
const KEY: Record<(typeof FIGURES)[number], keyof PeriodChanges> = {
  miss_us: 'missUs',
  would_not_miss: 'wouldNotMiss',
  pti: 'pti',
  benefit: 'benefit',
  csat: 'csat',
  response_rate: 'responseRate',
};

/**
 * The tier review table as CSV: one row per period and scope, plain numbers
 * (shares 0–1). Each tested change comes with its p, the p adjusted over the
 * quarter's family of change tests, and whether the table marks it, so the
 * CSV says exactly what the page shows. The "all" rows add the miss-us score
 * weighted by tier.
 */
export function tierReviewCsv(review: Pick<TierReview, 'periods'>): string {
  const header = [
    'period', 'tier', 'responses', 'miss_us_score', 'miss_us_low', 'miss_us_high', 'miss_us_n', 'miss_us_standardized',
    'would_not_miss_share', 'pti_mean', 'pti_n', 'benefit_mean', 'benefit_n', 'csat_mean', 'csat_n', 'nps', 'nps_n',
    'completed', 'delivered', 'response_rate',
    ...FIGURES.flatMap((figure) => [`${figure}_change`, `${figure}_change_p`, `${figure}_change_p_adjusted`, `${figure}_change_marked`]),
  ];
  const rows = review.periods.flatMap((period) =>
    [period.overall, ...period.byTier].map((scope) => {
      const m = scope.metrics;
      const changeColumns = (change: Change | undefined) => [change?.delta, change?.p, change?.pBH, change ? (change.significant ? 'yes' : 'no') : null];
      return [
        period.period, scope.tier ?? 'all', m.responses, m.missUs.score, m.missUs.low, m.missUs.high, m.missUs.n,
        scope.tier === null ? period.standardizedMissUs.score : null,
        m.wouldNotMiss.share, m.pti.mean, m.pti.n, m.benefit.mean, m.benefit.n, m.csat.mean, m.csat.n, m.nps.score, m.nps.n,
        scope.responseRate.completed, scope.responseRate.delivered, scope.responseRate.rate,
        ...FIGURES.flatMap((figure) => changeColumns(scope.changes?.[KEY[figure]])),
      ];
    }),
  );
  return toCsv(header, rows);
}
