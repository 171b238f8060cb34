import { spawn } from 'node:child_process';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGzip } from 'node:zlib';
import type { Database } from '../../../db/client.server';
import { diskOutputs, type OutputFiles } from '../../cli/command-io';
import { logger } from '../logger.server';
import { connectionOf, findPgDump, type PostgresConnection } from './pg-dump.server';
import { dumpPgliteCopy, type DumpPhase } from './pglite-dump.server';
import { SqlDumpReader } from './sql-dump';

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
  const counter = new RowCounter();
  let bytes = 0;
  const countBytes = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // A chunk may end inside a character; the decoder keeps its first bytes for the next one.
  const decoder = new StringDecoder('utf8');
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.write(decoder.write(chunk));
      done(null, chunk);
    },
    flush(done) {
      counter.write(decoder.end());
      counter.end();
      done();
    },
  });
  const started = performance.now();
  let dumpMs = 0;
  let heldMs: number | undefined;
  let source: Readable;
  let finished: Promise<void> = Promise.resolve();
  let stop = async () => {};
  const connection = connectionOf(db);
  if (connection.driver === 'pglite') {
    const dump = await dumpPgliteCopy(connection.client, DUMP_OPTIONS, options.onPhase);
    heldMs = dump.heldMs;
    logger().info({ job: 'backup', heldMs: Math.round(heldMs) }, 'backup: data folder copied; the copy is dumped in a worker thread');
    source = dump.text;
    stop = dump.stop;
    source.once('end', () => (dumpMs = performance.now() - started));
  } else {
    const dump = await spawnPgDump(connection);
    source = dump.stdout;
    finished = dump.done.then(() => {
      dumpMs = performance.now() - started;
    });
  }
  try {
    await Promise.all([pipeline(source, count, createGzip({ level: 6 }), countBytes, output), finished]);
  } finally {
    await stop();
  }
  return { ...counter.contents(), bytes, dumpMs, ...(heldMs === undefined ? {} : { heldMs }) };
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

/** Counts the rows of every INSERT in a dump as its text streams past. */
export class RowCounter {
  private readonly reader = new SqlDumpReader();
  private rest = '';
  private readonly tables: Record<string, number> = {};

  write(text: string): void {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop()!;
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.rest) this.line(this.rest);
    this.rest = '';
  }

  contents(): BackupContents {
    const t = this.tables;
    return { tables: { ...t }, customers: t['public.customers'] ?? 0, responses: t['public.responses'] ?? 0, emails: t['public.email_messages'] ?? 0 };
  }

  private line(line: string): void {
    for (const item of this.reader.line(line)) {
      if (item.kind === 'statement' && item.insertInto) this.tables[item.insertInto] = (this.tables[item.insertInto] ?? 0) + item.rows;
    }
  }
}
