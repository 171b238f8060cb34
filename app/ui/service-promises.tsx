import { Link, useRouteLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { ServicePromiseReview } from '~/analysis/service-promises';
import { EmptyState } from './form';
import { formatPercent } from './format';
import { promiseGapText, promiseGapVerdict } from './service-promise-text';

/**
 * Service promises per tier of the latest quarter shown: what each tier is
 * promised (or a link to record it), how often its customers find the promise
 * kept and get a timely answer, and, in words with a warning sign rather than
 * by colour alone, where a lower tier does better than a higher one.
 */
export function ServicePromises({ report }: { report: ServicePromiseReview | null }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  // Only owners may record promises; others are told whom to ask rather than sent to a page that refuses them.
  const owner = useRouteLoaderData<{ member?: { role?: string } }>('routes/app')?.member?.role === 'owner';
  if (!report || report.tiers.length === 0) return null;
  const percent = (value: number) => formatPercent(value, locale);
  return (
    <section aria-labelledby="promises-review-title" className="service-promises">
      <h2 id="promises-review-title">{t('promises.title')}</h2>
      <p className="muted">{t('promises.intro', { period: report.period })}</p>
      {report.answered ? null : (
        <EmptyState>
          <p>{t('promises.empty', { period: report.period })}</p>
        </EmptyState>
      )}
      <div className="glance-grid">
        {report.tiers.map((tier) => (
          <article key={tier.tier} className="glance-card" aria-labelledby={`promise-${tier.tier}`} data-testid={`promise-${tier.tier}`}>
            <h3 id={`promise-${tier.tier}`}>{t('results.glance.tier', { tier: tier.tier })}</h3>
            {tier.promise ? (
              <p>
                <strong>{t('promises.promised', { promise: tier.promise })}</strong>
              </p>
            ) : (
              <p className="muted">
                {t('promises.noPromise')} {owner ? <Link to="/app/settings/tiers">{t('promises.setPromise')}</Link> : t('promises.askOwner')}
              </p>
            )}
            {report.answered
              ? tier.items.map((figure) => (
                  <p key={figure.item} data-testid={`promise-${tier.tier}-${figure.item}`}>
                    {t(`promises.items.${figure.item}`)}:{' '}
                    {figure.share === null ? (
                      <span className="muted">{t('promises.tooFew', { n: figure.n })}</span>
                    ) : (
                      <>
                        <strong>{t('promises.agree', { share: percent(figure.share) })}</strong>{' '}
                        <span className="muted">
                          {t('promises.interval', { n: figure.n, low: percent(figure.low ?? figure.share), high: percent(figure.high ?? figure.share) })}
                        </span>
                      </>
                    )}
                  </p>
                ))
              : null}
          </article>
        ))}
      </div>
      {report.answered ? (
        <div className="findings">
          <h3>{t('promises.gapsTitle')}</h3>
          {report.gaps.length === 0 ? (
            <p>{t('promises.noGaps')}</p>
          ) : (
            <ul>
              {report.gaps.map((gap) => (
                <li key={`${gap.item} ${gap.higher.tier} ${gap.lower.tier}`} data-testid="promise-gap">
                  {gap.significant ? (
                    <p className="warning" role="note">
                      <span aria-hidden="true">⚠ </span>
                      <strong>{t('promises.warning')}:</strong> {promiseGapText(gap, t, locale)} {promiseGapVerdict(gap, report, t, locale)}
                    </p>
                  ) : (
                    <p>
                      {promiseGapText(gap, t, locale)} <span className="muted">{promiseGapVerdict(gap, report, t, locale)}</span>
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </section>
  );
}
