import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { campaignsPage, isCampaignCursor } from '~/campaigns/campaigns.server';
import { db } from '~/db.server';
import { EmptyState } from '~/ui/form';
import { formatNumber, formatPercent } from '~/ui/format';
import { Pager } from '~/ui/pager';

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const q = (params.get('q') ?? '').trim().slice(0, 200);
  // A cursor comes from the URL: one that is not the list's gets the first page, with a 400 and a message saying so.
  const after = params.get('after');
  const badCursor = after !== null && !isCampaignCursor(after);
  const page = await campaignsPage(db(), member.workspace.id, { q, after: badCursor ? undefined : (after ?? undefined), limit: PAGE });
  return json(
    { q, campaigns: page.rows, next: page.next, total: page.total, paged: after !== null && !badCursor, badCursor },
    { status: badCursor ? 400 : 200 },
  );
}

export default function CampaignsPage() {
  const { t, i18n } = useTranslation();
  const { q, campaigns, next, total, paged, badCursor } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${t('campaigns.title')} · ${t('app.name')}`}</title>
      <h1>{t('campaigns.title')}</h1>
      <p>
        <Link to="new" className="button primary">
          {t('campaigns.new')}
        </Link>
      </p>
      {badCursor ? (
        <p role="alert" className="alert alert-error">
          {t('campaigns.badCursor')}
        </p>
      ) : null}
      {total === 0 && !q ? (
        <EmptyState>
          <p>{t('empty.campaigns')}</p>
        </EmptyState>
      ) : (
        <>
          <Form method="get" className="search" role="search" aria-label={t('campaigns.search')}>
            <label htmlFor="q" className="visually-hidden">
              {t('campaigns.search')}
            </label>
            <input id="q" name="q" type="search" defaultValue={q} placeholder={t('campaigns.search')} maxLength={200} />
            <button type="submit" className="button">
              {t('customers.searchSubmit')}
            </button>
          </Form>
          <p className="muted" role="status">
            {total === 0 ? t('campaigns.noneFound') : t('campaigns.count', { count: total, formatted: formatNumber(total, i18n.language) })}
          </p>
          {campaigns.length === 0 ? null : (
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
          <Pager next={next} paged={paged} />
        </>
      )}
    </>
  );
}
