import { bigint, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, periodCheck } from './columns';
import { workspaces } from './workspaces';

/**
 * Change counters per workspace and period, bumped by database triggers
 * whenever completed responses, invitations, tier assignments or tier labels
 * of the period change (see the rollup-triggers migration). Triggers keep the
 * rollups correct whatever code path writes the data. The frequency tables
 * and theme counts no longer depend on `tables_version` (they follow
 * period_rollup_queue); it stays the change counter that the caches keyed
 * by it (tier migration, the review's version key) compare.
 */
export const periodRollupVersions = pgTable(
  'period_rollup_versions',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    tablesVersion: bigint('tables_version', { mode: 'number' }).notNull().default(0),
    invitationsVersion: bigint('invitations_version', { mode: 'number' }).notNull().default(0),
    /** Bumped only when tier assignments of the period change: the tier migration's key (a new answer leaves it alone). */
    tiersVersion: bigint('tiers_version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.period] })],
);

/**
 * Cached frequency tables and invitation counts of a period, each valid for
 * the version it was computed at: a cache whose version is behind the
 * counter is recomputed on the next read.
 */
export const periodRollups = pgTable(
  'period_rollups',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    tables: jsonb('tables'),
    tablesVersion: bigint('tables_version', { mode: 'number' }),
    invitations: jsonb('invitations'),
    invitationsVersion: bigint('invitations_version', { mode: 'number' }),
    /** Tier migration from `migrationFrom` into this period, valid for both periods' tables versions. */
    migration: jsonb('migration'),
    migrationFrom: text('migration_from'),
    migrationVersions: text('migration_versions'),
    /**
     * Theme counts of the period's counted responses per tier and free-text
     * item (`answered`, `named` by theme position), kept by difference like
     * the tables (decision 0038), valid for the coding named by
     * `themesCoding` (the coding rule's version and the workspace's theme
     * list, hashed). Null coding: not kept, coded afresh on the next read.
     */
    themes: jsonb('themes'),
    themesCoding: text('themes_coding'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.period] })],
);

/**
 * What each customer contributes to the stored frequency tables of a period:
 * the answers of their latest completed response and the tier label they are
 * counted under. When a response or tier assignment of the customer changes,
 * the reader takes this contribution back and adds the new one (decision
 * 0031), so the tables are updated by difference instead of recounted. No
 * foreign key to customers: an erased customer's row is what is taken back.
 */
export const periodRollupCounted = pgTable(
  'period_rollup_counted',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    customerId: uuid('customer_id').notNull(),
    tier: text('tier').notNull(),
    missUs: text('miss_us'),
    treatValued: smallint('treat_valued'),
    treatResponsive: smallint('treat_responsive'),
    treatEqual: smallint('treat_equal'),
    treatPromise: smallint('treat_promise'),
    benefit: smallint('benefit'),
    csat: smallint('csat'),
    recommend: smallint('recommend'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.period, t.customerId] })],
);

/**
 * What each counted customer's free texts contribute to the period's stored
 * theme counts (`period_rollups.themes`): the tier label they count under
 * and, per item in THEME_FIELDS order, null (not answered) or the positions
 * of the themes the text names. Only customers with an answered text have a
 * row. Written by the reader that drains the queue, in the same transaction
 * as period_rollup_counted, so an old contribution is taken back exactly as
 * it was added, whatever the texts are now (changed, erased).
 */
export const periodThemeCounted = pgTable(
  'period_theme_counted',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    customerId: uuid('customer_id').notNull(),
    tier: text('tier').notNull(),
    coded: jsonb('coded').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.period, t.customerId] })],
);

/**
 * Customers whose contribution to a period's tables may have changed, written
 * by database triggers in the transaction of the change (so no code path that
 * writes responses or tier assignments can miss it) and drained by the next
 * reader of the period under the period's row lock. A row without customer
 * asks for the period to be counted afresh (a bulk change, a tier renamed).
 * Append-only for writers: two submissions never wait for each other here.
 */
export const periodRollupQueue = pgTable(
  'period_rollup_queue',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // No foreign key: a workspace's deletion cascades to its responses, whose triggers write here.
    workspaceId: uuid('workspace_id').notNull(),
    period: text('period').notNull(),
    customerId: uuid('customer_id'),
  },
  (t) => [index('period_rollup_queue_period_idx').on(t.workspaceId, t.period)],
);

/**
 * The owners' quarterly report of a workspace, one row per quarter reported:
 * the scheduled job claims the row in the transaction that queues the
 * emails, so however many app processes and workers look at the same time,
 * each workspace's owners get a quarter's report exactly once.
 */
export const quarterlyReports = pgTable(
  'quarterly_reports',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    /** Owners it was queued for (0 when the quarter had no answers to report). */
    recipients: integer('recipients').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.period] }), check('quarterly_reports_period', periodCheck('period'))],
);
