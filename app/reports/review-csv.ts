import type { TierReview } from './tier-review.server';
import { toCsv } from './csv';

/** The tier review table as CSV: one row per period and scope, plain numbers (shares 0–1). */
export function tierReviewCsv(review: Pick<TierReview, 'periods'>): string {
  const header = [
    'period', 'tier', 'responses', 'miss_us_score', 'miss_us_low', 'miss_us_high', 'miss_us_n', 'miss_us_change', 'miss_us_change_p',
    'would_not_miss_share', 'pti_mean', 'pti_n', 'pti_change_p', 'benefit_mean', 'benefit_n', 'csat_mean', 'csat_n', 'nps', 'nps_n',
    'completed', 'delivered', 'response_rate',
  ];
  const rows = review.periods.flatMap((period) =>
    [period.overall, ...period.byTier].map((scope) => {
      const m = scope.metrics;
      return [
        period.period, scope.tier ?? 'all', m.responses, m.missUs.score, m.missUs.low, m.missUs.high, m.missUs.n,
        scope.changes?.missUs.delta, scope.changes?.missUs.p, m.wouldNotMiss.share, m.pti.mean, m.pti.n, scope.changes?.pti.p,
        m.benefit.mean, m.benefit.n, m.csat.mean, m.csat.n, m.nps.score, m.nps.n,
        scope.responseRate.completed, scope.responseRate.delivered, scope.responseRate.rate,
      ];
    }),
  );
  return toCsv(header, rows);
}
