// Runs in a worker thread (app/ops/backup/pglite-dump.server.ts starts it):
// opens a copy of the embedded database's data folder in memory, runs
// pglite-tools' pg_dump against it, and counts the rows of the dump and
// compresses it here too. pg_dump in WebAssembly holds the thread it runs on
// from start to end; here that is this worker, not the app, and the app's
// thread only passes on compressed bytes (about a tenth of the SQL).
//
// Plain JavaScript, so that it starts the same way under tsx, vitest and
// `node` alone; the row counter (TypeScript, shared with the PostgreSQL
// backup) is loaded through tsx's API.
//
// Messages in:  { kind: 'start', dataDir: string } (a copied folder on disk)
//               or { kind: 'start', tarball: ArrayBuffer } (dumpDataDir's), with args: string[]; then
//               { kind: 'more' } each time the app wants the next chunk.
// Messages out: { kind: 'dumping' }, { kind: 'dumped', bytes },
//               { kind: 'chunk', bytes: ArrayBuffer } (gzip, transferred),
//               { kind: 'counted', tables: Record<string, number> } after the last chunk,
//               { kind: 'end' }, or { kind: 'error', message }.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parentPort } from 'node:worker_threads';
import { createGzip } from 'node:zlib';
import { tsImport } from 'tsx/esm/api';

const SLICE_BYTES = 1 << 20;

/** Chunks the app asked for and has not had yet. */
let wanted = 0;
/** Resolves when the app wants the next chunk. */
let onWanted = null;

parentPort.on('message', (message) => {
  if (message.kind === 'start') {
    run(message).catch((error) => parentPort.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) }));
  } else if (message.kind === 'more') {
    wanted++;
    onWanted?.();
    onWanted = null;
  }
});

async function run({ dataDir, tarball, args }) {
  const [{ PGlite }, { pgDump }, { RowCounter }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-tools/pg_dump'),
    tsImport('./row-counter.ts', import.meta.url),
  ]);
  // The folder was copied while the app ran on; opening it replays the
  // write-ahead log as after a crash, so it holds exactly what was committed
  // at the moment of the copy.
  const pg = dataDir ? await PGlite.create(dataDir) : await PGlite.create({ loadDataDir: new Blob([tarball], { type: 'application/x-tar' }) });
  parentPort.postMessage({ kind: 'dumping' });
  let file;
  try {
    file = await pgDump({ pg, args });
  } finally {
    await pg.close().catch(() => {});
  }
  parentPort.postMessage({ kind: 'dumped', bytes: file.size });

  // The dump is read in slices of the file pg_dump returned (no second copy
  // of it), counted and compressed as it goes, and sent one chunk for each
  // one the app asked for, so neither side holds more than it can write.
  const counter = new RowCounter();
  const send = new Writable({
    write(chunk, _encoding, done) {
      const bytes = new Uint8Array(chunk.length);
      bytes.set(chunk);
      whenWanted().then(() => {
        wanted--;
        parentPort.postMessage({ kind: 'chunk', bytes: bytes.buffer }, [bytes.buffer]);
        done();
      });
    },
  });
  await pipeline(slices(file), counter, createGzip({ level: 6 }), send);
  parentPort.postMessage({ kind: 'counted', tables: counter.tables() });
  await whenWanted();
  parentPort.postMessage({ kind: 'end' });
}

/** The file's bytes, a slice at a time. */
function slices(file) {
  let offset = 0;
  return new Readable({
    async read() {
      if (offset >= file.size) {
        this.push(null);
        return;
      }
      const slice = file.slice(offset, offset + SLICE_BYTES);
      offset += SLICE_BYTES;
      this.push(Buffer.from(await slice.arrayBuffer()));
    },
  });
}

function whenWanted() {
  return wanted > 0 ? Promise.resolve() : new Promise((resolve) => (onWanted = resolve));
}
