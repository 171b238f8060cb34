import type { TFunction } from 'i18next';
import type { FitTier } from '../analysis/fit';
import { formatPercent } from './format';

/** Amounts are euros until a workspace can record another currency (docs/fit.md). */
export const FIT_CURRENCY = 'EUR';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** An amount in the reader's language, whole units: "€180,000" in English, "180.000 €" in German. */
export function formatMoney(value: number, locale: string, currency = FIT_CURRENCY): string {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) moneyFormats.set(key, (format = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 })));
  return format.format(value);
}

/** The headline of one tier, "€180,000 of A-tier revenue would not miss us", and its detail sentence. */
export function fitHeadline(tier: Pick<FitTier, 'tier' | 'answered' | 'total' | 'atRisk'>, period: string, t: TFunction, locale: string): { headline: string; detail: string } {
  if (tier.total.withRevenue === 0) return { headline: t('fit.headlineNoRevenue', { tier: tier.tier, period }), detail: '' };
  const share = (value: number | null) => (value === null ? t('fit.noShare') : formatPercent(value, locale));
  return {
    headline: t('fit.headline', { amount: formatMoney(tier.atRisk.revenue, locale), tier: tier.tier }),
    detail: t('fit.headlineDetail', {
      share: share(tier.atRisk.revenueShare),
      total: formatMoney(tier.total.revenue, locale),
      period,
      margin: formatMoney(tier.atRisk.margin, locale),
      marginShare: share(tier.atRisk.marginShare),
      count: tier.atRisk.customers,
      answered: tier.answered,
    }),
  };
}

/** One sentence per tier for the review's findings and the owner's report; empty without any revenue. */
export function fitHeadlineSentences(fit: { period: string; byTier: Array<Pick<FitTier, 'tier' | 'answered' | 'total' | 'atRisk'>> }, t: TFunction, locale: string): string[] {
  if (!fit.byTier.some((tier) => tier.total.withRevenue > 0)) return [];
  return fit.byTier
    .filter((tier) => tier.total.withRevenue > 0)
    .map((tier) => {
      const { headline, detail } = fitHeadline(tier, fit.period, t, locale);
      return `${headline}: ${detail}`;
    });
}
