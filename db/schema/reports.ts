import { bigint, check, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, periodCheck } from './columns';
import { workspaces } from './workspaces';

/**
 * Change counters per workspace and period, bumped by database triggers
 * whenever completed responses, invitations, tier assignments or tier labels
 * of the period change (see the rollup-triggers migration). Triggers keep the
 * rollups correct whatever code path writes the data.
 */
export const periodRollupVersions = pgTable(
  'period_rollup_versions',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    tablesVersion: bigint('tables_version', { mode: 'number' }).notNull().default(0),
    invitationsVersion: bigint('invitations_version', { mode: 'number' }).notNull().default(0),
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
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.period] })],
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
