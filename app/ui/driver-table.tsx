import { useTranslation } from 'react-i18next';
import type { TierReview } from '~/reports/tier-review.server';
import { formatPercent } from './format';

/**
 * Per tier of the latest quarter, how much each item weighs in whether
 * customers would miss the business (Shapley shares of what the five items
 * explain together). Shown only where the quarter's drivers hold at all.
 */
export function DriverTable({ review }: { review: Pick<TierReview, 'periods'> }) {
  const { t, i18n } = useTranslation();
  const latest = review.periods[review.periods.length - 1];
  if (!latest || latest.drivers.length === 0) return null;
  const items = latest.drivers[0]!.importance.shares.map((entry) => entry.item);
  return (
    <section aria-labelledby="driver-table-title">
      <h2 id="driver-table-title">{t('results.driverTable', { period: latest.period })}</h2>
      <p className="muted">{t('results.driverTableNote')}</p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('results.scope')}</th>
              {items.map((item) => (
                <th key={item} scope="col" className="num">
                  {t(`results.items.${item}`)}
                </th>
              ))}
              <th scope="col" className="num">n</th>
            </tr>
          </thead>
          <tbody>
            {latest.drivers.map(({ importance }) => (
              <tr key={importance.tier}>
                <th scope="row">{importance.tier}</th>
                {importance.shares.map((entry) => (
                  <td key={entry.item} className="num">
                    {entry.item === importance.leader ? <strong>{formatPercent(entry.share, i18n.language)}</strong> : formatPercent(entry.share, i18n.language)}
                  </td>
                ))}
                <td className="num">{importance.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
