import { useTranslation } from 'react-i18next';
import type { LoopFigures } from '~/analysis/flag-loop';
import { formatNumber, formatPercent } from './format';

/** The flag loop per quarter and tier (app/analysis/flag-loop.ts), each figure with its n. */
export function FlagLoopTable({ rows, headingId, note }: { rows: LoopFigures[]; headingId: string; note?: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const tooFew = <span className="muted">{t('flagsPage.loop.tooFew')}</span>;
  const share = (value: number | null, count: number, n: number) => (
    <>
      {value === null ? tooFew : formatPercent(value, locale)}
      <span className="n">
        {count} {t('flagsPage.loop.ofN', { n })}
      </span>
    </>
  );
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('flagsPage.loop.title')}</h2>
      <p className="muted">
        {t('flagsPage.loop.intro')}
        {note ? ` ${note}` : null}
      </p>
      {rows.length > 0 ? (
        <p>
          <a className="button" href="/app/flags/loop.csv" download>
            {t('flagsPage.download')}
          </a>
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p className="muted">{t('flagsPage.loop.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('flagsPage.loop.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('flagsPage.loop.period')}</th>
                <th scope="col">{t('flagsPage.loop.tier')}</th>
                <th scope="col" className="num">{t('flagsPage.loop.raised')}</th>
                <th scope="col" className="num">{t('flagsPage.loop.inTime')}</th>
                <th scope="col" className="num">{t('flagsPage.loop.daysToClose')}</th>
                <th scope="col" className="num">{t('flagsPage.loop.recovery')}</th>
                <th scope="col" className="num">{t('flagsPage.loop.ptiChange')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.period}-${row.tier ?? ''}`}>
                  <th scope="row">{row.period}</th>
                  <td>{row.tier ?? t('flagsPage.loop.noTier')}</td>
                  <td className="num">{row.raised}</td>
                  <td className="num">{share(row.inTimeShare, row.contactedInTime, row.due)}</td>
                  <td className="num">
                    {row.medianDaysToClose === null ? tooFew : formatNumber(row.medianDaysToClose, locale, 1)}
                    <span className="n">n = {row.closed}</span>
                  </td>
                  <td className="num">{share(row.recoveryShare, row.recovered, row.answeredAgain)}</td>
                  <td className="num">
                    {row.meanPtiChange === null ? tooFew : `${row.meanPtiChange > 0 ? '+' : ''}${formatNumber(row.meanPtiChange, locale, 2)}`}
                    <span className="n">n = {row.answeredAgain}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
