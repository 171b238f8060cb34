import { useTranslation } from 'react-i18next';
import type { Change } from '~/analysis/period-changes';
import type { ScopeReview, TierReview } from '~/reports/tier-review.server';
import { formatNumber, formatPercent, MIN_ANSWERS } from './format';

type Serialized<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Serialized<T[K]> } : T;

/** A significance mark for a change, with its meaning spelled out for screen readers. */
function ChangeMark({ change, format }: { change: Serialized<Change> | null | undefined; format: (delta: number) => string }) {
  const { t } = useTranslation();
  if (!change || change.delta === null) return null;
  const text = t('results.change', { delta: format(change.delta) });
  if (!change.significant) return <span className="change" title={text}>{' '}</span>;
  const up = change.delta > 0;
  return (
    <span className={`change ${up ? 'up' : 'down'}`} title={text}>
      <span aria-hidden="true">{up ? ' ▲' : ' ▼'}</span>
      <span className="visually-hidden">{` (${up ? t('results.significantUp') : t('results.significantDown')}, ${text})`}</span>
    </span>
  );
}

function Figure({ n, children }: { n: number; children: React.ReactNode }) {
  const { t } = useTranslation();
  if (n < MIN_ANSWERS) return <span className="muted">{t('results.tooFew')}</span>;
  return <>{children}</>;
}

function ScopeRow({ period, scope, rowSpan }: { period?: string; scope: Serialized<ScopeReview>; rowSpan?: number }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const m = scope.metrics;
  const c = scope.changes;
  const percent = (value: number) => formatPercent(value, locale);
  const points = (value: number) => t('results.points', { value: `${value > 0 ? '+' : ''}${formatNumber(value * 100, locale)}` });
  const mean = (value: number) => formatNumber(value, locale, 2);
  const signedMean = (value: number) => `${value > 0 ? '+' : ''}${formatNumber(value, locale, 2)}`;
  return (
    <tr className={scope.tier === null ? 'scope-all' : undefined}>
      {period ? (
        <th scope="rowgroup" rowSpan={rowSpan}>
          {period}
        </th>
      ) : null}
      <th scope="row">{scope.tier ?? t('results.all')}</th>
      <td className="num">
        <Figure n={m.missUs.n}>
          <span title={t('results.interval', { low: percent(m.missUs.low ?? 0), high: percent(m.missUs.high ?? 0) })}>
            {percent(m.missUs.score ?? 0)}
          </span>
          <ChangeMark change={c?.missUs} format={points} />
          <span className="n">n = {m.missUs.n}</span>
        </Figure>
      </td>
      <td className="num">
        <Figure n={m.wouldNotMiss.n}>
          {percent(m.wouldNotMiss.share ?? 0)}
          <ChangeMark change={c?.wouldNotMiss} format={points} />
        </Figure>
      </td>
      <td className="num">
        <Figure n={m.pti.n}>
          {mean(m.pti.mean ?? 0)}
          <ChangeMark change={c?.pti} format={signedMean} />
          <span className="n">n = {m.pti.n}</span>
        </Figure>
      </td>
      <td className="num">
        <Figure n={m.benefit.n}>
          {mean(m.benefit.mean ?? 0)}
          <ChangeMark change={c?.benefit} format={signedMean} />
        </Figure>
      </td>
      <td className="num">
        <Figure n={m.csat.n}>
          {mean(m.csat.mean ?? 0)}
          <ChangeMark change={c?.csat} format={signedMean} />
        </Figure>
      </td>
      <td className="num">
        <Figure n={m.nps.n}>{formatNumber(m.nps.score ?? 0, locale)}</Figure>
      </td>
      <td className="num">
        {scope.responseRate.rate === null ? (
          '–'
        ) : (
          <>
            {percent(scope.responseRate.rate)}
            <ChangeMark change={c?.responseRate} format={points} />
            <span className="n">n = {scope.responseRate.delivered}</span>
          </>
        )}
      </td>
    </tr>
  );
}

/** Periods × tiers with every figure, its n and its change against the previous period. */
export function ReviewTable({ review }: { review: Serialized<TierReview> }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="review-table-title">
      <h2 id="review-table-title">{t('results.table')}</h2>
      <p className="muted">{t('results.legendSignificant')}</p>
      <div className="table-wrap">
        <table className="review-table">
          <caption className="visually-hidden">{t('results.table')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('overview.period')}</th>
              <th scope="col">{t('results.scope')}</th>
              <th scope="col" className="num">{t('results.missUs')}</th>
              <th scope="col" className="num">{t('results.wouldNotMiss')}</th>
              <th scope="col" className="num">{t('results.pti')}</th>
              <th scope="col" className="num">{t('results.benefit')}</th>
              <th scope="col" className="num">{t('results.csat')}</th>
              <th scope="col" className="num">{t('results.nps')}</th>
              <th scope="col" className="num">{t('results.responseRate')}</th>
            </tr>
          </thead>
          {[...review.periods].reverse().map((period) => (
            <tbody key={period.period}>
              <ScopeRow period={period.period} scope={period.overall} rowSpan={period.byTier.length + 1} />
              {period.byTier.map((scope) => (
                <ScopeRow key={scope.tier} scope={scope} />
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}
