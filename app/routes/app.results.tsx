import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { periodTierOverview } from '~/reports/overview.server';
import { EmptyState } from '~/ui/form';
import { PeriodTierTable } from '~/ui/period-table';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({ rows: await periodTierOverview(db(), member.workspace.id) });
}

export default function ResultsPage() {
  const { t } = useTranslation();
  const { rows } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${t('results.title')} · ${t('app.name')}`}</title>
      <h1>{t('results.title')}</h1>
      {rows.length === 0 ? (
        <EmptyState>
          <p>{t('empty.results')}</p>
        </EmptyState>
      ) : (
        <>
          <p className="muted">
            {t('results.intro')} {t('overview.benchmark')}
          </p>
          <PeriodTierTable rows={rows} caption={t('results.title')} />
        </>
      )}
    </>
  );
}
