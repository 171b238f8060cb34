import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { countCustomers, listCustomers } from '~/customers/customers.server';
import { db } from '~/db.server';
import { EmptyState } from '~/ui/form';

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const q = (new URL(request.url).searchParams.get('q') ?? '').slice(0, 200);
  const [total, rows] = await Promise.all([
    countCustomers(db(), member.workspace.id),
    listCustomers(db(), member.workspace.id, { q, limit: PAGE }),
  ]);
  return json({ q, total, rows });
}

export default function CustomersPage() {
  const { t } = useTranslation();
  const { q, total, rows } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${t('customers.title')} · ${t('app.name')}`}</title>
      <h1>{t('customers.title')}</h1>
      {total === 0 ? (
        <EmptyState>
          <p>{t('empty.customers')}</p>
        </EmptyState>
      ) : (
        <>
          <p className="muted">{t('customers.count', { count: total })}</p>
          <Form method="get" className="search" role="search">
            <label htmlFor="q" className="visually-hidden">
              {t('customers.search')}
            </label>
            <input id="q" name="q" type="search" defaultValue={q} placeholder={t('customers.search')} />
            <button type="submit" className="button">
              {t('customers.searchSubmit')}
            </button>
          </Form>
          {rows.length === 0 ? (
            <p>{t('customers.noMatch')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('customers.name')}</th>
                    <th scope="col">{t('customers.company')}</th>
                    <th scope="col">{t('customers.externalId')}</th>
                    <th scope="col">{t('customers.tier')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.id}>
                      <th scope="row">
                        <Link to={row.id}>{row.name ?? row.externalId}</Link>
                      </th>
                      <td>{row.company}</td>
                      <td>{row.externalId}</td>
                      <td>{row.tier ? `${row.tier} (${row.period})` : '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {rows.length === PAGE ? <p className="muted">{t('customers.showingFirst', { count: PAGE })}</p> : null}
        </>
      )}
    </>
  );
}
