import type { TFunction } from 'i18next';
import { periodFindings, type Finding, type ShareFigure } from '~/analysis/findings';
import type { TierReview } from '~/reports/tier-review.server';
import { formatNumber, formatPercent } from './format';

type Review = Pick<TierReview, 'periods' | 'tiers'>;

/** A finding in plain words, and its statistics for those who want them. */
export interface FindingText {
  text: string;
  statistics: string | null;
}

/** `= 0.003` or `< 0.001`, for "p …" in the statistics. */
function formatP(p: number, locale: string): string {
  return p < 0.001 ? `< ${formatNumber(0.001, locale, 3)}` : `= ${formatNumber(p, locale, 3)}`;
}

function sentence(finding: Finding, t: TFunction, locale: string): FindingText {
  const percent = (value: number) => formatPercent(value, locale);
  const points = (value: number) => `${value > 0 ? '+' : ''}${formatNumber(value * 100, locale, 1)}`;
  const share = (figure: ShareFigure) =>
    t('results.share', { score: percent(figure.score), n: figure.n, low: percent(figure.low), high: percent(figure.high) });
  const scopeName = (scope: string) => (scope === 'overall' ? t('results.overallScope') : scope);
  switch (finding.kind) {
    case 'segmentationVisible':
      return {
        text: t('results.segmentationVisible', {
          top: finding.top,
          bottom: finding.bottom,
          topPti: formatNumber(finding.topPti, locale, 1),
          bottomPti: formatNumber(finding.bottomPti, locale, 1),
          topN: finding.topN,
          bottomN: finding.bottomN,
        }),
        statistics: t('results.statsKruskal', {
          p: formatP(finding.stats.p, locale),
          pBH: formatP(finding.stats.pBH, locale),
          delta: formatNumber(finding.stats.cliffsDelta, locale, 2),
        }),
      };
    case 'missUsGap':
      return {
        text: t(finding.higher === 'top' ? 'results.missUsTopBetter' : 'results.missUsBottomBetter', {
          top: finding.top,
          bottom: finding.bottom,
          topShare: share(finding.topScore),
          bottomShare: share(finding.bottomScore),
        }),
        statistics: t('results.statsFisher', {
          p: formatP(finding.stats.fisherP, locale),
          pBH: formatP(finding.stats.pBH, locale),
          difference: points(finding.stats.difference),
          low: points(finding.stats.low),
          high: points(finding.stats.high),
        }),
      };
    case 'fallingTrend':
      return {
        text: t('results.fallingTrend', { scope: scopeName(finding.scope), share: share(finding.score), quarters: finding.quarters }),
        statistics: t('results.statsTrend', {
          z: formatNumber(finding.stats.z, locale, 2),
          p: formatP(finding.stats.p, locale),
          pBH: formatP(finding.stats.pBH, locale),
          slope: points(finding.stats.slope),
        }),
      };
    case 'drop':
      return {
        text: t('results.drop', {
          scope: scopeName(finding.scope),
          share: share(finding.score),
          previous: percent(finding.previous),
          previousPeriod: finding.previousPeriod,
          nPrevious: finding.nPrevious,
        }),
        statistics: t('results.statsDrop', { p: formatP(finding.stats.fisherP, locale), pBH: formatP(finding.stats.pBH, locale) }),
      };
    case 'drivers':
      return {
        text: t('results.drivers', { items: finding.items.map((item) => t(`results.items.${item}`)).join(', ') }),
        statistics: t('results.statsDrivers', {
          items: finding.stats
            .map((entry) => `${t(`results.items.${entry.item}`)} ρ = ${formatNumber(entry.rho, locale, 2)} (n = ${entry.n})`)
            .join('; '),
        }),
      };
    case 'tierDriver':
      return {
        text: t('results.driversTier', { tier: finding.tier, item: t(`results.items.${finding.item}`), share: percent(finding.share), n: finding.n }),
        statistics: t('results.statsDriversTier', {
          items: finding.stats.shares.map((entry) => `${t(`results.items.${entry.item}`)} ${percent(entry.share)}`).join(', '),
          lead: points(finding.stats.lead.difference),
          low: points(finding.stats.lead.low),
          high: points(finding.stats.lead.high),
        }),
      };
  }
}

/** The findings of one quarter. */
export interface QuarterFindings {
  period: string;
  findings: FindingText[];
}

/**
 * What stands out, in plain words with n and interval; the statistics go
 * with each finding, to be shown one click away. The latest quarter always
 * has an entry (saying so when nothing stands out); with `allPeriods`,
 * earlier quarters of the range follow, newest first, where something does.
 */
export function reviewFindings(review: Review, t: TFunction, locale: string, options: { allPeriods?: boolean } = {}): QuarterFindings[] {
  const periods = options.allPeriods ? [...review.periods].reverse() : review.periods.slice(-1);
  return periods.flatMap((period, index) => {
    const findings = periodFindings(period, review.tiers).map((finding) => sentence(finding, t, locale));
    if (findings.length > 0) return [{ period: period.period, findings }];
    if (index > 0) return [];
    return [{ period: period.period, findings: [{ text: t('results.noFindings', { period: period.period }), statistics: null }] }];
  });
}
