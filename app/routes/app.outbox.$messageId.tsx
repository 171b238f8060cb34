import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { isUuid } from '~/customers/customers.server';
import { db } from '~/db.server';
import { attachmentsOf } from '~/email/attachments.server';
import { getOutboxMessage, outboxKindsFor } from '~/email/outbox.server';
import { notFound } from '~/http/request.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const id = params.messageId ?? '';
  const message = isUuid(id) ? await getOutboxMessage(db(), member.workspace.id, id, outboxKindsFor(member.role)) : null;
  if (!message) notFound();
  const { id: messageId, subject, toAddress, fromAddress, kind, text, link, status } = message;
  const files = (await attachmentsOf(db(), [messageId])).get(messageId) ?? [];
  // Images the HTML shows by content id are put in its place, as a mail client does.
  const inline = new Map(files.filter((file) => file.contentId).map((file) => [file.contentId!, `data:${file.contentType};base64,${file.contentBase64}`]));
  const html = message.html.replace(/src="cid:([^"]+)"/g, (whole, id: string) => (inline.has(id) ? `src="${inline.get(id)}"` : whole));
  const attachments = files.map((file) => ({ filename: file.filename, contentType: file.contentType, bytes: Math.floor((file.contentBase64.length * 3) / 4) }));
  return json({ message: { id: messageId, subject, toAddress, fromAddress, kind, text, link, html, status, attachments } });
}

export default function OutboxMessagePage() {
  const { t } = useTranslation();
  const { message } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${message.subject} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/outbox">← {t('outbox.title')}</Link>
      </p>
      <h1>{message.subject}</h1>
      <dl className="facts">
        <dt>{t('outbox.to')}</dt>
        <dd>{message.toAddress}</dd>
        <dt>{t('outbox.kind')}</dt>
        <dd>{t(`outbox.kinds.${message.kind}`)}</dd>
        <dt>{t('campaigns.outbox.status')}</dt>
        <dd>{t(`campaigns.outbox.statuses.${message.status}`)}</dd>
        {message.link ? (
          <>
            <dt>{t('outbox.link')}</dt>
            <dd>
              <a href={message.link}>{message.link}</a>
            </dd>
          </>
        ) : null}
        {message.attachments.length > 0 ? (
          <>
            <dt>{t('outbox.attachments')}</dt>
            <dd>
              <ul>
                {message.attachments.map((file, index) => (
                  <li key={`${index}-${file.filename}`}>
                    <a href={`/app/outbox/${message.id}/attachments/${index}`} target="_blank" rel="noreferrer">
                      {file.filename}
                    </a>{' '}
                    ({file.contentType}, {Math.max(1, Math.round(file.bytes / 1024))} KB)
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
      {/* The HTML part is shown sandboxed: no scripts, no same-origin access. */}
      <iframe title={message.subject} className="email-preview" sandbox="" srcDoc={message.html} />
      <details>
        <summary>Text</summary>
        <pre className="email-text">{message.text}</pre>
      </details>
    </>
  );
}
