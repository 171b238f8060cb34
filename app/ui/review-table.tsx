import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Change } from '~/analysis/period-changes';
import { customersHref } from '~/customers/customer-links';
import type { ScopeReview, TierReview } from '~/reports/tier-review.server';
import { formatNumber, formatPercent, MIN_ANSWERS } from './format';

type Serialized<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Serialized<T[K]> } : T;

/**
 * Everything a cell needs, made once per table. The table has several hundred
 * cells; a translation hook, an i18next lookup or a new number formatter per
 * cell was most of the page's server time, so cells are plain functions of
 * this context and texts with placeholders are looked up once.
 */
interface Cells {
  texts: { all: string; tooFew: string; up: string; down: string; below: string };
  standardized: (score: string) => string;
  change: (delta: string) => string;
  interval: (low: string, high: string) => string;
  percent: (value: number) => string;
  points: (value: number) => string;
  mean: (value: number) => string;
  signedMean: (value: number) => string;
  whole: (value: number) => string;
}

/** A translated text whose placeholders are filled in by joining strings, without asking i18next again. */
function textTemplate(t: TFunction, key: string, names: string[]): (...values: string[]) => string {
  const markers = names.map((_, index) => `\u0000${index}\u0000`);
  const text = t(key, Object.fromEntries(names.map((name, index) => [name, markers[index]])));
  return (...values) => markers.reduce((out, marker, index) => out.split(marker).join(values[index] ?? ''), text);
}

function cellsFor(t: TFunction, locale: string): Cells {
  const points = textTemplate(t, 'results.points', ['value']);
  return {
    texts: {
      all: t('results.all'),
      tooFew: t('results.tooFew'),
      up: t('results.significantUp'),
      down: t('results.significantDown'),
      below: t('results.glance.below'),
    },
    change: textTemplate(t, 'results.change', ['delta']),
    standardized: textTemplate(t, 'results.standardizedShort', ['score']),
    interval: textTemplate(t, 'results.interval', ['low', 'high']),
    percent: (value) => formatPercent(value, locale),
    points: (value) => points(`${value > 0 ? '+' : ''}${formatNumber(value * 100, locale)}`),
    mean: (value) => formatNumber(value, locale, 2),
    signedMean: (value) => `${value > 0 ? '+' : ''}${formatNumber(value, locale, 2)}`,
    whole: (value) => formatNumber(value, locale),
  };
}

/** A significance mark for a change, with its meaning spelled out for screen readers. */
function changeMark(cells: Cells, change: Serialized<Change> | null | undefined, format: (delta: number) => string): ReactNode {
  if (!change || change.delta === null) return null;
  const text = cells.change(format(change.delta));
  if (!change.significant) return <span className="change" title={text}>{' '}</span>;
  const up = change.delta > 0;
  return (
    <span className={`change ${up ? 'up' : 'down'}`} title={text}>
      <span aria-hidden="true">{up ? ' ▲' : ' ▼'}</span>
      <span className="visually-hidden">{` (${up ? cells.texts.up : cells.texts.down}, ${text})`}</span>
    </span>
  );
}

/** The figure, or "too few answers" below n = 10. */
function figure(cells: Cells, n: number, content: () => ReactNode): ReactNode {
  return n < MIN_ANSWERS ? <span className="muted">{cells.texts.tooFew}</span> : content();
}

function scopeRow(
  cells: Cells,
  scope: Serialized<ScopeReview>,
  period: string,
  group?: { period: string; rowSpan: number; standardized: number | null },
) {
  // Each figure opens the customers behind it: the score's n are those who answered the question, the response rate's those who answered.
  const behind = (answer: 'scored' | 'any') => customersHref({ period, tier: scope.tier, answer });
  const { percent, points, mean, signedMean } = cells;
  const m = scope.metrics;
  const c = scope.changes;
  return (
    <tr key={scope.tier ?? 'all'} className={scope.tier === null ? 'scope-all' : undefined}>
      {group ? (
        <th scope="rowgroup" rowSpan={group.rowSpan}>
          {group.period}
        </th>
      ) : null}
      <th scope="row">{scope.tier ?? cells.texts.all}</th>
      <td className="num">
        {figure(cells, m.missUs.n, () => (
          <>
            <a href={behind('scored')} title={cells.interval(percent(m.missUs.low ?? 0), percent(m.missUs.high ?? 0))}>
              {percent(m.missUs.score ?? 0)}
            </a>
            {(m.missUs.score ?? 0) < 0.4 ? (
              <span className="below-line-mark" title={cells.texts.below}>
                {' '}
                <span aria-hidden="true">⚠</span>
                <span className="visually-hidden">{cells.texts.below}</span>
              </span>
            ) : null}
            {changeMark(cells, c?.missUs, points)}
            <span className="n">n = {m.missUs.n}</span>
            {group && group.standardized !== null ? <span className="n">{cells.standardized(percent(group.standardized))}</span> : null}
          </>
        ))}
      </td>
      <td className="num">
        {figure(cells, m.wouldNotMiss.n, () => (
          <>
            {percent(m.wouldNotMiss.share ?? 0)}
            {changeMark(cells, c?.wouldNotMiss, points)}
          </>
        ))}
      </td>
      <td className="num">
        {figure(cells, m.pti.n, () => (
          <>
            {mean(m.pti.mean ?? 0)}
            {changeMark(cells, c?.pti, signedMean)}
            <span className="n">n = {m.pti.n}</span>
          </>
        ))}
      </td>
      <td className="num">
        {figure(cells, m.benefit.n, () => (
          <>
            {mean(m.benefit.mean ?? 0)}
            {changeMark(cells, c?.benefit, signedMean)}
          </>
        ))}
      </td>
      <td className="num">
        {figure(cells, m.csat.n, () => (
          <>
            {mean(m.csat.mean ?? 0)}
            {changeMark(cells, c?.csat, signedMean)}
          </>
        ))}
      </td>
      <td className="num">{figure(cells, m.nps.n, () => cells.whole(m.nps.score ?? 0))}</td>
      <td className="num">
        {scope.responseRate.rate === null ? (
          '–'
        ) : (
          <>
            <a href={behind('any')}>{percent(scope.responseRate.rate)}</a>
            {changeMark(cells, c?.responseRate, points)}
            <span className="n">n = {scope.responseRate.delivered}</span>
          </>
        )}
      </td>
    </tr>
  );
}

/** Periods × tiers with every figure, its n and its change against the previous period. */
export function ReviewTable({ review }: { review: Serialized<Pick<TierReview, 'periods'>> }) {
  const { t, i18n } = useTranslation();
  const cells = cellsFor(t, i18n.language);
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
              {scopeRow(cells, period.overall, period.period, {
                period: period.period,
                rowSpan: period.byTier.length + 1,
                standardized: period.standardizedMissUs.score,
              })}
              {period.byTier.map((scope) => scopeRow(cells, scope, period.period))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}
