import { relations } from 'drizzle-orm';
import { check, integer, pgTable, real, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, ts } from './columns';

/** One business using Wouldmiss. Every other row belongs to exactly one workspace. */
export const workspaces = pgTable(
  'workspaces',
  {
    id: id(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    defaultLocale: text('default_locale', { enum: ['de', 'en'] }).notNull().default('de'),
    /** ABC analysis: A while the share before is below this, B below abcThresholdB. */
    abcThresholdA: real('abc_threshold_a').notNull().default(0.8),
    abcThresholdB: real('abc_threshold_b').notNull().default(0.95),
    /**
     * The contact rule: ask each customer at most once per this many days (0: no limit).
     * Customers invited by any campaign within it are held back from a new campaign and from
     * another campaign's reminders (docs/decisions/0032-contact-rules-across-campaigns.md).
     */
    surveyCooldownDays: integer('survey_cooldown_days').notNull().default(90),
    senderName: text('sender_name'),
    /** Service level on flags: an open flag is overdue after this many working days (Monday to Friday). */
    flagSlaHighDays: smallint('flag_sla_high_days').notNull().default(2),
    flagSlaMediumDays: smallint('flag_sla_medium_days').notNull().default(5),
    /** When the owner who signed up followed the emailed link; null: the workspace may not send campaigns yet. */
    emailVerifiedAt: ts('email_verified_at'),
    /** When the workspace got the starter themes; null: not yet (they come with the first read of its themes). */
    themesStartedAt: ts('themes_started_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('workspaces_slug_key').on(t.slug),
    check('workspaces_flag_sla_range', sql`${t.flagSlaHighDays} between 1 and 60 and ${t.flagSlaMediumDays} between 1 and 60`),
    check('workspaces_contact_days_range', sql`${t.surveyCooldownDays} between 0 and 365`),
    check('workspaces_abc_thresholds', sql`0 < ${t.abcThresholdA} and ${t.abcThresholdA} < ${t.abcThresholdB} and ${t.abcThresholdB} <= 1`),
  ],
);

/** The workspace's tiers, ordered best first (position 1). Two to five per workspace. */
export const workspaceTiers = pgTable(
  'workspace_tiers',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    label: text('label').notNull(),
    /** What the tier is promised, in the workspace's words ("call back the same day"); null: nothing recorded. */
    promise: text('promise'),
  },
  (t) => [
    uniqueIndex('workspace_tiers_position_key').on(t.workspaceId, t.position),
    uniqueIndex('workspace_tiers_label_key').on(t.workspaceId, t.label),
    check('workspace_tiers_position_range', sql`${t.position} between 1 and 5`),
    check('workspace_tiers_promise_length', sql`char_length(${t.promise}) between 1 and 200`),
  ],
);

export const workspacesRelations = relations(workspaces, ({ many }) => ({
  tiers: many(workspaceTiers),
}));

export const workspaceTiersRelations = relations(workspaceTiers, ({ one }) => ({
  workspace: one(workspaces, { fields: [workspaceTiers.workspaceId], references: [workspaces.id] }),
}));
