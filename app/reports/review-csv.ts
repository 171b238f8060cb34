import type { TFunction } from 'i18next';
import type { Change, PeriodChanges } from '../analysis/period-changes';
import type { TierReview } from './tier-review.server';
import { csvNumber, csvShare, toCsv, type Cell, type CsvFormat } from './csv';

const FIGURES = ['miss_us', 'would_not_miss', 'pti', 'benefit', 'csat', 'response_rate'] as const;
type Figure = (typeof FIGURES)[number];
const KEY: Record<Figure, keyof PeriodChanges> = {
  miss_us: 'missUs',
  would_not_miss: 'wouldNotMiss',
  pti: 'pti',
  benefit: 'benefit',
  csat: 'csat',
  response_rate: 'responseRate',
};
/** Figures that are shares (0–1); the others are means on 1–5. */
const SHARES = new Set<Figure>(['miss_us', 'would_not_miss', 'response_rate']);

type Scope = TierReview['periods'][number]['overall'];
type Period = TierReview['periods'][number];

/**
 * The tier review table as CSV: one row per period and scope. Each tested
 * change comes with its p, the p adjusted over the quarter's family of change
 * tests, and whether the table marks it, so the CSV says exactly what the
 * page shows. The "all" rows add the miss-us score weighted by tier.
 *
 * Without `words`: column codes and plain numbers (shares 0–1), for programs.
 * With `words` (the members' download): headers, "all" and yes/no in the
 * member's language, figures rounded for reading (shares to 0.1 %, means to
 * two places), in the chosen format (German Excel by default).
 */
export function tierReviewCsv(review: Pick<TierReview, 'periods'>, options: { format?: CsvFormat; words?: TFunction } = {}): string {
  const t = options.words;
  return t ? readableCsv(review, t, options.format ?? 'excel') : codedCsv(review, options.format ?? 'international');
}

function codedCsv(review: Pick<TierReview, 'periods'>, format: CsvFormat): string {
  const header = [
    'period', 'tier', 'responses', 'miss_us_score', 'miss_us_low', 'miss_us_high', 'miss_us_n', 'miss_us_standardized',
    'would_not_miss_share', 'pti_mean', 'pti_n', 'benefit_mean', 'benefit_n', 'csat_mean', 'csat_n', 'nps', 'nps_n',
    'completed', 'delivered', 'response_rate',
    ...FIGURES.flatMap((figure) => [`${figure}_change`, `${figure}_change_p`, `${figure}_change_p_adjusted`, `${figure}_change_marked`]),
  ];
  const rows = scopes(review).map(({ period, scope }) => {
    const m = scope.metrics;
    const changeColumns = (change: Change | undefined) => [change?.delta, change?.p, change?.pBH, change ? (change.significant ? 'yes' : 'no') : null];
    return [
      period.period, scope.tier ?? 'all', m.responses, m.missUs.score, m.missUs.low, m.missUs.high, m.missUs.n,
      scope.tier === null ? period.standardizedMissUs.score : null,
      m.wouldNotMiss.share, m.pti.mean, m.pti.n, m.benefit.mean, m.benefit.n, m.csat.mean, m.csat.n, m.nps.score, m.nps.n,
      scope.responseRate.completed, scope.responseRate.delivered, scope.responseRate.rate,
      ...FIGURES.flatMap((figure) => changeColumns(scope.changes?.[KEY[figure]])),
    ];
  });
  return toCsv(header, rows, format);
}

function readableCsv(review: Pick<TierReview, 'periods'>, t: TFunction, format: CsvFormat): string {
  const w = (key: string, values?: Record<string, string>) => t(`csv.review.${key}`, values);
  const figureName = (figure: Figure) => w(`figures.${figure}`);
  const header = [
    w('period'), w('tier'), w('responses'), figureName('miss_us'), w('low'), w('high'), w('n', { figure: figureName('miss_us') }), w('standardized'),
    figureName('would_not_miss'), figureName('pti'), w('n', { figure: figureName('pti') }), figureName('benefit'), w('n', { figure: figureName('benefit') }),
    figureName('csat'), w('n', { figure: figureName('csat') }), w('nps'), w('n', { figure: w('nps') }),
    w('completed'), w('delivered'), figureName('response_rate'),
    ...FIGURES.flatMap((figure) => ['change', 'p', 'pAdjusted', 'marked'].map((part) => w(part, { figure: figureName(figure) }))),
  ];
  const mean = (value: number | null) => csvNumber(value, 2);
  const rows = scopes(review).map(({ period, scope }): Cell[] => {
    const m = scope.metrics;
    const changeColumns = (figure: Figure, change: Change | undefined): Cell[] => [
      SHARES.has(figure) ? csvShare(change?.delta) : csvNumber(change?.delta, 2),
      csvNumber(change?.p, 4),
      csvNumber(change?.pBH, 4),
      change ? w(change.significant ? 'yes' : 'no') : null,
    ];
    return [
      period.period, scope.tier ?? w('all'), m.responses, csvShare(m.missUs.score), csvShare(m.missUs.low), csvShare(m.missUs.high), m.missUs.n,
      scope.tier === null ? csvShare(period.standardizedMissUs.score) : null,
      csvShare(m.wouldNotMiss.share), mean(m.pti.mean), m.pti.n, mean(m.benefit.mean), m.benefit.n, mean(m.csat.mean), m.csat.n, csvNumber(m.nps.score, 1), m.nps.n,
      scope.responseRate.completed, scope.responseRate.delivered, csvShare(scope.responseRate.rate),
      ...FIGURES.flatMap((figure) => changeColumns(figure, scope.changes?.[KEY[figure]])),
    ];
  });
  return toCsv(header, rows, format);
}

function scopes(review: Pick<TierReview, 'periods'>): Array<{ period: Period; scope: Scope }> {
  return review.periods.flatMap((period) => [period.overall, ...period.byTier].map((scope) => ({ period, scope })));
}
