import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';

/** A backup of the embedded database that failed in its worker, or was cut off; its message is for the command line as it is. */
export class BackupDumpError extends Error {}

/** Where a dump of the embedded database is: the app is free again after `copied`. */
export type DumpPhase = 'copied' | 'dumping' | 'dumped';

export interface PgliteDump {
  /** The dump's SQL, gzip-compressed in the worker, read from it a chunk at a time as the reader wants it. */
  compressed: Readable;
  /** Rows per table (`schema.table`), counted in the worker; settles once `compressed` has ended. */
  tables: Promise<Record<string, number>>;
  /** How long the app's database was held: the copy of its data folder. */
  heldMs: number;
  /** Ends the worker (after the dump, or when the backup is given up). */
  stop(): Promise<void>;
}

type WorkerMessage =
  | { kind: 'dumping' }
  | { kind: 'dumped'; bytes: number }
  | { kind: 'chunk'; bytes: ArrayBuffer }
  | { kind: 'counted'; tables: Record<string, number> }
  | { kind: 'end' }
  | { kind: 'error'; message: string };

const running = new Set<(reason: string) => void>();

/**
 * Dumps the embedded database without holding it for the dump (decision
 * 0033): its data folder is copied (the app's queries wait only for that),
 * and a worker thread opens the copy and runs pglite-tools' pg_dump on it, which holds the thread it runs on from
 * start to end; the worker also counts the dump's rows and compresses it, so
 * the app's thread only passes on gzip bytes. The worker is ended when the dump has been read, when the
 * reader gives up, and by `stopPgliteDumps` when the app stops.
 */
export async function dumpPgliteCopy(client: PGlite, args: string[], onPhase?: (phase: DumpPhase) => void): Promise<PgliteDump> {
  const started = performance.now();
  const copy = await copyDataFolder(client);
  const heldMs = performance.now() - started;
  onPhase?.('copied');
  if (closedWith !== null) {
    await copy.remove();
    throw new BackupDumpError(closedWith);
  }

  const worker = new Worker(new URL('./dump-worker.mjs', import.meta.url));
  let failure: string | null = null;
  let ended = false;
  let counted: (tables: Record<string, number>) => void = () => {};
  let notCounted: (error: Error) => void = () => {};
  const tables = new Promise<Record<string, number>>((resolve, reject) => {
    counted = resolve;
    notCounted = reject;
  });
  // Awaited only after the dump has been read; a failure is reported by `compressed`.
  tables.catch(() => {});
  const compressed = new Readable({
    read() {
      worker.postMessage({ kind: 'more' });
    },
    destroy(error, done) {
      void stop();
      done(error);
    },
  });
  const fail = (message: string) => {
    if (ended) return;
    ended = true;
    failure ??= message;
    notCounted(new BackupDumpError(failure));
    compressed.destroy(new BackupDumpError(failure));
  };
  const cutOff = (reason: string) => fail(reason);
  running.add(cutOff);
  const stop = async () => {
    running.delete(cutOff);
    await worker.terminate();
    await copy.remove();
  };

  worker.on('message', (message: WorkerMessage) => {
    switch (message.kind) {
      case 'dumping':
      case 'dumped':
        onPhase?.(message.kind);
        break;
      case 'chunk':
        compressed.push(Buffer.from(message.bytes));
        break;
      case 'counted':
        counted(message.tables);
        break;
      case 'end':
        ended = true;
        compressed.push(null);
        void stop();
        break;
      case 'error':
        fail(`The dump of the embedded database failed: ${message.message}`);
        void stop();
        break;
    }
  });
  worker.on('error', (error) => fail(`The dump of the embedded database failed: ${error.message}`));
  worker.on('exit', (code) => fail(`The dump of the embedded database stopped early (worker exit code ${code}).`));
  worker.postMessage({ kind: 'start', ...copy.source, args }, 'tarball' in copy.source ? [copy.source.tarball] : []);
  return { compressed, tables, heldMs, stop };
}

/** Folders copied for dumps in progress in this process (a leftover of a stopped one is removed by the next). */
const copies = new Set<string>();

/**
 * The data folder as it is at one moment. On disk, its files are copied
 * beside it while PGlite's query queue is held (the database does nothing
 * meanwhile, and this process's event loop stays free, as the copy is
 * asynchronous file I/O). In memory (tests), PGlite's `dumpDataDir()`
 * tarball, which it builds synchronously: much slower per byte, and it holds
 * the event loop for the whole copy. Either way the copy is what a crash at
 * that moment would have left, and opening it replays the write-ahead log.
 */
async function copyDataFolder(client: PGlite): Promise<{ source: { dataDir: string } | { tarball: ArrayBuffer }; remove(): Promise<void> }> {
  const option = (client as unknown as { dataDir?: string }).dataDir;
  const onDisk = typeof option === 'string' && (option.startsWith('file://') || !option.includes('://'));
  if (!onDisk) {
    // Uncompressed: gzip would hold the app for longer than the copy itself, and the tarball only travels to the worker.
    const tarball = await (await client.dumpDataDir('none')).arrayBuffer();
    return { source: { tarball }, remove: async () => {} };
  }
  const folder = path.resolve(option.replace(/^file:\/\//, ''));
  const prefix = `.${path.basename(folder)}.backup-`;
  for (const name of await fs.readdir(path.dirname(folder))) {
    const leftover = path.join(path.dirname(folder), name);
    if (name.startsWith(prefix) && !copies.has(leftover)) await fs.rm(leftover, { recursive: true, force: true });
  }
  const copy = path.join(path.dirname(folder), `${prefix}${randomBytes(6).toString('hex')}`);
  copies.add(copy);
  const remove = async () => {
    await fs.rm(copy, { recursive: true, force: true });
    copies.delete(copy);
  };
  const queue = (client as unknown as { _runExclusiveQuery?: <T>(work: () => Promise<T>) => Promise<T> })._runExclusiveQuery;
  if (typeof queue !== 'function') throw new BackupDumpError('This PGlite version lacks the query queue a backup holds for its copy; check the backup code after upgrading PGlite.');
  try {
    await queue.call(client, () => fs.cp(folder, copy, { recursive: true, errorOnExist: true, force: false }));
  } catch (error) {
    await remove();
    throw error;
  }
  return { source: { dataDir: copy }, remove };
}

const STOPPING = 'The app is stopping; the backup was cut off. Start it again when the app is running.';
let closedWith: string | null = null;

/** Ends every dump in progress: their backups fail with `reason` and leave no file. */
export function stopPgliteDumps(reason = STOPPING): void {
  for (const cutOff of [...running]) cutOff(reason);
}

/** The app is stopping: ends the dumps in progress, and those whose copy is still being taken fail before their worker starts. */
export function closePgliteDumps(): void {
  closedWith = STOPPING;
  stopPgliteDumps(STOPPING);
}
