import { randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { users, webhookDeliveries, webhookEndpoints, type WebhookEventType } from '../../db/schema';
import { recordAudit } from '../auth/audit.server';
import { checkEndpointUrl, type EndpointUrlProblem } from './addresses';
import { resolvePublicAddress } from './outbound.server';

/** A workspace has at most this many endpoints; enough for a CRM and a few tools. */
export const MAX_ENDPOINTS = 10;

export type EndpointUrlRefusal = EndpointUrlProblem | 'unresolvable' | 'private_address';

export interface UrlPolicy {
  allowPrivate: boolean;
  allowHttpLocalhost: boolean;
}

/**
 * Checks a URL an owner typed: its form (https, no credentials, …), then the
 * addresses its name resolves to. The same address check runs again on every
 * delivery, since a name can point elsewhere later.
 */
export async function checkEndpointTarget(text: string, policy: UrlPolicy): Promise<{ ok: true; url: string } | { ok: false; problem: EndpointUrlRefusal; detail?: string }> {
  const form = checkEndpointUrl(text, policy);
  if (!form.ok) return form;
  const resolved = await resolvePublicAddress(form.url.hostname, policy);
  if (!resolved.ok) return { ok: false, problem: resolved.error, detail: resolved.detail };
  return { ok: true, url: form.url.href };
}

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export async function createEndpoint(
  db: Database,
  input: { workspaceId: string; url: string; events: readonly WebhookEventType[]; createdBy: string },
): Promise<{ ok: true; id: string; secret: string } | { ok: false; problem: 'too_many' }> {
  return db.transaction(async (tx) => {
    // Serialises two owners adding endpoints at once, so the limit holds.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('webhook_endpoints'), hashtext(${input.workspaceId}))`);
    const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(webhookEndpoints).where(eq(webhookEndpoints.workspaceId, input.workspaceId));
    if ((count?.n ?? 0) >= MAX_ENDPOINTS) return { ok: false as const, problem: 'too_many' as const };
    const secret = newWebhookSecret();
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({ workspaceId: input.workspaceId, url: input.url, secret, events: [...input.events], createdBy: input.createdBy })
      .returning({ id: webhookEndpoints.id });
    await recordAudit(tx as unknown as Database, {
      workspaceId: input.workspaceId,
      actorUserId: input.createdBy,
      action: 'webhook.created',
      subjectType: 'webhook_endpoint',
      subjectId: row!.id,
      details: { url: input.url, events: input.events.join(' ') },
    });
    return { ok: true as const, id: row!.id, secret };
  });
}

/** The workspace's endpoints with their delivery counts; never their secrets. */
export async function listEndpoints(db: Database, workspaceId: string) {
  return db
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      events: webhookEndpoints.events,
      enabled: webhookEndpoints.enabled,
      disabledAt: webhookEndpoints.disabledAt,
      consecutiveFailures: webhookEndpoints.consecutiveFailures,
      createdAt: webhookEndpoints.createdAt,
      createdByName: users.name,
      pending: sql<number>`(select count(*)::int from ${webhookDeliveries} d where d.endpoint_id = ${webhookEndpoints.id} and d.status = 'pending')`,
    })
    .from(webhookEndpoints)
    .leftJoin(users, eq(users.id, webhookEndpoints.createdBy))
    .where(eq(webhookEndpoints.workspaceId, workspaceId))
    .orderBy(desc(webhookEndpoints.createdAt));
}

/** Enables an endpoint again (its failure streak starts over) or disables it by hand. False when the workspace has no such endpoint. */
export async function setEndpointEnabled(db: Database, input: { workspaceId: string; endpointId: string; enabled: boolean; actorUserId: string }): Promise<boolean> {
  const updated = await db
    .update(webhookEndpoints)
    .set(input.enabled ? { enabled: true, disabledAt: null, failingSince: null, consecutiveFailures: 0 } : { enabled: false, disabledAt: sql`now()` })
    .where(and(eq(webhookEndpoints.id, input.endpointId), eq(webhookEndpoints.workspaceId, input.workspaceId)))
    .returning({ id: webhookEndpoints.id });
  if (updated.length === 0) return false;
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actorUserId: input.actorUserId,
    action: input.enabled ? 'webhook.enabled' : 'webhook.disabled',
    subjectType: 'webhook_endpoint',
    subjectId: input.endpointId,
    details: {},
  });
  return true;
}

/** Deletes an endpoint and its delivery log. */
export async function deleteEndpoint(db: Database, input: { workspaceId: string; endpointId: string; actorUserId: string }): Promise<boolean> {
  const deleted = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, input.endpointId), eq(webhookEndpoints.workspaceId, input.workspaceId)))
    .returning({ url: webhookEndpoints.url });
  if (deleted.length === 0) return false;
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actorUserId: input.actorUserId,
    action: 'webhook.deleted',
    subjectType: 'webhook_endpoint',
    subjectId: input.endpointId,
    details: { url: deleted[0]!.url },
  });
  return true;
}
