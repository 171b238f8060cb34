import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { invitations } from './campaigns';
import { createdAt, id, ts } from './columns';
import { workspaces } from './workspaces';

export const emailKinds = ['invitation', 'reminder', 'team_invitation', 'password_reset'] as const;
export type EmailKind = (typeof emailKinds)[number];
export const emailStatuses = ['queued', 'sending', 'sent', 'failed'] as const;

/**
 * Every outgoing message, rendered once and stored. It doubles as the send
 * queue and, without a Resend key, as the local outbox. `idempotencyKey` is
 * unique and is sent to Resend, so a retried send never reaches anyone twice.
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    id: id(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: emailKinds }).notNull(),
    invitationId: uuid('invitation_id').references(() => invitations.id, { onDelete: 'set null' }),
    idempotencyKey: text('idempotency_key').notNull(),
    fromAddress: text('from_address').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    /** The link the message carries (survey, invitation acceptance), for the outbox listing. */
    link: text('link'),
    transport: text('transport', { enum: ['outbox', 'resend'] }).notNull(),
    status: text('status', { enum: emailStatuses }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    providerId: text('provider_id'),
    createdAt: createdAt(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('email_messages_idempotency_key').on(t.idempotencyKey),
    index('email_messages_queue_idx').on(t.status, t.nextAttemptAt),
    index('email_messages_workspace_idx').on(t.workspaceId, t.createdAt),
    index('email_messages_provider_idx').on(t.providerId),
  ],
);

/** Delivery events reported by Resend's signed webhooks. `webhookId` makes replays harmless. */
export const emailEvents = pgTable(
  'email_events',
  {
    id: id(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id').references(() => emailMessages.id, { onDelete: 'cascade' }),
    webhookId: text('webhook_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('email_events_webhook_key').on(t.webhookId), index('email_events_message_idx').on(t.messageId)],
);
