import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { requireMember } from '~/auth/session.server';
import { listMembers } from '~/auth/members.server';
import { answerFilters, customerSorts, flagFilters, sortDirections, type CustomerSort } from '~/customers/customer-links';
import { countCustomers, listCustomers } from '~/customers/customers.server';
import { isPeriod } from '~/customers/period';
import { listPeriods, listTiers } from '~/customers/tiers.server';
import { db } from '~/db.server';
import { EmptyState } from '~/ui/form';
import { formatNumber } from '~/ui/format';

const PAGE = 50;

/** Filters (some drill down from a report figure) and the order; unknown values are ignored, not refused. */
const listSchema = z.object({
  answer: z.enum(answerFilters).optional().catch(undefined),
  flag: z.enum(flagFilters).optional().catch(undefined),
  sort: z.enum(customerSorts).catch('name'),
  dir: z.enum(sortDirections).catch('asc'),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const q = (params.get('q') ?? '').trim().slice(0, 200);
  const [periods, tiers, members] = await Promise.all([
    listPeriods(db(), member.workspace.id),
    listTiers(db(), member.workspace.id),
    listMembers(db(), member.workspace.id),
  ]);
  const requested = params.get('period') ?? '';
  const period = isPeriod(requested) ? requested : (periods[0] ?? null);
  const tier = tiers.find((candidate) => candidate.label === params.get('tier'))?.label ?? null;
  const { sort: requestedSort, dir, ...drill } = listSchema.parse({
    answer: params.get('answer') || undefined,
    flag: params.get('flag') || undefined,
    sort: params.get('sort') ?? undefined,
    dir: params.get('dir') ?? undefined,
  });
  // Tier and answer belong to a quarter; without any, the list is by name.
  const sort: CustomerSort = period ? requestedSort : 'name';
  const requestedOwner = params.get('owner');
  const owner = requestedOwner === 'none' || members.some((row) => row.userId === requestedOwner) ? requestedOwner : null;
  const filter = { period: period ?? undefined, tier: tier ?? undefined, owner: owner ?? undefined, ...drill };
  const [total, page] = await Promise.all([
    countCustomers(db(), member.workspace.id, { q, ...filter }),
    listCustomers(db(), member.workspace.id, { q, ...filter, sort, dir, after: params.get('after') ?? undefined, limit: PAGE }),
  ]);
  return json({
    q,
    period,
    tier,
    answer: drill.answer ?? null,
    flag: drill.flag ?? null,
    owner,
    sort,
    dir,
    members: members.map((row) => ({ id: row.userId, name: row.name })),
    periods,
    tiers: tiers.map((row) => row.label),
    total,
    ...page,
    paged: params.has('after'),
  });
}

export default function CustomersPage() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const filtered = Boolean(data.q || data.tier || data.answer || data.flag || data.owner);
  const ownerNames = new Map(data.members.map((row) => [row.id, row.name]));
  // A column header sorts by it; the sorted column's header turns the order round.
  const sortHref = (column: CustomerSort) => {
    const params = new URLSearchParams(searchParams);
    params.delete('after');
    params.set('sort', column);
    params.set('dir', data.sort === column && data.dir === 'asc' ? 'desc' : 'asc');
    return `?${params}`;
  };
  const sortHeader = (column: CustomerSort, label: string) => (
    <th scope="col" aria-sort={data.sort === column ? (data.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <Link to={sortHref(column)}>
        {label}
        {data.sort === column ? <span aria-hidden="true">{data.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
      </Link>
    </th>
  );
  const nextParams = new URLSearchParams(searchParams);
  if (data.next) nextParams.set('after', data.next);
  const firstParams = new URLSearchParams(searchParams);
  firstParams.delete('after');
  return (
    <>
      <title>{`${t('customers.title')} · ${t('app.name')}`}</title>
      <h1>{t('customers.title')}</h1>
      <p className="actions">
        <Link to="/app/customers/import" className="button primary">
          {t('customers.import.action')}
        </Link>{' '}
        <Link to="/app/customers/tiers" className="button">
          {t('customers.tiersPage.action')}
        </Link>{' '}
        {data.total > 0 ? (
          <>
            <a href={`/app/customers/export?${new URLSearchParams(data.period ? { period: data.period } : {})}`} className="button" download>
              {t('customers.downloadCsv')}
            </a>{' '}
            <a href={`/app/customers/export?${new URLSearchParams({ ...(data.period ? { period: data.period } : {}), format: 'international' })}`} download title={t('csv.internationalHint')}>
              {t('csv.international')}
            </a>
          </>
        ) : null}
      </p>
      {data.total === 0 && !filtered ? (
        <EmptyState title={t('customers.emptyTitle')}>
          <p>{t('empty.customers')}</p>
          <p>
            <Link to="/app/customers/import">{t('customers.import.action')}</Link>
          </p>
        </EmptyState>
      ) : (
        <>
          <Form method="get" className="search" role="search" aria-label={t('customers.filters')} style={{ flexWrap: 'wrap', alignItems: 'center' }}>
            <label htmlFor="q" className="visually-hidden">
              {t('customers.search')}
            </label>
            <input id="q" name="q" type="search" defaultValue={data.q} placeholder={t('customers.search')} />
            <label htmlFor="period">{t('customers.period')}</label>
            <select id="period" name="period" defaultValue={data.period ?? ''}>
              {data.periods.length === 0 ? <option value="">–</option> : null}
              {data.periods.map((period) => (
                <option key={period} value={period}>
                  {period}
                </option>
              ))}
            </select>
            <label htmlFor="tier">{t('customers.tier')}</label>
            <select id="tier" name="tier" defaultValue={data.tier ?? ''}>
              <option value="">{t('customers.allTiers')}</option>
              {data.tiers.map((tier) => (
                <option key={tier} value={tier}>
                  {tier}
                </option>
              ))}
            </select>
            <label htmlFor="answer">{t('customers.answerFilter')}</label>
            <select id="answer" name="answer" defaultValue={data.answer ?? ''}>
              <option value="">{t('customers.answerOptions.all')}</option>
              {answerFilters.map((answer) => (
                <option key={answer} value={answer}>
                  {t(`customers.answerOptions.${answer}`)}
                </option>
              ))}
            </select>
            <label htmlFor="flag">{t('customers.flagFilter')}</label>
            <select id="flag" name="flag" defaultValue={data.flag ?? ''}>
              <option value="">{t('customers.flagOptions.all')}</option>
              {flagFilters.map((flag) => (
                <option key={flag} value={flag}>
                  {t(`customers.flagOptions.${flag}`)}
                </option>
              ))}
            </select>
            <label htmlFor="owner">{t('customers.accountOwner')}</label>
            <select id="owner" name="owner" defaultValue={data.owner ?? ''}>
              <option value="">{t('customers.anyAccountOwner')}</option>
              <option value="none">{t('customers.noAccountOwner')}</option>
              {data.members.map((row) => (
                <option key={row.id} value={row.id}>
                  {row.name}
                </option>
              ))}
            </select>
            {data.sort !== 'name' || data.dir !== 'asc' ? (
              <>
                <input type="hidden" name="sort" value={data.sort} />
                <input type="hidden" name="dir" value={data.dir} />
              </>
            ) : null}
            <button type="submit" className="button">
              {t('customers.searchSubmit')}
            </button>
          </Form>
          <p className="muted" role="status">
            {data.tier
              ? t('customers.countInTier', { count: data.total, formatted: formatNumber(data.total, i18n.language), tier: data.tier, period: data.period ?? '' })
              : t('customers.count', { count: data.total, formatted: formatNumber(data.total, i18n.language) })}
          </p>
          {data.rows.length === 0 ? (
            <p>{t('customers.noMatch')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{t('customers.title')}</caption>
                <thead>
                  <tr>
                    {sortHeader('name', t('customers.name'))}
                    <th scope="col">{t('customers.company')}</th>
                    <th scope="col">{t('customers.externalId')}</th>
                    <th scope="col">{t('customers.email')}</th>
                    {data.period ? sortHeader('tier', t('customers.tierIn', { period: data.period })) : <th scope="col">{t('customers.tier')}</th>}
                    {data.period ? sortHeader('answer', t('customers.lastAnswer', { period: data.period })) : null}
                    {data.period ? <th scope="col" className="num">{t('customers.openFlagsColumn')}</th> : null}
                    <th scope="col">{t('customers.accountOwner')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((row) => (
                    <tr key={row.id}>
                      <th scope="row">
                        <Link to={row.id}>{row.name ?? row.externalId}</Link>
                      </th>
                      <td>{row.company}</td>
                      <td>{row.externalId}</td>
                      <td>{row.email}</td>
                      <td>{row.tier ?? '–'}</td>
                      {data.period ? (
                        <td>
                          {row.lastAnswer === null ? '–' : row.lastAnswer === 'none' ? t('customers.noMissUsAnswer') : t(`results.answers.${row.lastAnswer}`)}
                        </td>
                      ) : null}
                      {data.period ? <td className="num">{row.openFlags > 0 ? <Link to={`/app/flags?tier=${encodeURIComponent(row.tier ?? '')}`}>{row.openFlags}</Link> : 0}</td> : null}
                      <td>{row.accountOwnerId ? (ownerNames.get(row.accountOwnerId) ?? '–') : '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav className="pager" aria-label={t('customers.pages')}>
            {data.paged ? <Link to={`?${firstParams}`}>{t('customers.firstPage')}</Link> : null}{' '}
            {data.next ? (
              <Link to={`?${nextParams}`} rel="next">
                {t('customers.nextPage')}
              </Link>
            ) : null}
          </nav>
        </>
      )}
    </>
  );
}
