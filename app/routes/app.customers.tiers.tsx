import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { MigrationTable } from '~/customers/migration-table';
import { getTierSettings, listPeriods, tierCountsByPeriod } from '~/customers/tiers.server';
import { db } from '~/db.server';
import { tierMigration } from '~/reports/tier-migration.server';
import { EmptyState } from '~/ui/form';
import { formatNumber } from '~/ui/format';

/** How many periods the overview shows. */
const PERIODS_SHOWN = 8;

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const [periods, settings] = await Promise.all([listPeriods(db(), member.workspace.id), getTierSettings(db(), member.workspace.id)]);
  const to = periods.includes(params.get('to') ?? '') ? params.get('to')! : periods[0];
  const from = periods.includes(params.get('from') ?? '') ? params.get('from')! : periods.find((period) => to !== undefined && period < to);
  const [counts, migration] = await Promise.all([
    tierCountsByPeriod(db(), member.workspace.id, periods.slice(0, PERIODS_SHOWN)),
    from && to ? tierMigration(db(), member.workspace.id, from, to) : null,
  ]);
  return json({ periods, shown: periods.slice(0, PERIODS_SHOWN), counts, migration, ...settings, isOwner: member.role === 'owner' });
}

export default function TiersPage() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const count = (period: string, tierId: string) => data.counts.find((row) => row.period === period && row.tierId === tierId)?.customers ?? 0;
  return (
    <>
      <title>{`${t('customers.tiersPage.title')} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/customers">← {t('customers.title')}</Link>
      </p>
      <h1>{t('customers.tiersPage.title')}</h1>
      <p className="muted">
        {t('customers.tiersPage.intro', { tiers: data.tiers.map((tier) => tier.label).join(', '), a: Math.round(data.thresholds.a * 100), b: Math.round(data.thresholds.b * 100) })}{' '}
        {data.isOwner ? <Link to="/app/settings/tiers">{t('customers.tiersPage.settings')}</Link> : null}
      </p>
      {data.periods.length === 0 ? (
        <EmptyState title={t('customers.tiersPage.emptyTitle')}>
          <p>{t('customers.tiersPage.empty')}</p>
          <p>
            <Link to="/app/customers/import">{t('customers.import.action')}</Link>
          </p>
        </EmptyState>
      ) : (
        <>
          <section aria-labelledby="counts-title">
            <h2 id="counts-title">{t('customers.tiersPage.countsTitle')}</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('customers.period')}</th>
                    {data.tiers.map((tier) => (
                      <th key={tier.id} scope="col" className="num">
                        {tier.label}
                      </th>
                    ))}
                    <th scope="col" className="num">{t('customers.tiersPage.total')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.shown.map((period) => (
                    <tr key={period}>
                      <th scope="row">{period}</th>
                      {data.tiers.map((tier) => (
                        <td key={tier.id} className="num">
                          <Link to={`/app/customers?${new URLSearchParams({ period, tier: tier.label })}`}>{formatNumber(count(period, tier.id), i18n.language)}</Link>
                        </td>
                      ))}
                      <td className="num">{formatNumber(data.tiers.reduce((sum, tier) => sum + count(period, tier.id), 0), i18n.language)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section aria-labelledby="migration-title">
            <h2 id="migration-title">{t('customers.migration.title')}</h2>
            {data.periods.length < 2 ? (
              <p className="muted">{t('customers.migration.needTwo')}</p>
            ) : (
              <>
                <Form method="get" className="search" style={{ flexWrap: 'wrap', alignItems: 'center' }}>
                  <label htmlFor="from">{t('customers.migration.from')}</label>
                  <select id="from" name="from" defaultValue={data.migration?.from}>
                    {data.periods.map((period) => (
                      <option key={period}>{period}</option>
                    ))}
                  </select>
                  <label htmlFor="to">{t('customers.migration.to')}</label>
                  <select id="to" name="to" defaultValue={data.migration?.to}>
                    {data.periods.map((period) => (
                      <option key={period}>{period}</option>
                    ))}
                  </select>
                  <button type="submit" className="button">
                    {t('customers.migration.show')}
                  </button>
                </Form>
                {data.migration ? <MigrationTable {...data.migration} tiers={data.tiers} /> : null}
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}
