import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { createdAt, id, ts } from './columns';
import { workspaces } from './workspaces';

/** The events a webhook endpoint can subscribe to; database triggers write them (migration 0016). */
export const webhookEventTypes = ['response.completed', 'flag.raised', 'flag.changed', 'campaign.closed', 'customer.tier_changed'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/**
 * A URL an owner registered to receive the workspace's events, signed with
 * its own secret (Standard Webhooks, `whsec_…`). The secret must be kept to
 * sign, so it is stored as it is; the page shows it once. An endpoint that
 * keeps failing is disabled (`disabledAt`) and its owners are emailed.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    secret: text('secret').notNull(),
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    disabledAt: ts('disabled_at'),
    /** The first failure since the last success; null while deliveries succeed. */
    failingSince: ts('failing_since'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_endpoints_workspace_idx').on(t.workspaceId)],
);

export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;

/**
 * One event on its way to one endpoint: the queue and its log. `eventId` is
 * the `webhook-id` header, the same on every attempt and replay, so a
 * receiver can drop repeats. `seq` orders a customer's events: a delivery
 * waits while an earlier one for the same endpoint and customer is pending.
 * `lockedUntil` is the lease of the process sending it; when it runs out the
 * delivery is taken over.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id').notNull().references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type', { enum: webhookEventTypes }).notNull(),
    /** The customer the event is about, for the order; null for campaign events. Not a foreign key: erasure keeps the row. */
    customerId: uuid('customer_id'),
    payload: jsonb('payload').notNull(),
    status: text('status', { enum: webhookDeliveryStatuses }).notNull().default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lockedUntil: ts('locked_until'),
    lastAttemptAt: ts('last_attempt_at'),
    lastStatusCode: smallint('last_status_code'),
    lastError: text('last_error'),
    /** The first kilobyte of the receiver's last answer, for the delivery log. */
    lastResponse: text('last_response'),
    deliveredAt: ts('delivered_at'),
    /** A replay is a new delivery of the same event. */
    replayOf: uuid('replay_of'),
    createdAt: createdAt(),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_order_idx').on(t.endpointId, t.customerId, t.seq).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
  ],
);
