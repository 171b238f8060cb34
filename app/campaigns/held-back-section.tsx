import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { HeldBack } from './held-back.server';
import { CAMPAIGN_TIME_ZONE } from './forms';

// The campaign preview's account of the contact rule: who is held back, per tier, and by which invitation.

function formatDay(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: CAMPAIGN_TIME_ZONE }).format(new Date(iso));
}

export function HeldBackSection({ heldBack }: { heldBack: HeldBack }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const number = (n: number) => new Intl.NumberFormat(lang).format(n);
  if (heldBack.total === 0) return null;
  const more = heldBack.total - heldBack.customers.length;
  return (
    <section aria-labelledby="held-back-title" data-testid="held-back">
      <h3 id="held-back-title">{t('contactRules.heldBack.title')}</h3>
      <p className="muted">
        {t('contactRules.heldBack.intro', { days: heldBack.days })} <Link to="/app/settings/contact">{t('contactRules.tab')}</Link>
      </p>
      <p>
        <strong>{t('contactRules.heldBack.total', { formatted: number(heldBack.total) })}</strong>
      </p>
      <div className="table-wrap">
        <table data-testid="held-back-tiers">
          <caption className="visually-hidden">{t('contactRules.heldBack.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('contactRules.heldBack.tier')}</th>
              <th scope="col" className="num">
                {t('contactRules.heldBack.customers')}
              </th>
            </tr>
          </thead>
          <tbody>
            {heldBack.byTier.map((row) => (
              <tr key={row.tier ?? ''}>
                <th scope="row">{row.tier ?? t('contactRules.heldBack.noTier')}</th>
                <td className="num">{number(row.n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table data-testid="held-back-customers">
          <caption className="visually-hidden">{t('contactRules.heldBack.customers')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('contactRules.heldBack.customer')}</th>
              <th scope="col">{t('contactRules.heldBack.tier')}</th>
              <th scope="col">{t('contactRules.heldBack.lastInvited')}</th>
              <th scope="col">{t('contactRules.heldBack.campaign')}</th>
            </tr>
          </thead>
          <tbody>
            {heldBack.customers.map((customer) => (
              <tr key={customer.id}>
                <th scope="row">
                  <Link to={`/app/customers/${customer.id}`}>{customer.name ?? customer.company ?? '–'}</Link>
                  {customer.name && customer.company ? <span className="muted"> · {customer.company}</span> : null}
                </th>
                <td>{customer.tier ?? t('contactRules.heldBack.noTier')}</td>
                <td>{formatDay(customer.lastInvitedAt, lang)}</td>
                <td>
                  <Link to={`/app/campaigns/${customer.campaignId}`}>{customer.campaignName}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more > 0 ? <p className="muted">{t('contactRules.heldBack.more', { formatted: number(more) })}</p> : null}
    </section>
  );
}
