import { parseArgs } from 'node:util';
import type { Database } from '../../db/client.server';
import type { OutputFiles } from './command-io';
import { DataDirLockedError } from '../../db/data-dir-lock.server';
import { openConfiguredDatabase } from '../config/database.server';
import { env as loadEnv, type Env } from '../config/env.server';
import { backupFileName, writeBackupFile } from '../ops/backup/backup.server';
import { PgDumpMissingError } from '../ops/backup/pg-dump.server';
import { BackupDumpError } from '../ops/backup/pglite-dump.server';
import { RestoreError } from '../ops/backup/restore.server';
import { restoreFile } from '../ops/backup/targets.server';
import { transferToPostgres } from '../ops/backup/transfer.server';

export interface BackupIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The database; without it the command opens the configured one and closes it when done. */
  openDatabase?: () => Promise<{ db: Database; close(): Promise<void> }>;
  /** Where FILE is written; the disk without it (the command line's disk, through the app, when handed over). */
  outputs?: OutputFiles;
}

/** Why a file cannot be opened for writing: said in one line, not as a failure of the app. */
const CANNOT_WRITE = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'ENOSPC', 'ENAMETOOLONG']);

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `backup [FILE]`: a compressed pg_dump of the whole database, while the app runs. */
export async function runBackup(argv: string[], io: BackupIo): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length > 1) {
    io.stderr.write('Usage: npm run cli -- backup [FILE]\n');
    return 2;
  }
  const file = positionals[0] ?? backupFileName();
  const handle = await (io.openDatabase ?? (() => openConfiguredDatabase(loadEnv())))();
  try {
    const result = await writeBackupFile(handle.db, file, io.outputs);
    io.stdout.write(`${result.file}\n`);
    io.stderr.write(
      `Backup written: ${megabytes(result.bytes)}, ${result.customers} customers, ${result.responses} responses, ${result.emails} emails (dump ${seconds(result.dumpMs)}` +
        `${result.heldMs === undefined ? '' : `; the database was held ${seconds(result.heldMs)} for the copy of its data folder`}).\n`,
    );
    return 0;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof BackupDumpError) {
      io.stderr.write(`Backup failed, no file written: ${error.message}\n`);
      return 1;
    }
    if (error instanceof PgDumpMissingError || code === 'EEXIST') {
      io.stderr.write(`${code === 'EEXIST' ? `${file} (or ${file}.partial) exists already; choose another name.` : (error as Error).message}\n`);
      return 1;
    }
    if (code !== undefined && CANNOT_WRITE.has(code)) {
      io.stderr.write(`${file} cannot be written (${code}).\n`);
      return 1;
    }
    throw error;
  } finally {
    await handle.close();
  }
}

/** `restore FILE [--replace]`: into the configured database, which must be empty unless --replace. */
export async function runRestore(argv: string[], io: BackupIo, env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR'> = loadEnv()): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { replace: { type: 'boolean' } } });
  if (positionals.length !== 1) {
    io.stderr.write('Usage: npm run cli -- restore FILE [--replace]\n');
    return 2;
  }
  const destination = env.DATABASE_URL ? ({ driver: 'postgres', url: env.DATABASE_URL } as const) : ({ driver: 'pglite', dataDir: env.DATA_DIR } as const);
  try {
    const result = await restoreFile(destination, positionals[0]!, { replace: values.replace });
    const t = result.tables;
    io.stderr.write(
      `Restored into ${destination.driver === 'postgres' ? 'PostgreSQL' : `the embedded database in ${env.DATA_DIR}`}: ${t['public.customers'] ?? 0} customers, ${t['public.responses'] ?? 0} responses, ${t['public.email_messages'] ?? 0} emails` +
        `${result.migrationsApplied > 0 ? `; ${result.migrationsApplied} newer migrations applied` : ''}.\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof RestoreError || error instanceof DataDirLockedError) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** `transfer --to postgres://…`: the embedded database into an empty PostgreSQL database, checked. */
export async function runTransfer(argv: string[], io: BackupIo, env: Pick<Env, 'DATA_DIR'> = loadEnv()): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { to: { type: 'string' }, replace: { type: 'boolean' } } });
  const url = values.to ?? '';
  if (!/^postgres(ql)?:\/\//.test(url) || !URL.canParse(url)) {
    io.stderr.write('Usage: npm run cli -- transfer --to postgres://user:password@host:5432/database [--replace]\n');
    return 2;
  }
  try {
    const report = await transferToPostgres({ dataDir: env.DATA_DIR }, { url }, { replace: values.replace, log: (line) => io.stderr.write(`${line}\n`) });
    for (const row of report.tables) {
      io.stdout.write(`${row.source === row.target ? 'same     ' : 'DIFFERENT'}  ${row.table.padEnd(36)} ${String(row.source).padStart(9)} ${String(row.target).padStart(9)}\n`);
    }
    for (const review of report.reviews) {
      io.stdout.write(`${review.same ? 'same     ' : 'DIFFERENT'}  tier review of ${review.workspace} (${review.periods} quarters)\n`);
    }
    if (!report.ok) {
      io.stderr.write('The copy differs from the embedded database (see DIFFERENT above). Keep using the embedded database and report this.\n');
      return 1;
    }
    io.stderr.write(`Transfer checked in ${report.seconds.toFixed(1)} s: every table and every tier review is the same. Start the app with DATABASE_URL=${redacted(url)}.\n`);
    return 0;
  } catch (error) {
    if (error instanceof RestoreError || error instanceof DataDirLockedError) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}
