import { useTranslation } from 'react-i18next';
import type { Metrics } from '~/analysis/metrics';
import type { TierReview } from '~/reports/tier-review.server';
import { customersHref } from '~/customers/customer-links';
import { StackedBarChart, TrendChart } from './charts';
import { formatNumber, formatPercent, MIN_ANSWERS } from './format';
import { answerColors, MISS_US_LINE, tierColors } from './palette';

type Review = { tiers: string[]; periods: Array<{ period: string; byTier: Array<{ tier: string | null; metrics: Metrics; responseRate: { rate: number | null; delivered: number } }>; missUsDistribution: TierReview['periods'][number]['missUsDistribution'] }> };
type Migration = { from: string; to: string; rows: Array<{ from: string; to: string; count: number }> } | null;


/** Charts of the tier review: each metric over time per tier, the answer distribution, the tier migration. */
export function ReviewCharts({ review, migration }: { review: Review; migration: Migration }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const periods = review.periods.map((p) => p.period);
  // Below n = 10 a point is left out rather than drawn from too few answers.
  const series = (value: (m: Metrics) => { v: number | null; n: number }) =>
    review.tiers.map((tier) => ({
      label: tier,
      data: review.periods.map((p) => {
        const scope = p.byTier.find((s) => s.tier === tier);
        const point = scope ? value(scope.metrics) : { v: null, n: 0 };
        return point.n >= MIN_ANSWERS ? point.v : null;
      }),
    }));
  const percent = (value: number) => formatPercent(value, locale);
  const mean = (value: number) => formatNumber(value, locale, 2);
  const latest = review.periods[review.periods.length - 1]!;
  const distribution = latest.missUsDistribution;
  const answers = ['very', 'somewhat', 'not', 'na'] as const;
  const migrationTiers = migration ? [...new Set(migration.rows.flatMap((row) => [row.from, row.to]))] : [];
  const orderedMigrationTiers = review.tiers.filter((tier) => migrationTiers.includes(tier));
  return (
    <section aria-labelledby="charts-title">
      <h2 id="charts-title">{t('results.charts')}</h2>
      <div className="chart-grid">
        <TrendChart
          id="chart-miss-us"
          title={t('results.chartMissUs')}
          periods={periods}
          series={series((m) => ({ v: m.missUs.score, n: m.missUs.n }))}
          format={percent}
          min={0}
          max={1}
          reference={{ label: t('results.benchmark'), value: MISS_US_LINE }}
          pointHref={(tier, period) => customersHref({ period, tier, answer: 'scored' })}
        />
        <TrendChart id="chart-pti" title={t('results.chartPti')} periods={periods} series={series((m) => ({ v: m.pti.mean, n: m.pti.n }))} format={mean} min={1} max={5} />
        <TrendChart id="chart-benefit" title={t('results.chartBenefit')} periods={periods} series={series((m) => ({ v: m.benefit.mean, n: m.benefit.n }))} format={mean} min={1} max={5} />
        <TrendChart id="chart-csat" title={t('results.chartCsat')} periods={periods} series={series((m) => ({ v: m.csat.mean, n: m.csat.n }))} format={mean} min={1} max={5} />
        <TrendChart id="chart-nps" title={t('results.chartNps')} periods={periods} series={series((m) => ({ v: m.nps.score, n: m.nps.n }))} format={(v) => formatNumber(v, locale)} min={-100} max={100} />
        <TrendChart
          id="chart-response-rate"
          title={t('results.chartResponseRate')}
          periods={periods}
          series={review.tiers.map((tier) => ({
            label: tier,
            data: review.periods.map((p) => p.byTier.find((s) => s.tier === tier)?.responseRate.rate ?? null),
          }))}
          format={percent}
          min={0}
          max={1}
        />
        <StackedBarChart
          id="chart-distribution"
          title={t('results.chartDistribution', { period: latest.period })}
          categories={distribution.map((row) => row.tier)}
          parts={answers.map((answer) => ({
            label: t(`results.answers.${answer}`),
            color: answerColors[answer],
            values: distribution.map((row) => {
              const total = row.very + row.somewhat + row.not + row.na;
              return total > 0 ? row[answer] / total : 0;
            }),
          }))}
          format={percent}
        />
        {migration ? (
          <StackedBarChart
            id="chart-migration"
            title={t('results.migration', { from: migration.from, to: migration.to })}
            categories={orderedMigrationTiers.map((tier) => t('results.migrationFrom', { period: migration.from }) + `: ${tier}`)}
            parts={orderedMigrationTiers.map((to, index) => ({
              label: t('results.migrationTo', { period: migration.to }) + `: ${to}`,
              color: tierColors[index % tierColors.length]!,
              values: orderedMigrationTiers.map((from) => migration.rows.find((row) => row.from === from && row.to === to)?.count ?? 0),
            }))}
            format={(v) => formatNumber(v, locale)}
          />
        ) : null}
      </div>
    </section>
  );
}
