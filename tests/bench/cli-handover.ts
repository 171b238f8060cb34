/**
 * `npm run bench:cli-handover`: survey pages while the running app carries
 * out a long command for the command line (decision 0023). The built app on
 * a fresh PGlite data folder with the demo workspace; its survey links come
 * from `npm run cli -- outbox --json`, itself handed to the app. Survey pages
 * are opened at a steady rate (tests/bench/http-load.ts, paced) first with
 * nothing else running, then while `import:customers` of a generated CSV
 * (100,000 customers by default) runs through the app. Prints p50/p95/p99 of
 * both and the import's wall time. With --backup, survey pages again while
 * `backup FILE` runs through the app (after the import, so the data set is
 * the demo plus the imported customers; --rows 0 for the demo alone), from
 * the command's start for --backup-seconds (default 30, to cover the command
 * line's start, the dump and the transfer; the load stops when the command
 * ends). With --large the data folder gets the large data set's rows as well
 * before the app starts (tests/bench/large-pglite.ts: --customers 50000,
 * --responses 250000; no import unless --rows is given), so that the backup
 * is of that size. The backup's line also says how long the app was held
 * (the copy of its data folder), the file's size, and the app's peak memory
 * (resident set, sampled) before and during the backup. Run `npm run build`
 * first.
 *
 *   npm run bench:cli-handover [-- --rows 100000 --rate 100 --seconds 8 --backup]
 *   npm run bench:cli-handover -- --large --backup --backup-seconds 600
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/client.server';
import { ensureDemoWorkspace } from '../../db/seed/demo.server';
import { paced, type LoadResult } from './http-load';
import { loadLargeIntoPglite } from './large-pglite';
import { freePort, machine, printTable } from './support';

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '8' },
    backup: { type: 'boolean', default: false },
    'backup-seconds': { type: 'string', default: '30' },
    large: { type: 'boolean', default: false },
    customers: { type: 'string', default: '50000' },
    responses: { type: 'string', default: '250000' },
  },
});
const rows = Number(values.rows ?? (values.large ? 0 : 100_000));
const rate = Number(values.rate);
const seconds = Number(values.seconds);

const folder = await mkdtemp(path.join(tmpdir(), 'wouldmiss-bench-handover-'));
const env = { ...process.env, DATABASE_URL: '', DATA_DIR: path.join(folder, 'data'), LOG_LEVEL: 'warn' };
delete (env as Record<string, string | undefined>).DATABASE_URL;

function cli(argv: string[], onStderr?: (text: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', ...argv], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      onStderr?.(chunk);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The resident set of a process now and at its peak so far, in MB (Linux /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

let dataSet = 'demo';
if (values.large) {
  const started = performance.now();
  const handle = await openDatabase({ driver: 'pglite', dataDir: env.DATA_DIR });
  try {
    await ensureDemoWorkspace(handle.db);
    const large = await loadLargeIntoPglite(handle, { customers: Number(values.customers), responses: Number(values.responses), log: (line) => console.error(`  ${line}`) });
    dataSet = `demo + ${Number(values.customers).toLocaleString('en')} customers, ${large.responses.toLocaleString('en')} responses`;
  } finally {
    await handle.close();
  }
  console.error(`large data set in PGlite: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['--import', 'tsx', 'app/server.ts'], {
  env: { ...env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', APP_URL: base, DEMO_SEED: 'true', RUN_WORKER: 'false' },
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
try {
  await new Promise<void>((resolve, reject) => {
    let output = '';
    server.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Wouldmiss is ready')) resolve();
    });
    server.once('exit', () => reject(new Error(`the app stopped:\n${output}`)));
  });
  const outbox = await cli(['outbox', '--json', '--limit', '5000']);
  if (outbox.code !== 0) throw new Error(outbox.stderr);
  const links = outbox.stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { link: string | null }).link)
    .filter((link): link is string => link !== null && link.includes('/s/'))
    .map((link) => new URL(link).pathname);
  if (links.length === 0) throw new Error('the demo outbox has no survey links');
  let next = 0;
  const visit = () => [{ method: 'GET' as const, path: links[next++ % links.length]! }];
  const serverPid = server.pid;

  const quiet = await paced('survey pages, nothing else running', base, visit, { clients: 20, rate, seconds, serverPid });

  /** Survey pages from the moment the command prints its first line, for `seconds`; and the command's wall time. */
  async function during(title: string, argv: string[], window?: number): Promise<{ load: LoadResult; seconds: number; run: Awaited<ReturnType<typeof cli>> }> {
    let started!: () => void;
    const commandStarted = new Promise<void>((resolve) => (started = resolve));
    const start = performance.now();
    let ended = false;
    const running = cli(argv, () => started()).finally(() => (ended = true));
    // A command that prints nothing until it is done (backup) is measured from its start, over a window that covers it, until it ends.
    if (window === undefined) await commandStarted;
    const load = paced(title, base, visit, { clients: 20, rate, seconds: window ?? seconds, serverPid, stopWhen: window === undefined ? undefined : () => ended });
    const run = await running;
    const wall = (performance.now() - start) / 1000;
    if (run.code !== 0) throw new Error(run.stderr);
    return { load: await load, seconds: wall, run };
  }

  const results: Array<{ what: string; figure: string }> = [];
  const describe = (result: LoadResult) => `p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms (${result.total} at ${rate}/s, ${result.statuses}, load ${result.load.toFixed(1)})`;
  results.push({ what: quiet.title, figure: describe(quiet) });
  if (rows > 0) {
    const file = path.join(folder, 'customers.csv');
    const lines = ['external_id,email,name,tier,revenue'];
    for (let i = 1; i <= rows; i++) lines.push(`BENCH-${i},bench${i}@example.com,Person ${i},B,${i * 10}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    const imported = await during(`survey pages during import:customers of ${rows.toLocaleString('en')} rows`, ['import:customers', file, '--workspace', 'muster-beratung', '--period', '2027-Q1', '--json']);
    results.push({ what: imported.load.title, figure: describe(imported.load) });
    results.push({ what: 'import:customers through the app (wall time, from the command line)', figure: `${imported.seconds.toFixed(1)} s${imported.seconds > seconds + 2 ? '' : ' (shorter than the load window: raise --rows)'}` });
  }
  if (values.backup) {
    const file = path.join(folder, 'backup.sql.gz');
    const before = memoryOf(serverPid!);
    let peakRss = before.rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, memoryOf(serverPid!).rss)), 100);
    const backedUp = await during(`survey pages during backup (${dataSet}${rows > 0 ? ` + ${rows.toLocaleString('en')} imported customers` : ''})`, ['backup', file], Number(values['backup-seconds']));
    clearInterval(sampler);
    const after = memoryOf(serverPid!);
    const held = /held ([0-9.]+) s/.exec(backedUp.run.stderr)?.[1];
    results.push({ what: backedUp.load.title, figure: describe(backedUp.load) });
    results.push({ what: 'backup through the app (wall time, from the command line)', figure: `${backedUp.seconds.toFixed(1)} s; ${backedUp.run.stderr.trim()}` });
    results.push({
      what: 'backup: app held (copy of the data folder), file, app memory',
      figure:
        `held ${held ?? '?'} s; ${(statSync(file).size / 1e6).toFixed(1)} MB; ` +
        `RSS ${before.rss.toFixed(0)} MB before, peak ${Math.max(peakRss, after.rss).toFixed(0)} MB during (VmHWM ${before.peak.toFixed(0)} → ${after.peak.toFixed(0)} MB); load ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`,
    });
  }
  console.log(machine());
  printTable(results);
} finally {
  try {
    process.kill(-server.pid!, 'SIGTERM');
  } catch {
    // Gone already.
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await rm(folder, { recursive: true, force: true });
}
