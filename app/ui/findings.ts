import type { TFunction } from 'i18next';
import type { TierReview } from '~/reports/tier-review.server';
import { formatNumber, formatPercent } from './format';

type Review = Pick<TierReview, 'periods' | 'tiers'>;

/** `= 0.003` or `< 0.001`, for "(p …)" in a sentence. */
function formatP(p: number, locale: string): string {
  return p < 0.001 ? `< ${formatNumber(0.001, locale, 3)}` : `= ${formatNumber(p, locale, 3)}`;
}

/**
 * The tier signals of the review's latest period (and erosion anywhere in the
 * range) as short sentences in plain language, each with its evidence.
 */
export function reviewFindings(review: Review, t: TFunction, locale: string): string[] {
  const latest = review.periods[review.periods.length - 1];
  if (!latest) return [];
  const findings: string[] = [];
  const percent = (value: number) => formatPercent(value, locale);
  for (const period of review.periods) {
    const { pti } = period.signals;
    if (pti.segmentationVisible && pti.kruskal) {
      const withPti = review.tiers.filter((tier) => (period.byTier.find((s) => s.tier === tier)?.metrics.pti.n ?? 0) > 0);
      const top = withPti[0]!;
      const bottom = withPti[withPti.length - 1]!;
      const mean = (tier: string) => formatNumber(period.byTier.find((s) => s.tier === tier)!.metrics.pti.mean!, locale, 1);
      findings.push(
        t('results.segmentationVisible', {
          period: period.period,
          top,
          bottom,
          topPti: mean(top),
          bottomPti: mean(bottom),
          p: formatP(pti.kruskal.p, locale),
        }),
      );
    }
    for (const check of period.signals.eroding) {
      if (!check.eroding) continue;
      const values = { period: period.period, tier: check.scope, previous: percent(check.previous), current: percent(check.current), p: formatP(check.p ?? Number.NaN, locale) };
      findings.push(check.scope === 'overall' ? t('results.erodingOverall', values) : t('results.eroding', values));
    }
  }
  const comparison = latest.signals.missUsTopVsBottom;
  if (comparison && comparison.p !== null && comparison.p < 0.05) {
    const top = latest.byTier.find((s) => s.tier === comparison.top)!.metrics.missUs.score!;
    const bottom = latest.byTier.find((s) => s.tier === comparison.bottom)!.metrics.missUs.score!;
    const values = { period: latest.period, top: comparison.top, bottom: comparison.bottom, topScore: percent(top), bottomScore: percent(bottom) };
    findings.push(comparison.difference > 0 ? t('results.missUsTopBetter', values) : t('results.missUsBottomBetter', values));
  }
  const drivers = latest.signals.drivers
    .filter((driver) => driver.rho !== null && driver.p !== null && driver.p < 0.05 && driver.rho > 0)
    .sort((a, b) => b.rho! - a.rho!)
    .slice(0, 2);
  if (drivers.length > 0) {
    const items = drivers.map((driver) => `${t(`results.items.${driver.item}`)} (ρ = ${formatNumber(driver.rho!, locale, 2)})`).join(', ');
    findings.push(t('results.drivers', { period: latest.period, items }));
  }
  if (findings.length === 0) findings.push(t('results.noFindings', { period: latest.period }));
  return findings;
}
