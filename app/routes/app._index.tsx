import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { periodTierOverview, workspaceSummary } from '~/reports/overview.server';
import { tierReview } from '~/reports/tier-review.server';
import { FindingsSection } from '~/ui/findings-section';
import { EmptyState } from '~/ui/form';
import { PeriodTierTable } from '~/ui/period-table';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const [summary, rows, review] = await Promise.all([
    workspaceSummary(db(), member.workspace.id),
    periodTierOverview(db(), member.workspace.id),
    tierReview(db(), member.workspace.id),
  ]);
  return json({ workspaceName: member.workspace.name, summary, rows, review: { tiers: review.tiers, periods: review.periods } });
}

export default function OverviewPage() {
  const { t } = useTranslation();
  const { workspaceName, summary, rows, review } = useLoaderData<typeof loader>();
  const stats = [
    { label: t('overview.customers'), value: summary.customers, to: '/app/customers' },
    { label: t('overview.campaigns'), value: summary.campaigns, to: '/app/campaigns' },
    { label: t('overview.completed'), value: summary.completed, to: '/app/results' },
    { label: t('overview.openFlags'), value: summary.openFlags, to: '/app/flags' },
  ];
  return (
    <>
      <title>{`${t('overview.title')} · ${t('app.name')}`}</title>
      <h1>{t('overview.welcome', { workspace: workspaceName })}</h1>
      {summary.customers === 0 ? (
        <EmptyState title={t('overview.emptyTitle')}>
          <p>{t('overview.emptyText')}</p>
          <ol>
            <li>
              <Link to="/app/customers">{t('overview.stepImport')}</Link>
            </li>
            <li>
              <Link to="/app/surveys">{t('overview.stepSurvey')}</Link>
            </li>
            <li>
              <Link to="/app/campaigns">{t('overview.stepCampaign')}</Link>
            </li>
          </ol>
        </EmptyState>
      ) : (
        <>
          <ul className="stats">
            {stats.map((stat) => (
              <li key={stat.to}>
                <Link to={stat.to} className="stat">
                  <span className="stat-value">{stat.value}</span>
                  <span className="stat-label">{stat.label}</span>
                </Link>
              </li>
            ))}
          </ul>
          {review.periods.length > 0 ? (
            <FindingsSection review={review}>
              <p>
                <Link to="/app/results">{t('results.title')} →</Link>
              </p>
            </FindingsSection>
          ) : null}
          {rows.length > 0 ? (
            <section aria-labelledby="periods-title">
              <h2 id="periods-title">{t('overview.byPeriod')}</h2>
              <p className="muted">{t('overview.benchmark')}</p>
              <PeriodTierTable rows={rows} caption={t('overview.byPeriod')} />
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
