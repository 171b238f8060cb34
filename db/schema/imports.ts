import { check, customType, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
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
