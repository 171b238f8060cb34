import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { isUuid } from '~/customers/customers.server';
import { db } from '~/db.server';
import { attachmentsOf } from '~/email/attachments.server';
import { getOutboxMessage, outboxKindsFor } from '~/email/outbox.server';
import { notFound } from '~/http/request.server';

/**
 * One attachment of a message in the outbox (the quarterly report's PDF, a
 * chart), for members who may see that message. `index` counts from 0 in the
 * order the files were attached.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const id = params.messageId ?? '';
  const index = /^\d{1,3}$/.test(params.index ?? '') ? Number(params.index) : -1;
  const message = isUuid(id) && index >= 0 ? await getOutboxMessage(db(), member.workspace.id, id, outboxKindsFor(member.role)) : null;
  if (!message) notFound();
  const file = ((await attachmentsOf(db(), [message.id])).get(message.id) ?? [])[index];
  if (!file) notFound();
  const body = Buffer.from(file.contentBase64, 'base64');
  const filename = file.filename.replace(/[^\w.\-]+/g, '_');
  const inline = file.contentType === 'application/pdf' || file.contentType.startsWith('image/');
  return new Response(new Uint8Array(body), {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${filename}"`,
      'Content-Length': String(body.length),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    },
  });
}
