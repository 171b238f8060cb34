import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { listOutbox, outboxKindsFor } from '~/email/outbox.server';
import { EmptyState } from '~/ui/form';
import { formatDate } from '~/ui/format';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({ messages: await listOutbox(db(), { workspaceId: member.workspace.id, kinds: outboxKindsFor(member.role), limit: 200 }) });
}

export default function OutboxPage() {
  const { t, i18n } = useTranslation();
  const { messages } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${t('outbox.title')} · ${t('app.name')}`}</title>
      <h1>{t('outbox.title')}</h1>
      <p className="muted">{t('outbox.intro')}</p>
      {messages.length === 0 ? (
        <EmptyState>
          <p>{t('empty.outbox')}</p>
        </EmptyState>
      ) : (
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
              {messages.map((message) => (
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
    </>
  );
}
