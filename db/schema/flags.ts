import { bigint, date, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { campaigns } from './campaigns';
import { createdAt, id, ts } from './columns';
import { customers } from './customers';
import { responses } from './responses';
import { workspaces, workspaceTiers } from './workspaces';

export const flagKinds = ['second_class', 'at_risk'] as const;
export const flagSeverities = ['high', 'medium'] as const;
/**
 * `withdrawn`: the customer changed the answers and no rule holds any more.
 * Only open flags are withdrawn, and only a withdrawn flag is raised again
 * automatically; contacted, resolved and dismissed flags are left as they are.
 */
export const flagStatuses = ['open', 'contacted', 'resolved', 'dismissed', 'withdrawn'] as const;

/**
 * A customer who may feel second-class or may not miss us. Unique per
 * campaign, customer and kind whatever its status, so re-running the rules
 * never duplicates a flag nor reopens one that marketing closed.
 */
export const flags = pgTable(
  'flags',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
    responseId: uuid('response_id').references(() => responses.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: flagKinds }).notNull(),
    severity: text('severity', { enum: flagSeverities }).notNull(),
    reasons: text('reasons').array().notNull(),
    status: text('status', { enum: flagStatuses }).notNull().default('open'),
    assignedTo: uuid('assigned_to').references(() => users.id, { onDelete: 'set null' }),
    /**
     * The first contact, resolution or dismissal, and the latest resolution or
     * dismissal, kept from flag_events by a trigger (migration 0027), so the
     * flag loop's figures read the flags alone instead of their histories.
     */
    firstActionAt: ts('first_action_at'),
    closedAt: ts('closed_at'),
    /**
     * The customer's tier in the campaign's period (null: none), kept by
     * triggers on flags and tier_assignments (migration 0029), so the flag
     * figures per tier read the flags alone instead of one tier lookup each.
     */
    tierId: uuid('tier_id').references(() => workspaceTiers.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('flags_campaign_customer_kind_key').on(t.campaignId, t.customerId, t.kind),
    index('flags_workspace_status_idx').on(t.workspaceId, t.status, t.createdAt),
    index('flags_customer_idx').on(t.customerId),
  ],
);

export const flagActions = ['raised', 'assigned', 'contacted', 'resolved', 'dismissed', 'noted', 'withdrawn', 'reraised', 'updated'] as const;

/** The history of a flag: who did what, with notes. */
export const flagEvents = pgTable(
  'flag_events',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    flagId: uuid('flag_id').notNull().references(() => flags.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action', { enum: flagActions }).notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [index('flag_events_flag_idx').on(t.flagId, t.createdAt)],
);

/**
 * Completed responses waiting for the flag rules. A database trigger adds a
 * response here in the transaction that completes or changes it (migration
 * 0011), so a crash between saving and judging loses nothing; the flag
 * evaluator (app/flags/evaluate.server.ts) judges and deletes rows in one
 * transaction. `version` moves on with every change, so a change made while
 * the response is being judged is judged again.
 */
export const flagEvaluations = pgTable(
  'flag_evaluations',
  {
    responseId: uuid('response_id').primaryKey().references(() => responses.id, { onDelete: 'cascade' }),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
    queuedAt: ts('queued_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  // The evaluator claims the oldest entries first: in this order it reads the
  // first batch instead of sorting the whole queue (100,000 entries: 99 ms a batch).
  (t) => [index('flag_evaluations_queue_idx').on(t.queuedAt, t.responseId)],
);

/** A workspace's own second-class phrases, matched like the built-in lexicon. */
export const lexiconPhrases = pgTable(
  'lexicon_phrases',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    phrase: text('phrase').notNull(),
    /** The phrase normalised for matching (app/analysis/lexicon.ts); unique per workspace. */
    normalized: text('normalized').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('lexicon_phrases_workspace_key').on(t.workspaceId, t.normalized)],
);

/** One flag digest per member, workspace and day: the record that keeps it to one. */
export const flagDigests = pgTable(
  'flag_digests',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    sentAt: ts('sent_at').notNull().defaultNow(),
    flagCount: integer('flag_count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId, t.day] })],
);
