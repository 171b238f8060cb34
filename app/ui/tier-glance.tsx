import { useTranslation } from 'react-i18next';
import type { Change } from '~/analysis/period-changes';
import type { Metrics } from '~/analysis/metrics';
import { customersHref } from '~/customers/customer-links';
import { formatNumber, formatPercent, MIN_ANSWERS } from './format';
import { MISS_US_LINE } from './palette';

interface Scope {
  tier: string | null;
  metrics: Metrics;
  changes: { missUs: Change; pti: Change } | null;
}
interface Period {
  period: string;
  previousPeriod: string | null;
  overall: Scope;
  byTier: Scope[];
}
export interface GlanceFlags {
  tier: string;
  open: number;
  overdue: number;
}

/**
 * The top of the overview and of the review: for the chosen (latest shown)
 * quarter and each tier, the two questions the product answers. Would they
 * miss us: the score against the 40 % line with its interval, its change and
 * its course over the quarters. Does anyone feel second-class: the treatment
 * index and the customers with open and overdue flags. Each figure links to
 * the customers behind it.
 */
export function TierGlance({ periods, flags }: { periods: Period[]; flags: GlanceFlags[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const current = periods[periods.length - 1];
  if (!current) return null;
  const scopes = [current.overall, ...current.byTier];
  const percent = (value: number) => formatPercent(value, locale);
  return (
    <section aria-labelledby="glance-title" className="glance">
      <h2 id="glance-title">{t('results.glance.title', { period: current.period })}</h2>
      <p className="muted glance-intro">{t('results.glance.intro')}</p>
      <div className="glance-grid">
        {scopes.map((scope) => {
          const key = scope.tier ?? 'all';
          const miss = scope.metrics.missUs;
          const pti = scope.metrics.pti;
          const tierFlags = scope.tier === null ? sumFlags(flags) : (flags.find((row) => row.tier === scope.tier) ?? { open: 0, overdue: 0 });
          const history = periods.map((period) => {
            const other = scope.tier === null ? period.overall : period.byTier.find((s) => s.tier === scope.tier);
            const m = other?.metrics.missUs;
            return { period: period.period, score: m && m.n >= MIN_ANSWERS ? m.score : null };
          });
          const below = miss.score !== null && miss.score < MISS_US_LINE;
          return (
            <article key={key} className="glance-card" aria-labelledby={`glance-${key}`} data-tier={key}>
              <h3 id={`glance-${key}`}>{scope.tier === null ? t('results.glance.all') : t('results.glance.tier', { tier: scope.tier })}</h3>
              <div className="glance-answer" data-question="miss">
                <p className="glance-question">{t('results.glance.missQuestion')}</p>
                {miss.n < MIN_ANSWERS || miss.score === null ? (
                  <p className="muted">{t('results.tooFew')}</p>
                ) : (
                  <>
                    <p className={`glance-figure ${below ? 'below-line' : 'above-line'}`}>
                      <span aria-hidden="true" className="line-mark">
                        {below ? '⚠' : '✓'}
                      </span>{' '}
                      <a href={customersHref({ period: current.period, tier: scope.tier, answer: 'scored' })} className="glance-score">
                        {percent(miss.score)}
                        <span className="visually-hidden"> {t('results.glance.showCustomers', { count: miss.n })}</span>
                      </a>{' '}
                      <span className="glance-unit">{t('results.glance.veryDisappointed')}</span>
                      <span className="visually-hidden"> ({below ? t('results.glance.below') : t('results.glance.above')})</span>
                      <ChangeMark change={scope.changes?.missUs ?? null} since={current.previousPeriod} points />
                    </p>
                    <ScoreMeter score={miss.score} low={miss.low ?? miss.score} high={miss.high ?? miss.score} />
                    <p className="n">
                      {t('results.glance.interval', { n: miss.n, low: percent(miss.low ?? 0), high: percent(miss.high ?? 0) })}
                    </p>
                  </>
                )}
                {history.length > 1 ? <Sparkline points={history} label={t('results.glance.trend', { points: history.map((p) => `${p.period} ${p.score === null ? '–' : percent(p.score)}`).join(', ') })} /> : null}
              </div>
              <div className="glance-answer" data-question="treatment">
                <p className="glance-question">{t('results.glance.treatmentQuestion')}</p>
                <p>
                  {pti.n < MIN_ANSWERS || pti.mean === null ? (
                    <span className="muted">{t('results.tooFew')}</span>
                  ) : (
                    <>
                      <strong>{t('results.glance.pti', { pti: formatNumber(pti.mean, locale, 1) })}</strong>
                      <ChangeMark change={scope.changes?.pti ?? null} since={current.previousPeriod} />{' '}
                      <span className="n inline">{t('results.glance.ptiN', { n: pti.n })}</span>
                    </>
                  )}
                </p>
                <p>
                  {tierFlags.open === 0 ? (
                    <span className="muted">{t('results.glance.noOpenFlags')}</span>
                  ) : (
                    <>
                      <a href={customersHref({ period: current.period, tier: scope.tier, flag: 'open' })}>{t('results.glance.openFlags', { count: tierFlags.open })}</a>
                      {tierFlags.overdue > 0 ? (
                        <>
                          {' '}
                          <strong className="severity severity-high">⚠ {t('results.glance.overdue', { count: tierFlags.overdue })}</strong>
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
    </section>
  );
}

function sumFlags(rows: GlanceFlags[]) {
  return rows.reduce((sum, row) => ({ open: sum.open + row.open, overdue: sum.overdue + row.overdue }), { open: 0, overdue: 0 });
}

/** ▲ or ▼ for a change that holds under the quarter's family control; colour and symbol, with words for screen readers. */
function ChangeMark({ change, since, points = false }: { change: Change | null; since: string | null; points?: boolean }) {
  const { t, i18n } = useTranslation();
  if (!change || change.delta === null || !since) return null;
  // Rounded before the sign is chosen, so that −0.3 points reads "0", not "-0".
  const digits = points ? 0 : 1;
  const value = Number((points ? change.delta * 100 : change.delta).toFixed(digits)) || 0;
  const delta = `${value > 0 ? '+' : value < 0 ? '−' : '±'}${formatNumber(Math.abs(value), i18n.language, digits)}`;
  const text = points ? t('results.glance.change', { delta, period: since }) : t('results.change', { delta });
  if (!change.significant) {
    return <span className="glance-change"> {points ? text : null}</span>;
  }
  const up = change.delta > 0;
  return (
    <span className={`change ${up ? 'up' : 'down'} glance-change`} title={text}>
      <span aria-hidden="true">{up ? ' ▲' : ' ▼'}</span> {points ? text : null}
      <span className="visually-hidden"> ({up ? t('results.significantUp') : t('results.significantDown')}{points ? '' : `, ${text}`})</span>
    </span>
  );
}

/** The score with its interval on a 0–100 % bar, the 40 % line marked; the text beside it says the same in words. */
export function ScoreMeter({ score, low, high }: { score: number; low: number; high: number }) {
  const x = (share: number) => Math.max(0, Math.min(100, share * 100));
  return (
    <svg className="score-meter" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <rect x="0" y="3" width="100" height="4" className="meter-track" />
      <rect x={x(low)} y="2" width={Math.max(0.5, x(high) - x(low))} height="6" className="meter-interval" />
      <rect x={x(score) - 0.75} y="0" width="1.5" height="10" className="meter-score" />
      <line x1={x(MISS_US_LINE)} x2={x(MISS_US_LINE)} y1="0" y2="10" className="meter-line" />
    </svg>
  );
}

/** The score over the quarters as a small line with the 40 % line dashed; quarters with too few answers leave a gap. */
function Sparkline({ points, label }: { points: Array<{ period: string; score: number | null }>; label: string }) {
  const width = 120;
  const height = 28;
  const x = (index: number) => (points.length > 1 ? (index / (points.length - 1)) * (width - 4) + 2 : width / 2);
  const y = (share: number) => height - 2 - share * (height - 4);
  let path = '';
  let drawing = false;
  points.forEach((point, index) => {
    if (point.score === null) {
      drawing = false;
      return;
    }
    path += `${drawing ? 'L' : 'M'}${x(index).toFixed(1)} ${y(point.score).toFixed(1)} `;
    drawing = true;
  });
  const last = points.length - 1;
  const lastScore = points[last]?.score ?? null;
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}>
      <line x1="0" x2={width} y1={y(MISS_US_LINE)} y2={y(MISS_US_LINE)} className="spark-line-40" />
      <path d={path.trim()} className="spark-path" />
      {lastScore !== null ? <circle cx={x(last)} cy={y(lastScore)} r="2.5" className="spark-point" /> : null}
    </svg>
  );
}
