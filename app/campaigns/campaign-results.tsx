import { useTranslation } from 'react-i18next';
import { customersHref } from '~/customers/customer-links';
import type { CampaignResults as Results } from '~/reports/campaign-results.server';
import { EmptyState } from '~/ui/form';
import { formatNumber, formatPercent, MIN_ANSWERS } from '~/ui/format';
import { MISS_US_LINE } from '~/ui/palette';
import { ScoreMeter } from '~/ui/tier-glance';

/**
 * A campaign's results per tier of its quarter (app/reports/campaign-results.server.ts),
 * shown as the review's glance shows a quarter: the miss-us score against the
 * 40 % line with ⚠ or ✓ and words besides the colour, nothing below n = 10,
 * and every figure a link to the customers behind it.
 */
export function CampaignResults({ results }: { results: Results }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const percent = (value: number) => formatPercent(value, locale);
  const { period } = results;
  const reviewHref = `/app/results?${new URLSearchParams({ from: period, to: period })}`;
  return (
    <section aria-labelledby="results-title" className="glance">
      <h2 id="results-title">{t('campaigns.results.title')}</h2>
      <p>
        <a href={reviewHref}>{t('campaigns.results.review', { period })}</a>
      </p>
      {results.completed === 0 ? (
        <EmptyState>
          <p>{t('campaigns.results.empty')}</p>
        </EmptyState>
      ) : (
        <>
          <p className="muted glance-intro">{t('campaigns.results.intro', { period })}</p>
          {results.otherCampaignsInQuarter > 0 ? (
            <p className="muted" role="note">
              {t('campaigns.results.otherCampaigns', { count: results.otherCampaignsInQuarter, period })}
            </p>
          ) : null}
          <div className="glance-grid">
            {results.tiers.map((row) => {
              const miss = row.missUs;
              const below = miss.score !== null && miss.score < MISS_US_LINE;
              return (
                <article key={row.tier} className="glance-card" aria-labelledby={`results-${row.tier}`} data-tier={row.tier}>
                  <h3 id={`results-${row.tier}`}>{t('results.glance.tier', { tier: row.tier })}</h3>
                  <dl className="facts" data-figure="funnel">
                    <dt>{t('campaigns.invited')}</dt>
                    <dd data-testid={`results-${row.tier}-invited`}>{formatNumber(row.invited, locale)}</dd>
                    <dt>{t('campaigns.completed')}</dt>
                    <dd data-testid={`results-${row.tier}-completed`}>{formatNumber(row.completed, locale)}</dd>
                    <dt>{t('campaigns.responseRate')}</dt>
                    <dd data-testid={`results-${row.tier}-rate`}>
                      {row.responseRate === null ? (
                        '–'
                      ) : (
                        <>
                          <a href={customersHref({ period, tier: row.tier, answer: 'any' })}>{percent(row.responseRate)}</a>{' '}
                          <span className="n inline">{t('campaigns.results.ofDelivered', { count: row.delivered })}</span>
                        </>
                      )}
                    </dd>
                  </dl>
                  <div className="glance-answer" data-question="miss">
                    <p className="glance-question">{t('results.glance.missQuestion')}</p>
                    {miss.n < MIN_ANSWERS || miss.score === null ? (
                      <p className="muted" data-testid={`results-${row.tier}-miss`}>{t('results.tooFew')}</p>
                    ) : (
                      <>
                        <p className={`glance-figure ${below ? 'below-line' : 'above-line'}`} data-testid={`results-${row.tier}-miss`}>
                          <span aria-hidden="true" className="line-mark">
                            {below ? '⚠' : '✓'}
                          </span>{' '}
                          <a href={customersHref({ period, tier: row.tier, answer: 'scored' })} className="glance-score">
                            {percent(miss.score)}
                            <span className="visually-hidden"> {t('results.glance.showCustomers', { count: miss.n })}</span>
                          </a>{' '}
                          <span className="glance-unit">{t('results.glance.veryDisappointed')}</span>
                          <span className="visually-hidden"> ({below ? t('results.glance.below') : t('results.glance.above')})</span>
                        </p>
                        <ScoreMeter score={miss.score} low={miss.low ?? miss.score} high={miss.high ?? miss.score} />
                        <p className="n">{t('results.glance.interval', { n: miss.n, low: percent(miss.low ?? 0), high: percent(miss.high ?? 0) })}</p>
                      </>
                    )}
                  </div>
                  <div className="glance-answer" data-question="treatment">
                    <p className="glance-question">{t('results.glance.treatmentQuestion')}</p>
                    <p data-testid={`results-${row.tier}-pti`}>
                      {row.pti.n < MIN_ANSWERS || row.pti.mean === null ? (
                        <span className="muted">{t('results.tooFew')}</span>
                      ) : (
                        <>
                          <strong>{t('results.glance.pti', { pti: formatNumber(row.pti.mean, locale, 1) })}</strong>{' '}
                          <span className="n inline">{t('results.glance.ptiN', { n: row.pti.n })}</span>
                        </>
                      )}
                    </p>
                    <p data-testid={`results-${row.tier}-flags`}>
                      {row.flags.open === 0 ? (
                        <span className="muted">{t('results.glance.noOpenFlags')}</span>
                      ) : (
                        <>
                          <a href={customersHref({ period, tier: row.tier, flag: 'open' })}>{t('results.glance.openFlags', { count: row.flags.open })}</a>
                          {row.flags.overdue > 0 ? (
                            <>
                              {' '}
                              <strong className="severity severity-high">⚠ {t('results.glance.overdue', { count: row.flags.overdue })}</strong>
                            </>
                          ) : null}
                        </>
                      )}
                    </p>
                  </div>
                </article>
              );
            })}
          </div>
        </>
      )}
    </section>
  );
}
