import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';

/** A backup of the embedded database that failed in its worker, or was cut off; its message is for the command line as it is. */
export class BackupDumpError extends Error {}

/** Where a dump of the embedded database is: the app is free again after `copied`. */
export type DumpPhase = 'copied' | 'dumping' | 'dumped';

export interface PgliteDump {
  /** The dump's SQL, as UTF-8 bytes, 1 MB a chunk, read from the worker as the reader wants it. */
  text: Readable;
  /** How long the app's database was held: the copy of its data folder. */
  heldMs: number;
  /** Ends the worker (after the dump, or when the backup is given up). */
  stop(): Promise<void>;
}

type WorkerMessage =
  | { kind: 'dumping' }
  | { kind: 'dumped'; bytes: number }
  | { kind: 'chunk'; bytes: ArrayBuffer }
  | { kind: 'end' }
  | { kind: 'error'; message: string };

const running = new Set<(reason: string) => void>();

/**
 * Dumps the embedded database without holding it for the dump (decision
 * 0033, issue 17): PGlite copies its data folder as a tarball (the app's
 * queries wait only for that), and a worker thread opens the copy in memory
 * and runs pglite-tools' pg_dump on it, which holds the thread it runs on from
 * start to end. The worker is ended when the dump has been read, when the
 * reader gives up, and by `stopPgliteDumps` when the app stops.
 */
export async function dumpPgliteCopy(client: PGlite, args: string[], onPhase?: (phase: DumpPhase) => void): Promise<PgliteDump> {
  const started = performance.now();
  // Uncompressed: gzip would hold the app for longer than the copy itself, and the tarball only travels to the worker.
  const tarball = await (await client.dumpDataDir('none')).arrayBuffer();
  const heldMs = performance.now() - started;
  onPhase?.('copied');
  if (closedWith !== null) throw new BackupDumpError(closedWith);

  const worker = new Worker(new URL('./dump-worker.mjs', import.meta.url));
  let failure: string | null = null;
  let ended = false;
  const text = new Readable({
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
    text.destroy(new BackupDumpError(failure));
  };
  const cutOff = (reason: string) => fail(reason);
  running.add(cutOff);
  const stop = async () => {
    running.delete(cutOff);
    await worker.terminate();
  };

  worker.on('message', (message: WorkerMessage) => {
    switch (message.kind) {
      case 'dumping':
      case 'dumped':
        onPhase?.(message.kind);
        break;
      case 'chunk':
        text.push(Buffer.from(message.bytes));
        break;
      case 'end':
        ended = true;
        text.push(null);
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
  worker.postMessage({ kind: 'start', dataDir: tarball, args }, [tarball]);
  return { text, heldMs, stop };
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
