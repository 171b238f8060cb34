import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns';
import { createdAt, id, ts } from './columns';
import { workspaces } from './workspaces';

export const emailKinds = ['invitation', 'reminder', 'team_invitation', 'password_reset', 'flag_alert', 'flag_digest', 'email_verification', 'signup_attempt', 'quarterly_report', 'webhook_disabled'] as const;
export type EmailKind = (typeof emailKinds)[number];
/** `cancelled`: never sent, because the recipient was suppressed or the campaign closed first. */
export const emailStatuses = ['queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type EmailStatus = (typeof emailStatuses)[number];
export const emailTransports = ['outbox', 'resend'] as const;
export type EmailTransport = (typeof emailTransports)[number];

/**
 * A rendered email with `%%WM_NAME%%`-style placeholders, stored once per
 * campaign, kind and language. Messages that point here carry only their
 * values (see docs/decisions/0010-exactly-once-email.md); the stored pair is
 * immutable, so a message is the same bytes on every attempt.
 */
export const emailTemplates = pgTable(
  'email_templates',
  {
    id: id(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: emailKinds }).notNull(),
    locale: text('locale', { enum: ['de', 'en'] }).notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('email_templates_workspace_idx').on(t.workspaceId)],
);

export const emailBatchStatuses = ['pending', 'sent', 'failed'] as const;

/**
 * One request to the provider (up to 100 messages). Its membership and its
 * idempotency key are committed before the request is made, so after a crash
 * the very same request is repeated and the provider answers it from its
 * idempotency record instead of sending again. `lockedUntil` is the lease of
 * the process working on it.
 */
export const emailBatches = pgTable(
  'email_batches',
  {
    id: id(),
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status', { enum: emailBatchStatuses }).notNull().default('pending'),
    messageCount: integer('message_count').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lockedUntil: ts('locked_until'),
    firstAttemptAt: ts('first_attempt_at'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('email_batches_idempotency_key').on(t.idempotencyKey),
    index('email_batches_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

/**
 * Every outgoing message, rendered once and stored. It doubles as the send
 * queue and, without a Resend key, as the local outbox. `idempotencyKey` is
 * unique (one message per invitation and kind), so queueing twice stores
 * nothing new. A message has its own `html`/`text`, or a template and the
 * values to fill in.
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    id: id(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: emailKinds }).notNull(),
    campaignId: uuid('campaign_id').references(() => campaigns.id, { onDelete: 'cascade' }),
    /** No foreign key (written 100,000 at a time): an invitation's messages belong to its campaign and go with it. */
    invitationId: uuid('invitation_id'),
    idempotencyKey: text('idempotency_key').notNull(),
    fromAddress: text('from_address').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    html: text('html'),
    text: text('text'),
    /** No foreign key (written 100,000 at a time): templates are never changed or deleted, except with their workspace. */
    templateId: uuid('template_id'),
    /** Values for the template's placeholders, e.g. `{ name, token }`; escaped when filled in. */
    variables: jsonb('variables').$type<Record<string, string>>(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    /** The link the message carries (survey, invitation acceptance), for the outbox listing. */
    link: text('link'),
    transport: text('transport', { enum: emailTransports }).notNull(),
    /** 0 goes before 1: a password reset does not wait behind a campaign of 100,000. */
    priority: smallint('priority').notNull().default(1),
    status: text('status', { enum: emailStatuses }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    /**
     * The provider request this message went out in; fixed once claimed. No
     * foreign key: the claim writes the batch and sets this in one statement,
     * batches are never deleted, and the check cost a third of each claim.
     */
    batchId: uuid('batch_id'),
    providerId: text('provider_id'),
    createdAt: createdAt(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('email_messages_idempotency_key').on(t.idempotencyKey),
    // Only waiting messages are in the queue index, in the order they are claimed.
    index('email_messages_due_idx').on(t.transport, t.priority, t.nextAttemptAt).where(sql`${t.status} = 'queued'`),
    index('email_messages_workspace_idx').on(t.workspaceId, t.createdAt),
    index('email_messages_provider_idx').on(t.providerId).where(sql`${t.providerId} is not null`),
    index('email_messages_campaign_idx').on(t.campaignId, t.kind, t.status),
    index('email_messages_invitation_idx').on(t.invitationId),
    index('email_messages_batch_idx').on(t.batchId).where(sql`${t.batchId} is not null`),
    check('email_messages_body', sql`(${t.html} is not null and ${t.text} is not null) or ${t.templateId} is not null`),
  ],
);

/**
 * Files sent with a message: the quarterly report's PDF, and its chart images
 * (with a `contentId`, shown inline in the HTML as `cid:<contentId>`). Stored
 * as base64, the form Resend's API takes, in the order they are attached, so
 * every attempt sends the same request body.
 */
export const emailAttachments = pgTable(
  'email_attachments',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => emailMessages.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    contentId: text('content_id'),
    contentBase64: text('content_base64').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.position] })],
);

/**
 * The provider's send rate, shared by every process: the next free sending
 * slot per provider. Taking a slot moves it on by 1 / rate seconds.
 */
export const emailThrottle = pgTable('email_throttle', {
  key: text('key').primaryKey(),
  nextSlotAt: ts('next_slot_at').notNull().defaultNow(),
});

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
