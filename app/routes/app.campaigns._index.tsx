import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { listCampaigns } from '~/campaigns/campaigns.server';
import { db } from '~/db.server';
import { EmptyState } from '~/ui/form';
import { formatPercent } from '~/ui/format';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({ campaigns: await listCampaigns(db(), member.workspace.id) });
}

export default function CampaignsPage() {
  const { t, i18n } = useTranslation();
  const { campaigns } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${t('campaigns.title')} · ${t('app.name')}`}</title>
      <h1>{t('campaigns.title')}</h1>
      <p>
        <Link to="new" className="button primary">
          {t('campaigns.new')}
        </Link>
      </p>
      {campaigns.length === 0 ? (
        <EmptyState>
          <p>{t('empty.campaigns')}</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('campaigns.name')}</th>
                <th scope="col">{t('campaigns.period')}</th>
                <th scope="col">{t('campaigns.status')}</th>
                <th scope="col" className="num">
                  {t('campaigns.invited')}
                </th>
                <th scope="col" className="num">
                  {t('campaigns.completed')}
                </th>
                <th scope="col" className="num">
                  {t('campaigns.responseRate')}
                </th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((campaign) => (
                <tr key={campaign.id}>
                  <th scope="row">
                    <Link to={campaign.id}>{campaign.name}</Link>
                  </th>
                  <td>{campaign.period}</td>
                  <td>{t(`campaigns.statuses.${campaign.status}`)}</td>
                  <td className="num">{campaign.invited}</td>
                  <td className="num">{campaign.completed}</td>
                  <td className="num">
                    {campaign.invited > 0 ? formatPercent(campaign.completed / campaign.invited, i18n.language) : '–'}
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
