import type { TFunction } from 'i18next';
import type { PromiseGap, PromiseItemFigure, ServicePromiseReview } from '~/analysis/service-promises';
import { formatPercent } from './format';

/**
 * The sentences of the service promises, for the review page and the PDF
 * alike: "B customers find their promise kept more often than A customers
 * (82 % vs 61 %)." and how sure that is.
 */

export function promiseGapText(gap: PromiseGap, t: TFunction, locale: string): string {
  return t(`promises.gap.${gap.item}`, {
    lower: gap.lower.tier,
    higher: gap.higher.tier,
    lowerShare: formatPercent(gap.lower.share, locale),
    higherShare: formatPercent(gap.higher.share, locale),
  });
}

export function promiseGapVerdict(gap: PromiseGap, review: Pick<ServicePromiseReview, 'comparisons'>, t: TFunction, locale: string): string {
  const counts = { lowerN: gap.lower.n, higherN: gap.higher.n };
  if (!gap.significant) return t('promises.notSignificant', counts);
  const p = gap.pAdjusted < 0.001 ? '< 0.001' : new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(gap.pAdjusted);
  return t('promises.significant', { ...counts, p, tests: review.comparisons });
}

/** "Promise kept: 82 % agree (n = 40, likely 68 %–91 %)", or too few answers, for the PDF. */
export function promiseFigureText(figure: PromiseItemFigure, t: TFunction, locale: string): string {
  const item = t(`promises.items.${figure.item}`);
  if (figure.share === null) return t('promises.pdfTooFew', { item, n: figure.n });
  return t('promises.pdfPromise', {
    item,
    share: formatPercent(figure.share, locale),
    n: figure.n,
    low: formatPercent(figure.low ?? figure.share, locale),
    high: formatPercent(figure.high ?? figure.share, locale),
  });
}
