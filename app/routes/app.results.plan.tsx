import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { pmfPlanPage } from '~/reports/pmf-plan.server';
import { EmptyState } from '~/ui/form';
import { PmfPlan } from '~/ui/pmf-plan';
import { ResultsTabs } from '~/ui/results-tabs';

/** Query string of the page; unknown or malformed values fall back to the defaults (latest quarter, all tiers). */
const planQuerySchema = z.object({
  period: z.string().regex(/^\d{4}-Q[1-4]$/).optional().catch(undefined),
  tier: z.string().trim().min(1).max(100).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const query = planQuerySchema.parse({ period: params.get('period') ?? undefined, tier: params.get('tier') ?? undefined });
  return json(await pmfPlanPage(db(), member.workspace.id, query));
}

export default function PmfPlanPage() {
  const { t } = useTranslation();
  const { periods, tiers, period, tier, result } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${t('pmf.title')} · ${t('app.name')}`}</title>
      <h1>{t('pmf.title')}</h1>
      <ResultsTabs />
      <p className="muted">{t('pmf.intro')}</p>
      {period === null || result === null ? (
        <EmptyState>
          <p>{t('pmf.empty')}</p>
        </EmptyState>
      ) : (
        <>
          <Form method="get" className="filters">
            <label className="filter">
              <span>{t('pmf.quarter')}</span>
              <select name="period" defaultValue={period}>
                {[...periods].reverse().map((candidate) => (
                  <option key={candidate} value={candidate}>
                    {candidate}
                  </option>
                ))}
              </select>
            </label>
            <label className="filter">
              <span>{t('pmf.tier')}</span>
              <select name="tier" defaultValue={tier ?? ''}>
                <option value="">{t('pmf.allTiers')}</option>
                {tiers.map((label) => (
                  <option key={label} value={label}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button">
              {t('pmf.show')}
            </button>
          </Form>
          <PmfPlan period={period} result={result} />
        </>
      )}
    </>
  );
}
