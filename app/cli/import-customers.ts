/**
 * `cli import:customers FILE --workspace SLUG --period 2026-Q4 [--dry-run]
 * [--json] [--tiers-by revenue|margin]`: imports customers and their tiers
 * for a period from a CSV file, all or nothing. With `--json` standard output
 * carries exactly one JSON summary; progress and messages go to standard
 * error. Exit code 0 when imported (with `--dry-run`: when it would import),
 * 2 when the file or a row is bad and nothing was imported.
 */
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { migratePostgresDatabase } from '../../db/migrate.server';
import * as schema from '../../db/schema';
import { workspaces } from '../../db/schema';
import { env as loadEnv } from '../config/env.server';
import { importCustomers, previewImport, type ImportProgress } from '../customers/import.server';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MEGABYTES } from '../customers/import-read';
import { failedReport, importErrorMessage, jsonSummary, type ImportReport } from '../customers/import-report';
import { isPeriod } from '../customers/period';
import { tierCountsForPeriod } from '../customers/tiers.server';
import { translator } from '../i18n';
import { diskFiles, type CommandIo } from './command-io';

export const IMPORT_USAGE = 'import:customers FILE --workspace SLUG --period 2026-Q4 [--dry-run] [--json] [--tiers-by revenue|margin]';

type Io = CommandIo;

/** The options, shared with the handover to the running app, which must find FILE among the arguments as this command does. */
export const IMPORT_OPTIONS = {
  workspace: { type: 'string' },
  period: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'tiers-by': { type: 'string' },
} as const;

const argumentsSchema = z.object({
  file: z.string({ error: 'FILE is required' }).min(1, 'FILE is required'),
  workspace: z.string({ error: '--workspace is required' }).min(1, '--workspace is required'),
  period: z.string({ error: '--period is required' }).refine(isPeriod, '--period must be written like 2026-Q4'),
  'dry-run': z.boolean().default(false),
  json: z.boolean().default(false),
  'tiers-by': z.enum(['revenue', 'margin'], { error: '--tiers-by takes revenue or margin' }).optional(),
});

/** Runs the command; resolves to the exit code. */
export async function runImportCustomers(argv: string[], io: Io): Promise<number> {
  const english = translator('en');
  let options: z.infer<typeof argumentsSchema>;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: IMPORT_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 1) throw new Error('give exactly one FILE');
    const parsed = argumentsSchema.safeParse({ ...values, file: positionals[0] });
    if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
    options = parsed.data;
  } catch (error) {
    io.stderr.write(`import:customers: ${(error as Error).message}\nusage: npm run cli -- ${IMPORT_USAGE}\n`);
    return 2;
  }

  const files = io.files ?? diskFiles;
  let size: number;
  try {
    const file = await files.stat(options.file);
    if (!file.isFile) throw new Error('not a file');
    size = file.size;
  } catch {
    io.stderr.write(`import:customers: cannot read ${options.file}\n`);
    return 2;
  }

  const handle = await (io.openDatabase ?? openForImport)();
  try {
    const db = handle.db;
    const [workspace] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, options.workspace));
    if (!workspace) {
      io.stderr.write(`import:customers: no workspace with the slug "${options.workspace}"\n`);
      return 2;
    }
    const target = { workspaceId: workspace.id, period: options.period, tiersBy: options['tiers-by'] ?? ('auto' as const) };
    const startedAt = performance.now();
    let report: ImportReport;
    if (size > MAX_IMPORT_BYTES) {
      report = failedReport(options.period, [{ line: null, column: null, code: 'file_too_large', params: { max: MAX_IMPORT_MEGABYTES } }], await tierCountsForPeriod(db, workspace.id, options.period));
    } else {
      const open = () => () => files.open(options.file);
      const onProgress = progressPrinter(io.stderr);
      report = options['dry-run']
        ? await previewImport(db, target, open, { onProgress })
        : await importCustomers(db, target, open, { onProgress, origin: 'cli' });
    }
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    if (options.json) {
      io.stdout.write(`${JSON.stringify(jsonSummary(report, english))}\n`);
    } else {
      io.stdout.write(describe(report, options['dry-run'], english));
    }
    const ok = report.errors.length === 0;
    const outcome = !ok ? 'nothing imported' : options['dry-run'] ? 'checked, nothing written (dry run)' : 'imported';
    io.stderr.write(`import:customers: ${options.file}, ${options.period}: ${report.rows} rows, ${outcome}, ${seconds} s\n`);
    return ok ? 0 : 2;
  } finally {
    await handle.close();
  }
}

/**
 * The configured database, as `openConfiguredDatabase` opens it. On
 * PostgreSQL it connects here, because db/client.server.ts imports PGlite
 * eagerly, which alone adds about 50 MB to the peak memory of a large import.
 */
async function openForImport(): Promise<{ db: Database; close(): Promise<void> }> {
  const env = loadEnv();
  if (!env.DATABASE_URL) return (await import('../config/database.server')).openConfiguredDatabase(env);
  await migratePostgresDatabase(env.DATABASE_URL);
  const client = postgres(env.DATABASE_URL, { max: 2, onnotice: () => {} });
  return { db: drizzle({ client, schema }), close: () => client.end({ timeout: 5 }) };
}

/** Progress on standard error: in place on a terminal, else a line every tenth. */
function progressPrinter(stderr: Io['stderr']) {
  let lastLine = '';
  let lastTenth = -1;
  return (progress: ImportProgress) => {
    const share = progress.total > 0 ? progress.done / progress.total : 1;
    const line =
      progress.phase === 'checking'
        ? `checking the file: ${Math.floor(share * 100)} %`
        : `${progress.phase}: ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')} customers`;
    if (stderr.isTTY) {
      if (line !== lastLine) stderr.write(`\r${line}\u001b[K${share >= 1 ? '\n' : ''}`);
    } else {
      const tenth = Math.floor(share * 10) + { checking: 0, writing: 100, applying: 200 }[progress.phase];
      if (tenth !== lastTenth) stderr.write(`${line}\n`);
      lastTenth = tenth;
    }
    lastLine = line;
  };
}

function describe(report: ImportReport, dryRun: boolean, t: ReturnType<typeof translator>): string {
  const lines: string[] = [];
  if (report.errors.length > 0) {
    lines.push(`Nothing imported: ${report.badRows} of ${report.rows} rows have problems.`);
    for (const error of report.errors) {
      const where = [error.line === null ? null : `line ${error.line}`, error.column].filter(Boolean).join(', ');
      lines.push(`  ${where ? `${where}: ` : ''}${importErrorMessage(error, t)}`);
    }
  } else {
    const verb = dryRun ? 'Would import' : 'Imported';
    lines.push(`${verb} ${report.rows} customers for ${report.period}: ${report.created} new, ${report.updated} updated (tiers from ${report.tiersFrom === 'column' ? 'the tier column' : `the ABC analysis of ${report.tiersFrom}`}).`);
  }
  lines.push(`Customers per tier in ${report.period}${report.errors.length === 0 && dryRun ? ' afterwards' : ''}: ${Object.entries(report.tiers).map(([tier, n]) => `${tier} ${n}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
