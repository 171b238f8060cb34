import { Chart, Legend, LinearScale, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import { Link } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { FitQuadrant, FitTier } from '~/analysis/fit';
import { FIT_QUADRANTS } from '~/analysis/fit';
import type { MissUsAnswer } from '~/analysis/tables';
import { fitMapConfig, fitMapPointAt, type FitMapSpec } from './fit-chart-config';
import { fitHeadline, formatMoney } from './fit-text';
import { formatNumber, formatPercent } from './format';

Chart.register(ScatterController, PointElement, LineElement, LinearScale, LogarithmicScale, Legend, Tooltip);

/** A customer on the map, as the loader sends it. */
export interface FitMapCustomer {
  id: string;
  name: string | null;
  tier: string;
  revenue: number;
  margin: number | null;
  missUs: MissUsAnswer | null;
  pti: number | null;
  flagged: boolean;
  quadrant: FitQuadrant;
}

/** Customers listed per quadrant below the map; the rest are counted. */
const LIST_LIMIT = 50;

/** Per tier the revenue that would not miss us, as a sentence and as a table. */
export function FitHeadlines({ period, byTier, median }: { period: string; byTier: FitTier[]; median: number | null }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const share = (value: number | null) => (value === null ? t('fit.noShare') : formatPercent(value, locale));
  return (
    <section aria-labelledby="fit-headlines-title" className="card">
      <h2 id="fit-headlines-title">{t('fit.headlineTitle')}</h2>
      <ul className="fit-headlines">
        {byTier.map((tier) => {
          const { headline, detail } = fitHeadline(tier, period, t, locale);
          return (
            <li key={tier.tier} data-tier={tier.tier}>
              <strong>{headline}</strong> {detail ? <span className="muted">{detail}</span> : null}
            </li>
          );
        })}
      </ul>
      {median !== null ? <p className="muted">{t('fit.definitions', { median: formatMoney(median, locale) })}</p> : null}
      {/* Focusable, so that keyboard users can scroll the wide table on a phone. */}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="fit-table-caption">
        <table>
          <caption id="fit-table-caption">{t('fit.table.caption', { period })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fit.table.tier')}</th>
              <th scope="col">{t('fit.table.revenueAtRisk')}</th>
              <th scope="col">{t('fit.table.revenueShare')}</th>
              <th scope="col">{t('fit.table.marginAtRisk')}</th>
              <th scope="col">{t('fit.table.marginShare')}</th>
              <th scope="col">{t('fit.table.customersAtRisk')}</th>
              <th scope="col">{t('fit.table.answered')}</th>
              <th scope="col">{t('fit.table.total')}</th>
            </tr>
          </thead>
          <tbody>
            {byTier.map((tier) => (
              <tr key={tier.tier}>
                <th scope="row">{tier.tier}</th>
                <td className="num">{formatMoney(tier.atRisk.revenue, locale)}</td>
                <td className="num">{share(tier.atRisk.revenueShare)}</td>
                <td className="num">{formatMoney(tier.atRisk.margin, locale)}</td>
                <td className="num">{share(tier.atRisk.marginShare)}</td>
                <td className="num">{tier.atRisk.customers}</td>
                <td className="num">{tier.answered}</td>
                <td className="num">{formatMoney(tier.total.revenue, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * The fit map: a scatter of the quarter's customers (drawn in the browser),
 * with the same customers listed per quadrant as links, which is the text
 * alternative and the keyboard's way to a customer.
 */
export function FitMap(props: {
  period: string;
  tiers: string[];
  customers: FitMapCustomer[];
  /** Customers per quadrant in the whole quarter (the map may show fewer). */
  quadrants: Record<FitQuadrant, { customers: number; revenue: number }>;
  median: number | null;
  placed: number;
}) {
  const { period, tiers, customers, quadrants, median, placed } = props;
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const canvas = useRef<HTMLCanvasElement>(null);
  const answerText = (answer: MissUsAnswer | null) => (answer ? t(`results.answers.${answer}`) : '–');
  const ptiText = (pti: number | null) => (pti === null ? '–' : formatNumber(pti, locale, 2));
  const nameOf = (customer: FitMapCustomer) => customer.name ?? t('fit.list.erased');
  const spec: FitMapSpec = {
    tiers,
    median,
    points: customers.map((customer) => ({
      id: customer.id,
      tier: customer.tier,
      revenue: customer.revenue,
      missUs: customer.missUs,
      pti: customer.pti,
      flagged: customer.flagged,
      label:
        t('fit.map.point', { name: nameOf(customer), tier: customer.tier, revenue: formatMoney(customer.revenue, locale), answer: answerText(customer.missUs), pti: ptiText(customer.pti) }) +
        (customer.flagged ? ` · ${t('fit.map.flagged')}` : ''),
    })),
    labels: {
      x: t('fit.map.x', { period }),
      y: t('fit.map.y'),
      median: t('fit.map.median'),
      bands: { none: answerText('na'), not: answerText('not'), somewhat: answerText('somewhat'), very: answerText('very') },
    },
    formatMoney: (value) => formatMoney(value, locale),
  };
  const latest = useRef(spec);
  latest.current = spec;
  // Redraw only when the customers or the language change.
  const signature = `${locale}|${period}|${customers.length}|${customers[0]?.id ?? ''}|${customers[customers.length - 1]?.id ?? ''}`;
  useEffect(() => {
    if (!canvas.current) return;
    const base = fitMapConfig(latest.current, { responsive: true });
    const chart = new Chart(canvas.current, {
      ...base,
      options: {
        ...base.options,
        onClick: (_event, elements) => {
          const element = elements.find((e) => e.datasetIndex < latest.current.tiers.length);
          const point = element ? fitMapPointAt(latest.current, element.datasetIndex, element.index) : undefined;
          if (point) window.location.assign(`/app/customers/${point.id}`);
        },
        onHover: (event, elements) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.some((e) => e.datasetIndex < latest.current.tiers.length) ? 'pointer' : 'default';
        },
      },
    });
    return () => chart.destroy();
  }, [signature]);

  return (
    <>
      <figure className="chart fit-map" aria-labelledby="fit-map-title">
        <figcaption id="fit-map-title">{t('fit.map.title', { period })}</figcaption>
        <div className="chart-canvas" style={{ height: '22rem' }}>
          <canvas ref={canvas} aria-hidden="true" />
        </div>
        <p className="muted">
          {t('fit.map.hint')}{' '}
          {customers.length < placed ? t('fit.map.capped', { shown: customers.length, total: placed }) : null}
        </p>
      </figure>
      <section aria-labelledby="fit-list-title">
        <h2 id="fit-list-title">{t('fit.list.title')}</h2>
        <div className="fit-quadrants">
          {FIT_QUADRANTS.map((quadrant) => {
            const listed = customers.filter((customer) => customer.quadrant === quadrant).slice(0, LIST_LIMIT);
            const more = quadrants[quadrant].customers - listed.length;
            return (
              <section key={quadrant} className="card" aria-labelledby={`fit-${quadrant}`} data-quadrant={quadrant}>
                <h3 id={`fit-${quadrant}`}>{t(`fit.quadrants.${quadrant}`)}</h3>
                <p className="muted">
                  {t(`fit.quadrantHints.${quadrant}`)} {t('fit.quadrantCount', { count: quadrants[quadrant].customers, revenue: formatMoney(quadrants[quadrant].revenue, locale) })}
                </p>
                {listed.length === 0 ? (
                  <p>{t('fit.list.none')}</p>
                ) : (
                  <div className="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">{t('fit.list.customer')}</th>
                          <th scope="col">{t('fit.list.tier')}</th>
                          <th scope="col">{t('fit.list.revenue')}</th>
                          <th scope="col">{t('fit.list.margin')}</th>
                          <th scope="col">{t('fit.list.answer')}</th>
                          <th scope="col">{t('fit.list.pti')}</th>
                          <th scope="col">{t('fit.list.flag')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {listed.map((customer) => (
                          <tr key={customer.id}>
                            <th scope="row">
                              <Link to={`/app/customers/${customer.id}`}>{nameOf(customer)}</Link>
                            </th>
                            <td>{customer.tier}</td>
                            <td className="num">{formatMoney(customer.revenue, locale)}</td>
                            <td className="num">{customer.margin === null ? '–' : formatMoney(customer.margin, locale)}</td>
                            <td>{answerText(customer.missUs)}</td>
                            <td className="num">{ptiText(customer.pti)}</td>
                            <td>{customer.flagged ? t('fit.map.flagged') : ''}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                {more > 0 ? <p className="muted">{t('fit.list.more', { count: more })}</p> : null}
              </section>
            );
          })}
        </div>
      </section>
    </>
  );
}
