import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { countOverdueFlags } from '~/flags/flags.server';
import { serviceLevelOf } from '~/flags/settings.server';
import { periodTierOverview, workspaceSummary } from '~/reports/overview.server';
import { openFlagsByTier } from '~/reports/tier-flags.server';
import { tierReview } from '~/reports/tier-review.server';
import { FindingsSection } from '~/ui/findings-section';
import { EmptyState } from '~/ui/form';
import { PeriodTierTable } from '~/ui/period-table';
import { TierGlance } from '~/ui/tier-glance';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const [summary, rows, review, overdueFlags] = await Promise.all([
    workspaceSummary(db(), member.workspace.id),
    periodTierOverview(db(), member.workspace.id),
    tierReview(db(), member.workspace.id),
    serviceLevelOf(db(), member.workspace.id).then((level) => countOverdueFlags(db(), member.workspace.id, level)),
  ]);
  const latest = review.periods[review.periods.length - 1];
  const glanceFlags = latest ? await openFlagsByTier(db(), member.workspace.id, latest.period) : [];
  // The first steps tick themselves off from the data; the first review needs one tier with 10 answers in a quarter.
  const firstSteps = [
    { key: 'import', done: summary.customers > 0, to: '/app/customers/import' },
    { key: 'campaign', done: summary.sentCampaigns > 0, to: summary.campaigns > 0 ? '/app/campaigns' : '/app/campaigns/new' },
    { key: 'answers', done: summary.completed > 0, to: '/app/campaigns' },
    { key: 'review', done: rows.some((row) => row.missUsAnswers >= 10), to: '/app/results' },
  ] as const;
  return json({
    workspaceName: member.workspace.name,
    summary: { ...summary, overdueFlags },
    firstSteps,
    rows,
    review: { tiers: review.tiers, periods: review.periods },
    glanceFlags,
  });
}

export default function OverviewPage() {
  const { t } = useTranslation();
  const { workspaceName, summary, firstSteps, rows, review, glanceFlags } = useLoaderData<typeof loader>();
  const stepsLeft = firstSteps.some((step) => !step.done);
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
      {/* The two questions come first: a new owner reads them without scrolling. */}
      {review.periods.length > 0 ? <TierGlance periods={review.periods} flags={glanceFlags} /> : null}
      {stepsLeft ? (
        <EmptyState title={summary.customers === 0 ? t('overview.emptyTitle') : t('overview.firstStepsTitle')}>
          <p>{t('overview.emptyText')}</p>
          <ol className="checklist" aria-label={t('overview.firstStepsTitle')}>
            {firstSteps.map((step) => (
              <li key={step.key} data-done={step.done}>
                <span aria-hidden="true">{step.done ? '✓' : '○'}</span>{' '}
                {step.done ? (
                  <span>{t(`overview.steps.${step.key}`)}</span>
                ) : (
                  <Link to={step.to}>{t(`overview.steps.${step.key}`)}</Link>
                )}
                <span className="visually-hidden"> ({step.done ? t('overview.stepDone') : t('overview.stepOpen')})</span>
              </li>
            ))}
          </ol>
        </EmptyState>
      ) : null}
      {summary.customers === 0 ? null : (
        <>
          <ul className="stats">
            {stats.map((stat) => (
              <li key={stat.to}>
                <Link to={stat.to} className="stat">
                  <span className="stat-value">{stat.value}</span>
                  <span className="stat-label">{stat.label}</span>
                  {stat.to === '/app/flags' && summary.overdueFlags > 0 ? (
                    <span className="severity severity-high">{`⚠ ${t('flagsPage.overdueCount', { count: summary.overdueFlags })}`}</span>
                  ) : null}
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
