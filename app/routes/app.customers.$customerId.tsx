import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { getCustomer } from '~/customers/customers.server';
import { db } from '~/db.server';
import { notFound } from '~/http/request.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const customer = await getCustomer(db(), member.workspace.id, params.customerId ?? '');
  if (!customer) notFound();
  return json({ customer });
}

export default function CustomerPage() {
  const { t } = useTranslation();
  const { customer } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${customer.name ?? customer.externalId} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/customers">← {t('customers.title')}</Link>
      </p>
      <h1>{customer.name ?? customer.externalId}</h1>
      <dl className="facts">
        <dt>{t('customers.externalId')}</dt>
        <dd>{customer.externalId}</dd>
        <dt>{t('customers.company')}</dt>
        <dd>{customer.company ?? '–'}</dd>
        <dt>{t('customers.email')}</dt>
        <dd>{customer.email ?? '–'}</dd>
        <dt>{t('customers.locale')}</dt>
        <dd>{t(`app.languages.${customer.locale}`)}</dd>
      </dl>
      <h2>{t('customers.tierHistory')}</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('customers.period')}</th>
              <th scope="col">{t('customers.tier')}</th>
              <th scope="col" className="num">
                {t('customers.revenue')}
              </th>
              <th scope="col" className="num">
                {t('customers.margin')}
              </th>
            </tr>
          </thead>
          <tbody>
            {customer.tiers.map((row) => (
              <tr key={row.period}>
                <th scope="row">{row.period}</th>
                <td>{row.tier}</td>
                <td className="num">{row.revenue ?? '–'}</td>
                <td className="num">{row.margin ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
