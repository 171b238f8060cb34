import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { getCampaign } from '~/campaigns/campaigns.server';
import { db } from '~/db.server';
import { notFound } from '~/http/request.server';
import { formatDate } from '~/ui/format';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const campaign = await getCampaign(db(), member.workspace.id, params.campaignId ?? '');
  if (!campaign) notFound();
  return json({ campaign });
}

export default function CampaignPage() {
  const { t, i18n } = useTranslation();
  const { campaign } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${campaign.name} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/campaigns">← {t('campaigns.title')}</Link>
      </p>
      <h1>{campaign.name}</h1>
      <dl className="facts">
        <dt>{t('campaigns.period')}</dt>
        <dd>{campaign.period}</dd>
        <dt>{t('campaigns.status')}</dt>
        <dd>{t(`campaigns.statuses.${campaign.status}`)}</dd>
        <dt>{t('campaigns.invited')}</dt>
        <dd>{campaign.invited}</dd>
        <dt>{t('campaigns.started')}</dt>
        <dd>{campaign.started}</dd>
        <dt>{t('campaigns.completed')}</dt>
        <dd>{campaign.completed}</dd>
        {campaign.closesAt ? (
          <>
            <dt>{t('campaigns.closes')}</dt>
            <dd>{formatDate(campaign.closesAt, i18n.language)}</dd>
          </>
        ) : null}
      </dl>
    </>
  );
}
