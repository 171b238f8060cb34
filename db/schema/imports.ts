import { bigint, check, customType, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { createdAt, id, periodCheck, ts } from './columns';
import { workspaces } from './workspaces';

/** Raw bytes. PGlite reads them as Uint8Array, postgres.js as Buffer (a Uint8Array too). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export const importStatuses = ['uploaded', 'importing', 'imported'] as const;
export type ImportStatus = (typeof importStatuses)[number];
export const importTierSources = ['auto', 'revenue', 'margin'] as const;

/**
 * A CSV file uploaded in the browser, between upload, preview and confirmation.
 * The file itself is kept in `import_job_chunks` (in the database, so any app
 * process can confirm it) and deleted once the import has run.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    fileName: text('file_name').notNull(),
    byteSize: integer('byte_size').notNull().default(0),
    period: text('period').notNull(),
    /** `auto`: the tier column when the file has one, else the ABC analysis of revenue. */
    tiersBy: text('tiers_by', { enum: importTierSources }).notNull().default('auto'),
    status: text('status', { enum: importStatuses }).notNull().default('uploaded'),
    /** The preview (an ImportReport, see app/customers/import-report.ts). */
    preview: jsonb('preview').$type<Record<string, unknown>>(),
    /** The summary once the import has run. */
    result: jsonb('result').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('import_jobs_workspace_idx').on(t.workspaceId, t.createdAt), check('import_jobs_period_format', periodCheck('period'))],
);

/** The bytes of an uploaded file, in order, about 1 MB each. */
export const importJobChunks = pgTable(
  'import_job_chunks',
  {
    jobId: uuid('job_id').notNull().references(() => importJobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);

export const importApplyStatuses = ['applying', 'applied'] as const;

/**
 * An import on the embedded database being applied in short transactions
 * (decision 0037): `applying` until the last transaction marks it `applied`
 * together with the audit entry. An `applying` row found when the database
 * opens belongs to an import cut off by a crash, and is undone from
 * `customer_import_undo`; an `applied` one is only tidied up.
 */
export const customerImportApplies = pgTable('customer_import_applies', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  period: text('period').notNull(),
  status: text('status', { enum: importApplyStatuses }).notNull().default('applying'),
  createdAt: createdAt(),
});

/**
 * What undoes one applied batch, written in the batch's own transaction.
 * A customer row: `customer` is the customer's row before the import (null:
 * the import created it), `tier` its tier assignment of the period before
 * (null: there was none). A delivery row: a webhook delivery the batch
 * caused, held back here until the import is applied (`delivery`, the row
 * as it was queued), so that nothing undone is ever sent.
 */
export const customerImportUndo = pgTable(
  'customer_import_undo',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    applyId: uuid('apply_id').notNull().references(() => customerImportApplies.id, { onDelete: 'cascade' }),
    batch: integer('batch').notNull(),
    customerId: uuid('customer_id'),
    customer: jsonb('customer'),
    tier: jsonb('tier'),
    delivery: jsonb('delivery'),
  },
  (t) => [index('customer_import_undo_batch_idx').on(t.applyId, t.batch)],
);
