import type { ActionFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { env } from '~/config/env.server';
import { db } from '~/db.server';
import { handleResendWebhook } from '~/email/webhooks.server';
import { MAX_WEBHOOK_BODY_BYTES as MAX_BODY_BYTES } from '~/http/body-limit.server';

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}

/**
 * Resend's signed delivery events (delivered, bounced, complained, opened,
 * clicked, …). The raw body is verified with the Svix signature before
 * anything is read from it; a delivery seen before is acknowledged and ignored.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return loader();
  const secret = env().RESEND_WEBHOOK_SECRET;
  if (!secret) return json({ error: 'Webhooks are not configured (RESEND_WEBHOOK_SECRET).' }, { status: 503 });
  // The body stays unread, so the connection cannot serve another request: say so, or the client reuses it and is reset.
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_BODY_BYTES) return json({ error: 'Too large.' }, { status: 413, headers: { Connection: 'close' } });
  const body = await request.text();
  if (body.length > MAX_BODY_BYTES) return json({ error: 'Too large.' }, { status: 413 });
  const outcome = await handleResendWebhook(db(), {
    secret,
    body,
    headers: {
      id: request.headers.get('svix-id'),
      timestamp: request.headers.get('svix-timestamp'),
      signature: request.headers.get('svix-signature'),
    },
  });
  if (!outcome.ok) return json({ error: outcome.error }, { status: outcome.status });
  return json({ result: outcome.result });
}
