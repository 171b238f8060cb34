// Runs in a worker thread (app/ops/backup/pglite-dump.server.ts starts it):
// opens a copy of the embedded database's data folder in memory and runs
// pglite-tools' pg_dump against it. pg_dump in WebAssembly holds the thread
// it runs on from start to end; here that is this worker, not the app.
//
// Plain JavaScript, so that it starts the same way under tsx, vitest and
// `node` alone, without a TypeScript loader in the worker.
//
// Messages in:  { kind: 'start', dataDir: string } (a copied folder on disk)
//               or { kind: 'start', tarball: ArrayBuffer } (dumpDataDir's), with args: string[]; then
//               { kind: 'more' } each time the app wants the next chunk.
// Messages out: { kind: 'dumping' }, { kind: 'dumped', bytes },
//               { kind: 'chunk', bytes: ArrayBuffer } (transferred),
//               { kind: 'end' }, or { kind: 'error', message }.
import { parentPort } from 'node:worker_threads';

const CHUNK_BYTES = 1 << 20;

let dump = null;
let offset = 0;
let wanted = 0;

parentPort.on('message', (message) => {
  if (message.kind === 'start') {
    run(message).catch((error) => parentPort.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) }));
  } else if (message.kind === 'more') {
    wanted++;
    pump();
  }
});

async function run({ dataDir, tarball, args }) {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pgDump } = await import('@electric-sql/pglite-tools/pg_dump');
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
  dump = new Uint8Array(await file.arrayBuffer());
  parentPort.postMessage({ kind: 'dumped', bytes: dump.length });
  pump();
}

/** Sends a chunk for each one the app asked for: it never holds more than it can write. */
function pump() {
  while (dump !== null && wanted > 0) {
    wanted--;
    if (offset >= dump.length) {
      parentPort.postMessage({ kind: 'end' });
      dump = null;
      return;
    }
    const chunk = dump.slice(offset, offset + CHUNK_BYTES);
    offset += chunk.length;
    parentPort.postMessage({ kind: 'chunk', bytes: chunk.buffer }, [chunk.buffer]);
  }
}
