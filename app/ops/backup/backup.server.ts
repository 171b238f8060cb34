import { spawn } from 'node:child_process';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import type { Database } from '../../../db/client.server';
import { diskOutputs, type OutputFiles } from '../../cli/command-io';
import { connectionOf, findPgDump, type PostgresConnection } from './pg-dump.server';
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
  /** How long the database was held for the dump (PGlite: the whole app waits meanwhile). */
  dumpMs: number;
}

/**
 * Options both dumps share. Multi-row INSERTs rather than COPY: PGlite's
 * pg_dump can only write INSERTs, and one restore path for both drivers is
 * worth the larger file; 1,000 rows per statement keep restores quick. No
 * owners or grants, so a backup restores under any role.
 */
const DUMP_OPTIONS = ['--no-owner', '--no-privileges', '--rows-per-insert=1000'];

/**
 * Writes a consistent, gzip-compressed plain-SQL dump of the whole database
 * (every workspace) to `output`, while the app keeps running: pg_dump reads
 * one snapshot. Readable by `gunzip -c FILE | psql` as well as by `restore`.
 */
export async function writeBackup(db: Database, output: Writable): Promise<BackupResult> {
  const counter = new RowCounter();
  let bytes = 0;
  const countBytes = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const count = new Transform({
    decodeStrings: false,
    transform(chunk: Buffer | string, _encoding, done) {
      counter.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done(null, chunk);
    },
    flush(done) {
      counter.end();
      done();
    },
  });
  let dumpMs = 0;
  let source: Readable;
  let finished: Promise<void> = Promise.resolve();
  const connection = connectionOf(db);
  if (connection.driver === 'pglite') {
    const started = performance.now();
    const text = await dumpPglite(connection.client);
    dumpMs = performance.now() - started;
    source = Readable.from(slices(text, 1 << 20));
  } else {
    const started = performance.now();
    const dump = await spawnPgDump(connection);
    source = dump.stdout;
    finished = dump.done.then(() => {
      dumpMs = performance.now() - started;
    });
  }
  await Promise.all([pipeline(source, count, createGzip({ level: 6 }), countBytes, output), finished]);
  return { ...counter.contents(), bytes, dumpMs };
}

/**
 * Writes a backup to FILE: first to FILE.partial, renamed when complete, so a
 * failed or interrupted backup never looks like a good one. `outputs` is the
 * disk, or the command line's disk when the running app writes the backup
 * for it (the bytes stream back over the command socket).
 */
export async function writeBackupFile(db: Database, file: string, outputs: OutputFiles = diskOutputs): Promise<BackupResult & { file: string }> {
  const output = await outputs.create(file);
  try {
    const result = await writeBackup(db, output.stream);
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

function* slices(text: string, size: number): Generator<string> {
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}

/**
 * PGlite's pg_dump speaks to the instance over its wire protocol directly,
 * past PGlite's queue, and runs synchronously once started. Run as it is, it
 * could land inside an app transaction that is waiting on a query. So it
 * runs while this process holds PGlite's transaction and query queues
 * (the same ones `pg.transaction` and `pg.query` take): app queries wait for
 * the dump and then run, none runs inside it. pgDump's own housekeeping
 * queries (read the search_path, reset it and prepared statements after)
 * would wait on those queues too, so they are answered here instead.
 */
async function dumpPglite(client: PGlite): Promise<string> {
  const { pgDump } = await import('@electric-sql/pglite-tools/pg_dump');
  const queues = client as unknown as {
    _runExclusiveTransaction?: <T>(work: () => Promise<T>) => Promise<T>;
    _runExclusiveQuery?: <T>(work: () => Promise<T>) => Promise<T>;
  };
  if (typeof queues._runExclusiveTransaction !== 'function' || typeof queues._runExclusiveQuery !== 'function') {
    throw new Error('This PGlite version lacks the queues a backup waits on; check the backup code after upgrading PGlite.');
  }
  const [row] = (await client.query<{ search_path: string }>('show search_path')).rows;
  const searchPath = row?.search_path ?? 'public';
  const view = {
    query: async () => ({ rows: [{ search_path: searchPath }] }),
    // Its DEALLOCATE ALL and search_path reset: the reset below does both, before the queues open again.
    exec: async () => [],
    execProtocolRawStream: client.execProtocolRawStream.bind(client),
  };
  const file = await queues._runExclusiveTransaction(() =>
    queues._runExclusiveQuery!(async () => {
      if (client.isInTransaction()) throw new Error('A transaction is open on the embedded database; try the backup again.');
      try {
        return await pgDump({ pg: view as unknown as PGlite, args: DUMP_OPTIONS });
      } finally {
        // pg_dump leaves as a server connection would be closed after it: in
        // its read-only snapshot transaction, with its session settings
        // (search_path '', row_security off, …). PGlite's one connection lives
        // on and serves the app next, so it is put back before anyone else
        // gets it.
        await client.execProtocolRawStream(simpleQuery('ROLLBACK; RESET ALL; DEALLOCATE ALL;'), { onRawData: () => {} });
        if (client.isInTransaction()) throw new Error('The embedded database stayed in the backup transaction.');
      }
    }),
  );
  return file.text();
}

/** A simple-protocol Query message ('Q', length, text, NUL). */
function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const message = Buffer.alloc(5 + body.length);
  message.write('Q', 0, 'ascii');
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
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
