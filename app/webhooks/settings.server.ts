import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { webhookEventTypes } from '../../db/schema';
import { webhookConfig } from './config.server';
import { listDeliveries, replayDelivery } from './deliveries.server';
import { checkEndpointTarget, createEndpoint, deleteEndpoint, listEndpoints, MAX_ENDPOINTS, setEndpointEnabled } from './endpoints.server';

// What Settings › Webhooks shows and does; the route only parses the request
// and renders. Kept here so zod and the database stay out of the page's browser bundle.

const webhookForm = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('create'),
    url: z.string().trim().min(1).max(2000),
    events: z.array(z.enum(webhookEventTypes)).min(1),
  }),
  z.object({ intent: z.enum(['enable', 'disable', 'delete']), endpointId: z.uuid() }),
  z.object({ intent: z.literal('replay'), deliveryId: z.uuid() }),
]);

export type WebhookActionResult =
  | { kind: 'created'; url: string; secret: string }
  | { kind: 'refused'; field: 'url' | 'events' | 'form'; problem: string; url: string; events: string[]; max: number }
  | { kind: 'replayed' }
  | { kind: 'done' }
  | { kind: 'not_found' };

export async function webhookSettingsData(db: Database, workspaceId: string) {
  const endpoints = await listEndpoints(db, workspaceId);
  return {
    endpoints: await Promise.all(endpoints.map(async (endpoint) => ({ ...endpoint, deliveries: await listDeliveries(db, workspaceId, endpoint.id, 20) }))),
    eventTypes: webhookEventTypes,
  };
}

/** Runs one form post of the page; `status` is the HTTP status to answer with. */
export async function runWebhookSettingsAction(
  db: Database,
  member: { workspaceId: string; userId: string },
  form: FormData,
): Promise<{ status: number; result: WebhookActionResult }> {
  const chosen = form.getAll('events').map(String);
  const typedUrl = String(form.get('url') ?? '').slice(0, 2000);
  const refuse = (field: 'url' | 'events' | 'form', problem: string, status = 400) => ({
    status,
    result: { kind: 'refused' as const, field, problem, url: typedUrl, events: chosen, max: MAX_ENDPOINTS },
  });
  const parsed = webhookForm.safeParse({ ...Object.fromEntries(form), events: chosen });
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0];
    if (field === 'events') return refuse('events', 'events');
    if (field === 'url') return refuse('url', 'invalid');
    return refuse('form', 'invalid');
  }
  const input = parsed.data;
  const { workspaceId, userId } = member;
  switch (input.intent) {
    case 'create': {
      const target = await checkEndpointTarget(input.url, webhookConfig());
      if (!target.ok) return refuse('url', target.problem, 422);
      const created = await createEndpoint(db, { workspaceId, url: target.url, events: [...new Set(input.events)], createdBy: userId });
      if (!created.ok) return refuse('form', 'tooMany', 409);
      return { status: 200, result: { kind: 'created', url: target.url, secret: created.secret } };
    }
    case 'enable':
    case 'disable': {
      const found = await setEndpointEnabled(db, { workspaceId, endpointId: input.endpointId, enabled: input.intent === 'enable', actorUserId: userId });
      return found ? { status: 200, result: { kind: 'done' } } : { status: 404, result: { kind: 'not_found' } };
    }
    case 'delete': {
      const found = await deleteEndpoint(db, { workspaceId, endpointId: input.endpointId, actorUserId: userId });
      return found ? { status: 200, result: { kind: 'done' } } : { status: 404, result: { kind: 'not_found' } };
    }
    case 'replay':
      if (!(await replayDelivery(db, workspaceId, input.deliveryId))) return refuse('form', 'replayRefused', 409);
      return { status: 200, result: { kind: 'replayed' } };
  }
}
