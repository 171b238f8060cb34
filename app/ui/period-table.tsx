import { useTranslation } from 'react-i18next';
import type { PeriodTierRow } from '~/reports/overview.server';
import { formatPercent, MIN_ANSWERS } from './format';

/** Miss-us score, responses and response rate per period and tier, with every figure's n. */
export function PeriodTierTable({ rows, caption }: { rows: PeriodTierRow[]; caption: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('overview.period')}</th>
            <th scope="col">{t('overview.tier')}</th>
            <th scope="col" className="num">
              {t('overview.missUs')}
            </th>
            <th scope="col" className="num">
              {t('overview.responses')}
            </th>
            <th scope="col" className="num">
              {t('overview.responseRate')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.period}-${row.tier}`}>
              <th scope="row">{row.period}</th>
              <td>{row.tier}</td>
              <td className="num">
                {row.missUsAnswers < MIN_ANSWERS ? (
                  <span className="muted">{t('overview.tooFew')}</span>
                ) : (
                  <>
                    {formatPercent(row.veryDisappointed / row.missUsAnswers, locale)}{' '}
                    <span className="muted">(n = {row.missUsAnswers})</span>
                  </>
                )}
              </td>
              <td className="num">{row.completed}</td>
              <td className="num">
                {row.invited > 0 ? formatPercent(row.completed / row.invited, locale) : '–'}{' '}
                <span className="muted">(n = {row.invited})</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
