import { bigint, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
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
