import { useTranslation } from 'react-i18next';
import type { TierReview } from '~/reports/tier-review.server';
import { reviewFindings } from './findings';
import { formatNumber, formatPercent } from './format';

type Review = Pick<TierReview, 'periods' | 'tiers'>;

/**
 * "What stands out" in the latest quarter: the findings in plain words, each
 * with its statistics one click away, the overall miss-us score weighted by
 * tier next to the pooled one, and a warning when tiers answered at very
 * different rates.
 */
export function FindingsSection({
  review,
  allPeriods = false,
  children,
}: {
  review: Review;
  /** Earlier quarters of the range too (the review page), or the latest only (the overview). */
  allPeriods?: boolean;
  children?: React.ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const quarters = reviewFindings(review, t, locale, { allPeriods });
  const latest = review.periods[review.periods.length - 1];
  const standardized = latest?.standardizedMissUs;
  const gap = latest?.responseRateGap;
  const rateOf = (tier: string) => latest?.byTier.find((scope) => scope.tier === tier)?.responseRate.rate ?? 0;
  return (
    <section aria-labelledby="findings-title" className="findings">
      <h2 id="findings-title">{t('results.findings')}</h2>
      {quarters.map(({ period, findings }) => (
        <div key={period} className="findings-quarter">
          <h3>{period}</h3>
          <ul>
            {findings.map((finding) => (
              <li key={finding.text}>
                {finding.text}
                {finding.statistics ? (
                  <details className="finding-statistics">
                    <summary>{t('results.statistics')}</summary>
                    {finding.statistics}
                  </details>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {latest && standardized?.score != null && standardized.pooled != null ? (
        <p className="standardized">
          {t('results.standardized', {
            period: latest.period,
            score: formatPercent(standardized.score, locale),
            pooled: formatPercent(standardized.pooled, locale),
          })}
        </p>
      ) : null}
      {gap ? (
        <p className="warning" role="note">
          {t('results.responseRateGap', {
            gap: formatNumber(gap.gap * 100, locale),
            highest: gap.highest,
            highestRate: formatPercent(rateOf(gap.highest), locale),
            lowest: gap.lowest,
            lowestRate: formatPercent(rateOf(gap.lowest), locale),
          })}
        </p>
      ) : null}
      {children}
    </section>
  );
}
