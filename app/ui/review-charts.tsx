import { useTranslation } from 'react-i18next';
import type { Metrics } from '~/analysis/metrics';
import type { TierReview } from '~/reports/tier-review.server';
import { reviewChartSpecs } from './chart-configs';
import { StackedBarChart, TrendChart } from './charts';

type Review = { tiers: string[]; periods: Array<{ period: string; byTier: Array<{ tier: string | null; metrics: Metrics; responseRate: { rate: number | null; delivered: number } }>; missUsDistribution: TierReview['periods'][number]['missUsDistribution'] }> };
type Migration = { from: string; to: string; rows: Array<{ from: string; to: string; count: number }> } | null;

/**
 * Charts of the tier review: each metric over time per tier, the answer
 * distribution, the tier migration. The same descriptions are drawn on the
 * server for the PDF and the quarterly email (app/ui/chart-configs.ts).
 */
export function ReviewCharts({ review, migration }: { review: Review; migration: Migration }) {
  const { t, i18n } = useTranslation();
  const specs = reviewChartSpecs(review, migration, t, i18n.language);
  return (
    <section aria-labelledby="charts-title">
      <h2 id="charts-title">{t('results.charts')}</h2>
      <div className="chart-grid">
        {specs.map((spec) => (spec.kind === 'trend' ? <TrendChart key={spec.id} spec={spec} /> : <StackedBarChart key={spec.id} spec={spec} />))}
      </div>
    </section>
  );
}
