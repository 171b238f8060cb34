/**
 * `npm run bench:import-embedded`: how long a customer import on the
 * embedded database (PGlite, one connection) makes other queries wait, in
 * the app's own process as an upload or a handed-over command runs it. A
 * probe query (a customer looked up by id, as a survey page does) is sent
 * every 10 ms while N customers are imported: as the import now writes
 * (batches into a staging table, then applied in short transactions of 250
 * rows with an undo record; decisions 0033 and 0037), staged but applied in
 * one transaction (decision 0033 alone), and in one transaction as on
 * PostgreSQL (one pass that checks and writes, decision 0041; before that
 * decision, a second pass inside one transaction). `--apply-batch` sets the
 * rows per short transaction.
 * Prints p50/p95/max of the probe's
 * wait for the database and from when it was due to its answer (which adds
 * the event loop's work on the file), and the import's wall time.
 *
 *   npm run bench:import-embedded [-- --rows 10000] [--apply-batch 250] [--modes short,staged,one]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { importCustomers } from '../../app/customers/import.server';
import { openDatabase, selectRows, type Database } from '../../db/client.server';
import { generatedCsv, memorySource } from '../support/customer-fixtures';
import { createWorkspaceWithOwner } from '../support/fixtures';
import { machine, printTable } from './support';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '10000' }, 'apply-batch': { type: 'string' }, modes: { type: 'string', default: 'short,staged,one' } },
});
const rows = Number(values.rows);
const applyBatch = values['apply-batch'] === undefined ? undefined : Number(values['apply-batch']);
const MODES = {
  short: { label: 'staged, applied in short transactions', options: { staged: true, applyBatch } },
  staged: { label: 'staged, applied in one transaction', options: { staged: true, applyBatch: 0 } },
  one: { label: 'one transaction', options: { staged: false } },
} as const;
const modes = values.modes.split(',') as Array<keyof typeof MODES>;
for (const mode of modes) if (!(mode in MODES)) throw new Error(`Unknown mode ${mode}: short, staged or one.`);

const folder = await mkdtemp(path.join(tmpdir(), 'wouldmiss-bench-import-embedded-'));
const handle = await openDatabase({ driver: 'pglite', dataDir: path.join(folder, 'data') });
const { db } = handle;

/**
 * Probes every 10 ms until stopped. `database`: each probe's wait for its
 * query; `total`: from when it was due (10 ms after the last one) to its
 * answer, so also the time the event loop was busy with the import's own
 * work (reading and checking the file), as a request would feel it.
 */
function probe(db: Database, customerId: string) {
  const database: number[] = [];
  const total: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const due = performance.now() + 10;
      await new Promise((resolve) => setTimeout(resolve, 10));
      const start = performance.now();
      await selectRows(db, sql`select id, email, locale from customers where id = ${customerId}`);
      const end = performance.now();
      database.push(end - start);
      total.push(end - due);
    }
  })();
  return { stop: async () => ((running = false), await done, { database, total }) };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

try {
  const results: Array<{ what: string; figure: string }> = [];
  for (const mode of modes) {
    const owner = await createWorkspaceWithOwner(db, `Bench ${mode}`);
    const [known] = await selectRows<{ id: string }>(db, sql`select id from customers limit 1`);
    const csv = generatedCsv(rows, { prefix: mode.toUpperCase() });
    const target = { workspaceId: owner.workspaceId, period: '2026-Q4', tiersBy: 'auto' as const };
    const probing = probe(db, known?.id ?? '00000000-0000-0000-0000-000000000000');
    const started = performance.now();
    const cpu = process.cpuUsage();
    const report = await importCustomers(db, target, memorySource(csv, 256 * 1024), MODES[mode].options);
    const cpuSeconds = (() => {
      const used = process.cpuUsage(cpu);
      return (used.user + used.system) / 1e6;
    })();
    const seconds = (performance.now() - started) / 1000;
    const { database, total } = await probing.stop();
    if (!report.imported) throw new Error(JSON.stringify(report.errors));
    const figures = (waits: number[]) => {
      const sorted = [...waits].sort((a, b) => a - b);
      return `p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p95 ${quantile(sorted, 0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`;
    };
    const label = MODES[mode].label;
    results.push({
      what: `${rows.toLocaleString('en')} customers, ${label}: wait for the database`,
      figure: `${figures(database)} (${database.length} probes); import ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU of the process`,
    });
    results.push({ what: `${rows.toLocaleString('en')} customers, ${label}: from due to answer`, figure: figures(total) });
  }
  console.log(machine());
  printTable(results);
} finally {
  await handle.close();
  await rm(folder, { recursive: true, force: true });
}
