import type { ChartConfiguration } from 'chart.js';
import type { TFunction } from 'i18next';
import type { Metrics } from '~/analysis/metrics';
import { customersHref } from '~/customers/customer-links';
import type { TierReview } from '~/reports/tier-review.server';
import { formatNumber, formatPercent, MIN_ANSWERS } from './format';
import { answerColors, MISS_US_LINE, tierColors, tierDashes } from './palette';

/**
 * The review's charts as plain descriptions and their Chart.js
 * configurations, shared by the page (drawn in the browser) and the PDF and
 * email (drawn on the server onto a canvas, app/reports/chart-images.server.ts),
 * so both show the same figures in the same colours. Only Chart.js's types
 * are imported here: the library itself is loaded by whoever draws.
 */

export interface Series {
  label: string;
  data: Array<number | null>;
}

/** A metric over time, one line per tier; optional reference line (the 40 % benchmark). */
export interface TrendChartSpec {
  kind: 'trend';
  id: string;
  title: string;
  periods: string[];
  series: Series[];
  format: (value: number) => string;
  min?: number;
  max?: number;
  reference?: { label: string; value: number };
  /** Where a click on a tier's point leads (the customers behind it); only the page uses it. */
  pointHref?: (tier: string, period: string) => string;
}

/** Stacked horizontal bars: one bar per category (tier), one segment per part. */
export interface StackedBarChartSpec {
  kind: 'stacked';
  id: string;
  title: string;
  categories: string[];
  parts: Array<{ label: string; color: string; values: number[] }>;
  format: (value: number) => string;
}

export type ChartSpec = TrendChartSpec | StackedBarChartSpec;

/**
 * How a chart is drawn: on the page it fills its box and follows its size;
 * on the server the canvas has a fixed size and nothing is animated.
 */
export interface ChartTarget {
  responsive: boolean;
}

export function trendChartConfig(spec: TrendChartSpec, target: ChartTarget): ChartConfiguration {
  const { periods, series, reference, format } = spec;
  return {
    type: 'line',
    data: {
      labels: periods,
      datasets: [
        ...series.map((s, index) => ({
          label: s.label,
          data: s.data,
          borderColor: tierColors[index % tierColors.length],
          backgroundColor: tierColors[index % tierColors.length],
          borderDash: tierDashes[index % tierDashes.length],
          spanGaps: true,
          tension: 0,
        })),
        ...(reference
          ? [{ label: reference.label, data: periods.map(() => reference.value), borderColor: '#6b7280', borderDash: [3, 3], pointRadius: 0, borderWidth: 1 }]
          : []),
      ],
    },
    options: {
      responsive: target.responsive,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: spec.min, max: spec.max, ticks: { callback: (value) => format(Number(value)) } } },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}` } } },
    },
  };
}

export function stackedBarChartConfig(spec: StackedBarChartSpec, target: ChartTarget): ChartConfiguration {
  const { format } = spec;
  return {
    type: 'bar',
    data: {
      labels: spec.categories,
      datasets: spec.parts.map((part) => ({ label: part.label, data: part.values, backgroundColor: part.color })),
    },
    options: {
      indexAxis: 'y',
      responsive: target.responsive,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true, ticks: { callback: (value) => format(Number(value)) } }, y: { stacked: true } },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}` } } },
    },
  };
}

export function chartConfig(spec: ChartSpec, target: ChartTarget): ChartConfiguration {
  return spec.kind === 'trend' ? trendChartConfig(spec, target) : stackedBarChartConfig(spec, target);
}

type Review = {
  tiers: string[];
  periods: Array<{
    period: string;
    byTier: Array<{ tier: string | null; metrics: Metrics; responseRate: { rate: number | null; delivered: number } }>;
    missUsDistribution: TierReview['periods'][number]['missUsDistribution'];
  }>;
};
type Migration = { from: string; to: string; rows: Array<{ from: string; to: string; count: number }> } | null;

/**
 * The charts of the tier review: each metric over time per tier (the 40 %
 * line on miss-us), the latest quarter's answer distribution, and the tier
 * migration when the range has two quarters or more.
 */
export function reviewChartSpecs(review: Review, migration: Migration, t: TFunction, locale: string): ChartSpec[] {
  const latest = review.periods[review.periods.length - 1];
  if (!latest) return [];
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
  const distribution = latest.missUsDistribution;
  const answers = ['very', 'somewhat', 'not', 'na'] as const;
  const migrationTiers = migration ? [...new Set(migration.rows.flatMap((row) => [row.from, row.to]))] : [];
  const orderedMigrationTiers = review.tiers.filter((tier) => migrationTiers.includes(tier));
  const trend = (spec: Omit<TrendChartSpec, 'kind' | 'periods'>): TrendChartSpec => ({ kind: 'trend', periods, ...spec });
  return [
    trend({
      id: 'chart-miss-us',
      title: t('results.chartMissUs'),
      series: series((m) => ({ v: m.missUs.score, n: m.missUs.n })),
      format: percent,
      min: 0,
      max: 1,
      reference: { label: t('results.benchmark'), value: MISS_US_LINE },
      pointHref: (tier, period) => customersHref({ period, tier, answer: 'scored' }),
    }),
    trend({ id: 'chart-pti', title: t('results.chartPti'), series: series((m) => ({ v: m.pti.mean, n: m.pti.n })), format: mean, min: 1, max: 5 }),
    trend({ id: 'chart-benefit', title: t('results.chartBenefit'), series: series((m) => ({ v: m.benefit.mean, n: m.benefit.n })), format: mean, min: 1, max: 5 }),
    trend({ id: 'chart-csat', title: t('results.chartCsat'), series: series((m) => ({ v: m.csat.mean, n: m.csat.n })), format: mean, min: 1, max: 5 }),
    trend({ id: 'chart-nps', title: t('results.chartNps'), series: series((m) => ({ v: m.nps.score, n: m.nps.n })), format: (v) => formatNumber(v, locale), min: -100, max: 100 }),
    trend({
      id: 'chart-response-rate',
      title: t('results.chartResponseRate'),
      series: review.tiers.map((tier) => ({
        label: tier,
        data: review.periods.map((p) => p.byTier.find((s) => s.tier === tier)?.responseRate.rate ?? null),
      })),
      format: percent,
      min: 0,
      max: 1,
    }),
    {
      kind: 'stacked',
      id: 'chart-distribution',
      title: t('results.chartDistribution', { period: latest.period }),
      categories: distribution.map((row) => row.tier),
      parts: answers.map((answer) => ({
        label: t(`results.answers.${answer}`),
        color: answerColors[answer],
        values: distribution.map((row) => {
          const total = row.very + row.somewhat + row.not + row.na;
          return total > 0 ? row[answer] / total : 0;
        }),
      })),
      format: percent,
    },
    ...(migration
      ? [
          {
            kind: 'stacked' as const,
            id: 'chart-migration',
            title: t('results.migration', { from: migration.from, to: migration.to }),
            categories: orderedMigrationTiers.map((tier) => t('results.migrationFrom', { period: migration.from }) + `: ${tier}`),
            parts: orderedMigrationTiers.map((to, index) => ({
              label: t('results.migrationTo', { period: migration.to }) + `: ${to}`,
              color: tierColors[index % tierColors.length]!,
              values: orderedMigrationTiers.map((from) => migration.rows.find((row) => row.from === from && row.to === to)?.count ?? 0),
            })),
            format: (v: number) => formatNumber(v, locale),
          },
        ]
      : []),
  ];
}
