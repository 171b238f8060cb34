import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { outboxKindsFor } from '~/email/outbox.server';
import { outboxPage } from '~/email/outbox-pages.server';
import { EmptyState } from '~/ui/form';
import { formatDate, formatNumber } from '~/ui/format';

const PAGE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const q = (params.get('q') ?? '').trim().slice(0, 200);
  const page = await outboxPage(db(), { workspaceId: member.workspace.id, kinds: outboxKindsFor(member.role), q, after: params.get('after') ?? undefined, limit: PAGE });
  return json({ q, ...page, paged: params.has('after') });
}

export default function OutboxPage() {
  const { t, i18n } = useTranslation();
  const { q, rows, next, total, paged } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const nextParams = new URLSearchParams(searchParams);
  if (next) nextParams.set('after', next);
  const firstParams = new URLSearchParams(searchParams);
  firstParams.delete('after');
  return (
    <>
      <title>{`${t('outbox.title')} · ${t('app.name')}`}</title>
      <h1>{t('outbox.title')}</h1>
      <p className="muted">{t('outbox.intro')}</p>
      {total === 0 && !q ? (
        <EmptyState>
          <p>{t('empty.outbox')}</p>
        </EmptyState>
      ) : (
        <>
          <Form method="get" className="search" role="search" aria-label={t('outbox.search')}>
            <label htmlFor="q" className="visually-hidden">
              {t('outbox.search')}
            </label>
            <input id="q" name="q" type="search" defaultValue={q} placeholder={t('outbox.search')} maxLength={200} />
            <button type="submit" className="button">
              {t('customers.searchSubmit')}
            </button>
          </Form>
          <p className="muted" role="status">
            {t('outbox.count', { count: total, formatted: formatNumber(total, i18n.language) })}
          </p>
          {rows.length === 0 ? null : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('outbox.subject')}</th>
                    <th scope="col">{t('outbox.to')}</th>
                    <th scope="col">{t('outbox.kind')}</th>
                    <th scope="col">{t('campaigns.outbox.status')}</th>
                    <th scope="col">{t('outbox.created')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((message) => (
                    <tr key={message.id}>
                      <th scope="row">
                        <Link to={message.id}>{message.subject}</Link>
                      </th>
                      <td>{message.to}</td>
                      <td>{t(`outbox.kinds.${message.kind}`)}</td>
                      <td>{t(`campaigns.outbox.statuses.${message.status}`)}</td>
                      <td>{formatDate(message.createdAt, i18n.language)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav className="pager" aria-label={t('customers.pages')}>
            {paged ? <Link to={`?${firstParams}`}>{t('customers.firstPage')}</Link> : null}{' '}
            {next ? (
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
