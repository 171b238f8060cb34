import { and, desc, eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { selectRows, type Database } from '../../db/client.server';
import { webhookDeliveries, webhookEndpoints } from '../../db/schema';
import { queueEndpointDisabledEmails } from './disabled-email.server';
import { postWebhook, type OutboundPolicy, type PostResult } from './outbound.server';

/** How deliveries are retried and when an endpoint is given up; tests shorten every figure. */
export interface DeliveryPolicy extends OutboundPolicy {
  /** How long a process may hold a claimed delivery before another takes it over. Longer than the timeout. */
  leaseMs: number;
  /** The pause after the first failure; each further failure waits four times as long, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A delivery still failing this long after its event is given up. */
  retryWindowMs: number;
  /** An endpoint is disabled when every delivery failed for this long… */
  disableAfterMs: number;
  /** …and at least this many attempts in a row failed. */
  disableAfterFailures: number;
}

export const defaultDeliveryPolicy: Omit<DeliveryPolicy, 'allowPrivate'> = {
  leaseMs: 60_000,
  retryBaseMs: 5_000,
  retryMaxMs: 6 * 3600_000,
  retryWindowMs: 24 * 3600_000,
  disableAfterMs: 24 * 3600_000,
  disableAfterFailures: 5,
};

/** The pause before attempt `attempts + 1`: 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h, then 6 h, with ±10 % jitter. */
export function retryDelayMs(attempts: number, policy: Pick<DeliveryPolicy, 'retryBaseMs' | 'retryMaxMs'>, random = Math.random): number {
  const base = Math.min(policy.retryBaseMs * 4 ** Math.max(0, attempts - 1), policy.retryMaxMs);
  return Math.round(base * (0.9 + 0.2 * random()));
}

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  payload: unknown;
  attempts: number;
  endpointId: string;
  url: string;
  secret: string;
}

/**
 * Claims up to `limit` due deliveries for this process: pending, due, not
 * leased by a live process, of an enabled endpoint, and the earliest pending
 * one of their customer at that endpoint (a later event waits while an
 * earlier one is pending, in flight or waiting for a retry). Counting the
 * attempt here means a process that dies mid-delivery still counts it; the
 * lease runs out and another process delivers with the same event id.
 */
export async function claimDueDeliveries(db: Database, options: { limit: number; leaseMs: number }): Promise<ClaimedDelivery[]> {
  return selectRows<ClaimedDelivery>(
    db,
    sql`update webhook_deliveries d
        set locked_until = now() + ${options.leaseMs} * interval '1 millisecond', attempts = d.attempts + 1, last_attempt_at = now()
        from webhook_endpoints e
        where e.id = d.endpoint_id and d.id in (
          select c.id from webhook_deliveries c join webhook_endpoints ce on ce.id = c.endpoint_id and ce.enabled
          where c.status = 'pending' and c.next_attempt_at <= now() and (c.locked_until is null or c.locked_until <= now())
            and not exists (
              select 1 from webhook_deliveries p
              where p.status = 'pending' and p.endpoint_id = c.endpoint_id and p.customer_id = c.customer_id and p.seq < c.seq)
          order by c.seq
          limit ${options.limit}
          for update of c skip locked)
        returning d.id, d.event_id as "eventId", d.payload, d.attempts, e.id as "endpointId", e.url, e.secret`,
  );
}

/** The Standard Webhooks headers of one attempt: the event id, this attempt's time, and the signature over both and the body. */
export function signedHeaders(secret: string, eventId: string, body: string, at = new Date()): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Wouldmiss-Webhooks/1',
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(eventId, at, body),
  };
}

/** Sends one claimed delivery and records what happened. */
export async function sendDelivery(db: Database, delivery: ClaimedDelivery, policy: DeliveryPolicy): Promise<PostResult> {
  const body = JSON.stringify(delivery.payload);
  const result = await postWebhook(new URL(delivery.url), body, signedHeaders(delivery.secret, delivery.eventId, body), policy);
  await recordAttempt(db, delivery, result, policy);
  return result;
}

/**
 * Records an attempt, if the delivery is still this process's (its attempt
 * count unchanged; a process whose lease ran out records nothing). Success
 * clears the endpoint's failure streak; a failure schedules the retry, gives
 * up after the retry window, and disables an endpoint that has failed long
 * enough, emailing its owners in the same transaction.
 */
export async function recordAttempt(db: Database, delivery: ClaimedDelivery, result: PostResult, policy: DeliveryPolicy): Promise<void> {
  const answer = result.body.slice(0, 1000) || null;
  await db.transaction(async (tx) => {
    const mine = and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.attempts, delivery.attempts), eq(webhookDeliveries.status, 'pending'));
    if (result.ok) {
      const updated = await tx
        .update(webhookDeliveries)
        .set({ status: 'delivered', deliveredAt: sql`now()`, lockedUntil: null, lastStatusCode: result.status, lastError: null, lastResponse: answer })
        .where(mine)
        .returning({ id: webhookDeliveries.id });
      if (updated.length > 0) await tx.update(webhookEndpoints).set({ failingSince: null, consecutiveFailures: 0 }).where(eq(webhookEndpoints.id, delivery.endpointId));
      return;
    }
    const delayMs = retryDelayMs(delivery.attempts, policy);
    const updated = await tx
      .update(webhookDeliveries)
      .set({
        status: sql`case when ${webhookDeliveries.createdAt} + ${policy.retryWindowMs} * interval '1 millisecond' <= now() then 'failed' else 'pending' end`,
        nextAttemptAt: sql`now() + ${delayMs} * interval '1 millisecond'`,
        lockedUntil: null,
        lastStatusCode: result.status,
        lastError: result.detail.slice(0, 500),
        lastResponse: answer,
      })
      .where(mine)
      .returning({ id: webhookDeliveries.id });
    if (updated.length === 0) return;
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, now())`, consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
      .where(eq(webhookEndpoints.id, delivery.endpointId))
      .returning();
    if (!endpoint?.enabled || endpoint.consecutiveFailures < policy.disableAfterFailures) return;
    const [disabled] = await tx
      .update(webhookEndpoints)
      .set({ enabled: false, disabledAt: sql`now()` })
      .where(
        and(
          eq(webhookEndpoints.id, endpoint.id),
          eq(webhookEndpoints.enabled, true),
          sql`${webhookEndpoints.failingSince} <= now() - ${policy.disableAfterMs} * interval '1 millisecond'`,
        ),
      )
      .returning();
    if (disabled) await queueEndpointDisabledEmails(tx as unknown as Database, disabled, result.detail);
  });
}

/**
 * Sends an event to its endpoint again, as a new delivery with the same
 * event id and payload (the receiver may drop it as a repeat). Only a
 * finished delivery (delivered or failed) is replayed; null when there is
 * no such delivery in the workspace.
 */
export async function replayDelivery(db: Database, workspaceId: string, deliveryId: string): Promise<{ id: string } | null> {
  const rows = await selectRows<{ id: string }>(
    db,
    sql`insert into webhook_deliveries (workspace_id, endpoint_id, event_id, event_type, customer_id, payload, replay_of)
        select workspace_id, endpoint_id, event_id, event_type, customer_id, payload, id
        from webhook_deliveries where id = ${deliveryId} and workspace_id = ${workspaceId} and status <> 'pending'
        returning id`,
  );
  return rows[0] ?? null;
}

/** The latest deliveries of an endpoint, newest first, for the settings page. */
export async function listDeliveries(db: Database, workspaceId: string, endpointId: string, limit = 50) {
  return db
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      eventType: webhookDeliveries.eventType,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      createdAt: webhookDeliveries.createdAt,
      replayOf: webhookDeliveries.replayOf,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.workspaceId, workspaceId), eq(webhookDeliveries.endpointId, endpointId)))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit);
}
