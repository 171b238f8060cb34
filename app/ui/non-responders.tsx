import { Link, useRouteLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { NonResponders } from '~/reports/non-responders.server';

// The review's follow-up list: top-tier customers invited in the latest quarter shown who did not answer.

function formatDay(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'Europe/Berlin' }).format(new Date(iso));
}

/**
 * Reads its list from the review's loader (`nonResponders`), so the review
 * page only places it.
 */
export function NonRespondersSection() {
  const { t, i18n } = useTranslation();
  const report = useRouteLoaderData<{ nonResponders?: NonResponders | null }>('routes/app.results._index')?.nonResponders;
  if (!report?.tier) return null;
  const lang = i18n.language;
  const number = (n: number) => new Intl.NumberFormat(lang).format(n);
  const more = report.total - report.customers.length;
  const texts = { tier: report.tier, period: report.period };
  return (
    <section aria-labelledby="non-responders-title" data-testid="non-responders" className="no-print">
      <h2 id="non-responders-title">{t('contactRules.nonResponders.title', texts)}</h2>
      <p className="muted">{t('contactRules.nonResponders.intro', texts)}</p>
      {report.total === 0 ? (
        <p className="empty-state">{t('contactRules.nonResponders.empty', texts)}</p>
      ) : (
        <>
          <p>
            <strong>{t('contactRules.nonResponders.total', { ...texts, formatted: number(report.total) })}</strong>
          </p>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{t('contactRules.nonResponders.title', texts)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('contactRules.nonResponders.customer')}</th>
                  <th scope="col">{t('contactRules.nonResponders.company')}</th>
                  <th scope="col">{t('contactRules.nonResponders.owner')}</th>
                  <th scope="col">{t('contactRules.nonResponders.invited')}</th>
                  <th scope="col">{t('contactRules.nonResponders.campaign')}</th>
                </tr>
              </thead>
              <tbody>
                {report.customers.map((customer) => (
                  <tr key={customer.id}>
                    <th scope="row">
                      <Link to={`/app/customers/${customer.id}`}>{customer.name ?? customer.company ?? '–'}</Link>
                    </th>
                    <td>{customer.company ?? t('contactRules.nonResponders.nobody')}</td>
                    <td>{customer.accountOwner ?? t('contactRules.nonResponders.nobody')}</td>
                    <td>{formatDay(customer.invitedAt, lang)}</td>
                    <td>{customer.campaign}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {more > 0 ? <p className="muted">{t('contactRules.nonResponders.more', { formatted: number(more) })}</p> : null}
        </>
      )}
    </section>
  );
}
