import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { listFlags } from '~/flags/flags.server';
import { EmptyState } from '~/ui/form';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({ flags: await listFlags(db(), member.workspace.id, { status: 'open' }) });
}

export default function FlagsPage() {
  const { t } = useTranslation();
  const { flags } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${t('flagsPage.title')} · ${t('app.name')}`}</title>
      <h1>{t('flagsPage.title')}</h1>
      {flags.length === 0 ? (
        <EmptyState>
          <p>{t('empty.flags')}</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('flagsPage.customer')}</th>
                <th scope="col">{t('flagsPage.kind')}</th>
                <th scope="col">{t('flagsPage.severity')}</th>
                <th scope="col">{t('flagsPage.reasons')}</th>
                <th scope="col">{t('flagsPage.campaign')}</th>
              </tr>
            </thead>
            <tbody>
              {flags.map((flag) => (
                <tr key={flag.id}>
                  <th scope="row">
                    <Link to={`/app/customers/${flag.customerId}`}>{flag.customerName ?? '–'}</Link>
                  </th>
                  <td>{t(`flagsPage.kinds.${flag.kind}`)}</td>
                  <td>{t(`flagsPage.severities.${flag.severity}`)}</td>
                  <td>{flag.reasons.join(', ')}</td>
                  <td>
                    {flag.campaignName} ({flag.period})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
