import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { isPeriodLabel } from '~/analysis/response-row';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { fitPeriods, quarterFit } from '~/reports/fit.server';
import { FitHeadlines, FitMap, type FitMapCustomer } from '~/ui/fit-map';
import { EmptyState } from '~/ui/form';
import { ResultsTabs } from '~/ui/results-tabs';

/** Points drawn on the map at most (highest revenue first), so that the page stays light. */
const MAP_LIMIT = 2000;

const querySchema = z.object({ period: z.string().refine(isPeriodLabel).optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw json({ message: 'period must be written like 2026-Q3' }, { status: 400 });
  const periods = await fitPeriods(db(), member.workspace.id);
  const period = query.data.period ?? periods[0];
  if (!period) return json({ state: 'noQuarters' as const, periods, period: null, result: null });
  const quarter = await quarterFit(db(), member.workspace.id, period);
  const state = !quarter.hasRevenue ? ('noRevenue' as const) : quarter.fit.answered === 0 ? ('noAnswers' as const) : ('ok' as const);
  const placed = quarter.fit.customers.filter((customer) => customer.quadrant !== null && customer.revenue !== null);
  const shown = [...placed].sort((a, b) => b.revenue! - a.revenue!).slice(0, MAP_LIMIT);
  const customers: FitMapCustomer[] = shown.map((customer) => ({
    id: customer.customerId,
    name: quarter.names[customer.customerId]?.name ?? quarter.names[customer.customerId]?.company ?? null,
    tier: customer.tier,
    revenue: customer.revenue!,
    margin: customer.margin,
    missUs: customer.missUs,
    pti: customer.pti,
    flagged: customer.flagged,
    quadrant: customer.quadrant!,
  }));
  const { customers: _all, ...fit } = quarter.fit;
  return json({
    state,
    periods,
    period,
    result: {
      tiers: quarter.tiers,
      fit,
      customers,
      placed: placed.length,
      unplaced: {
        noRevenue: quarter.fit.answered - quarter.fit.withRevenue,
        noAnswer: quarter.fit.customers.filter((customer) => customer.revenue !== null && customer.quadrant === null).length,
      },
    },
  });
}

export default function FitPage() {
  const { t } = useTranslation();
  const { state, periods, period, result } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${t('fit.title')} · ${t('app.name')}`}</title>
      <h1>{t('fit.title')}</h1>
      <ResultsTabs />
      <p className="muted">{t('fit.intro')}</p>
      {periods.length > 0 ? (
        <Form method="get" className="range-form" aria-label={t('fit.quarter')}>
          <label>
            {t('fit.quarter')}{' '}
            <select name="period" defaultValue={period ?? undefined}>
              {periods.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="button">
            {t('fit.show')}
          </button>
        </Form>
      ) : null}
      {state === 'noQuarters' || state === 'noRevenue' ? (
        <EmptyState>
          <p>{state === 'noQuarters' ? t('fit.noQuarters') : t('fit.noRevenue', { period })}</p>
          <p>
            <Link to="/app/customers/import">{t('fit.importLink')}</Link>
          </p>
        </EmptyState>
      ) : !result || !period ? null : (
        <>
          <FitHeadlines period={period} byTier={result.fit.byTier} median={result.fit.highValueAbove} />
          {state === 'noAnswers' ? (
            <EmptyState>
              <p>{t('fit.noAnswers', { period })}</p>
            </EmptyState>
          ) : (
            <>
              <FitMap
                period={period}
                tiers={result.tiers}
                customers={result.customers}
                quadrants={result.fit.quadrants}
                median={result.fit.highValueAbove}
                placed={result.placed}
              />
              {result.unplaced.noRevenue + result.unplaced.noAnswer > 0 ? <p className="muted">{t('fit.unplaced', result.unplaced)}</p> : null}
            </>
          )}
        </>
      )}
    </>
  );
}
