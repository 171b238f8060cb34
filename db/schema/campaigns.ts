import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { createdAt, id, periodCheck, ts } from './columns';
import { surveyVersions } from './surveys';
import { workspaces } from './workspaces';

export const campaignStatuses = ['draft', 'scheduled', 'sending', 'open', 'closed'] as const;

/** A launch the daily email limit stopped: how many it would have sent, how many were left, of which limit, and when. */
export interface LaunchRefusal {
  reason: 'daily_limit';
  eligible: number;
  left: number;
  limit: number;
  at: string;
}

/** One sending of a survey version to an audience in a period. */
export const campaigns = pgTable(
  'campaigns',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    surveyVersionId: uuid('survey_version_id').notNull().references(() => surveyVersions.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    period: text('period').notNull(),
    status: text('status', { enum: campaignStatuses }).notNull().default('draft'),
    /** Tier ids of the audience; null means every tier. */
    audienceTierIds: jsonb('audience_tier_ids').$type<string[] | null>(),
    scheduledAt: ts('scheduled_at'),
    reminderDelayDays: smallint('reminder_delay_days').notNull().default(7),
    maxReminders: smallint('max_reminders').notNull().default(1),
    closesAt: ts('closes_at'),
    senderName: text('sender_name'),
    /** A longer wait for this campaign than the workspace's contact rule (which applies at least); null: the rule. */
    cooldownDays: smallint('cooldown_days'),
    /** When sending started (scheduled → sending). */
    launchedAt: ts('launched_at'),
    /** When every invitation of the audience had been queued; until then a launch can be resumed. */
    invitationsQueuedAt: ts('invitations_queued_at'),
    /** The lease of the process queueing the invitations. */
    launchLockedUntil: ts('launch_locked_until'),
    /**
     * Why the scheduled launch did not start (the campaign went back to draft),
     * e.g. the workspace's daily email limit; cleared when it is confirmed again.
     */
    launchRefusal: jsonb('launch_refusal').$type<LaunchRefusal | null>(),
    closedAt: ts('closed_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('campaigns_workspace_period_idx').on(t.workspaceId, t.period),
    check('campaigns_period_format', periodCheck('period')),
    check('campaigns_reminders_range', sql`${t.maxReminders} between 0 and 5 and ${t.reminderDelayDays} between 1 and 60`),
    check('campaigns_cooldown_range', sql`${t.cooldownDays} is null or ${t.cooldownDays} between 0 and 365`),
    index('campaigns_status_idx').on(t.status),
  ],
);

export const invitationStatuses = ['queued', 'sent', 'delivered', 'bounced', 'complained', 'failed', 'suppressed'] as const;

/**
 * One customer's personal link in one campaign. The link token has 256 random
 * bits; only its SHA-256 is stored and looked up.
 *
 * A campaign writes 100,000 of these at once, so the table keeps only the
 * foreign key it is deleted through (its campaign, which its workspace
 * deletes). Workspace and customer are written by the launch, from the
 * campaign and from the customers table in the same workspace; customers are
 * never deleted on their own (erasure keeps the row). Checking both keys cost
 * about a third of queueing a campaign; see docs/decisions/0011-campaign-queueing-speed.md.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull(),
    campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    status: text('status', { enum: invitationStatuses }).notNull().default('queued'),
    sentAt: ts('sent_at'),
    deliveredAt: ts('delivered_at'),
    openedAt: ts('opened_at'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    lastReminderAt: ts('last_reminder_at'),
    unsubscribedAt: ts('unsubscribed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('invitations_token_key').on(t.tokenHash),
    uniqueIndex('invitations_campaign_customer_key').on(t.campaignId, t.customerId),
    index('invitations_customer_idx').on(t.customerId),
  ],
);
