import { spawn } from 'node:child_process';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Database } from '../../../db/client.server';
import { diskOutputs, type OutputFiles } from '../../cli/command-io';
import { logger } from '../logger.server';
import { connectionOf, findPgDump, type PostgresConnection } from './pg-dump.server';
import { dumpPgliteCopy, type DumpPhase } from './pglite-dump.server';
import { RowCounter } from './row-counter';

/**
 * What a backup holds, counted from the SQL it wrote (not from a second look
 * at the database, which may have changed meanwhile).
 */
export interface BackupContents {
  /** Rows per table, `schema.table`. */
  tables: Record<string, number>;
  customers: number;
  responses: number;
  emails: number;
}

export interface BackupResult extends BackupContents {
  /** Compressed bytes written. */
  bytes: number;
  /** How long the dump took, from its start to its last byte. */
  dumpMs: number;
  /** PGlite: how long the app's database was held, for the copy of its data folder (the dump runs on the copy). */
  heldMs?: number;
}

/**
 * Options both dumps share. Multi-row INSERTs rather than COPY: PGlite's
 * pg_dump can only write INSERTs, and one restore path for both drivers is
 * worth the larger file; 1,000 rows per statement keep restores quick. No
 * owners or grants, so a backup restores under any role.
 */
const DUMP_OPTIONS = ['--no-owner', '--no-privileges', '--rows-per-insert=1000'];

export interface BackupOptions {
  /** PGlite: told when the data folder is copied (the app is free again), and when the dump starts and ends. */
  onPhase?: (phase: DumpPhase) => void;
}

/**
 * Writes a consistent, gzip-compressed plain-SQL dump of the whole database
 * (every workspace) to `output`, while the app keeps running: pg_dump reads
 * one snapshot (on PGlite, of a copy of the data folder, in a worker thread;
 * the app waits only for the copy). Readable by `gunzip -c FILE | psql` as well as by `restore`.
 */
export async function writeBackup(db: Database, output: Writable, options: BackupOptions = {}): Promise<BackupResult> {
  let bytes = 0;
  const countBytes = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const started = performance.now();
  const connection = connectionOf(db);
  if (connection.driver === 'pglite') {
    // Counted and compressed in the dump's worker thread: the app passes on gzip bytes.
    const dump = await dumpPgliteCopy(connection.client, DUMP_OPTIONS, options.onPhase);
    logger().info({ job: 'backup', heldMs: Math.round(dump.heldMs) }, 'backup: data folder copied; the copy is dumped in a worker thread');
    try {
      await pipeline(dump.compressed, countBytes, output);
      const tables = await dump.tables;
      return { ...contentsOf(tables), bytes, dumpMs: performance.now() - started, heldMs: dump.heldMs };
    } finally {
      await dump.stop();
    }
  }
  const counter = new RowCounter();
  let dumpMs = 0;
  const dump = await spawnPgDump(connection);
  const finished = dump.done.then(() => {
    dumpMs = performance.now() - started;
  });
  await Promise.all([pipeline(dump.stdout, counter, createGzip({ level: 6 }), countBytes, output), finished]);
  return { ...contentsOf(counter.tables()), bytes, dumpMs };
}

/**
 * Writes a backup to FILE: first to FILE.partial, renamed when complete, so a
 * failed or interrupted backup never looks like a good one. `outputs` is the
 * disk, or the command line's disk when the running app writes the backup
 * for it (the bytes stream back over the command socket).
 */
export async function writeBackupFile(
  db: Database,
  file: string,
  outputs: OutputFiles = diskOutputs,
  options: BackupOptions = {},
): Promise<BackupResult & { file: string }> {
  const output = await outputs.create(file);
  try {
    const result = await writeBackup(db, output.stream, options);
    return { ...result, file: await output.commit() };
  } catch (error) {
    await output.abort();
    throw error;
  }
}

/** `wouldmiss-2026-12-06T120501Z.sql.gz`: sorts by time, and says what it is. */
export function backupFileName(at: Date = new Date()): string {
  return `wouldmiss-${at.toISOString().slice(0, 19).replaceAll(':', '')}Z.sql.gz`;
}

async function spawnPgDump(connection: PostgresConnection): Promise<{ stdout: Readable; done: Promise<void> }> {
  const binary = await findPgDump(connection);
  // The connection goes in the environment: a password on the command line could be read in `ps`.
  const child = spawn(binary, [...DUMP_OPTIONS, '--inserts'], {
    env: { ...process.env, ...connection.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump failed (exit code ${code}): ${stderr.trim()}`))));
  });
  return { stdout: child.stdout, done };
}

/** What a backup holds, from the rows counted per table. */
function contentsOf(tables: Record<string, number>): BackupContents {
  return { tables, customers: tables['public.customers'] ?? 0, responses: tables['public.responses'] ?? 0, emails: tables['public.email_messages'] ?? 0 };
}
