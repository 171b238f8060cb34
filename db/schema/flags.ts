import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { campaigns } from './campaigns';
import { createdAt, id, ts } from './columns';
import { customers } from './customers';
import { responses } from './responses';
import { workspaces } from './workspaces';

export const flagKinds = ['second_class', 'at_risk'] as const;
export const flagSeverities = ['high', 'medium'] as const;
export const flagStatuses = ['open', 'contacted', 'resolved', 'dismissed'] as const;

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
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('flags_campaign_customer_kind_key').on(t.campaignId, t.customerId, t.kind),
    index('flags_workspace_status_idx').on(t.workspaceId, t.status, t.createdAt),
    index('flags_customer_idx').on(t.customerId),
  ],
);

export const flagActions = ['raised', 'assigned', 'contacted', 'resolved', 'dismissed', 'noted'] as const;

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
