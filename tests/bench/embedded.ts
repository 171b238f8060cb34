/**
 * `npm run bench:embedded`: the survey and staff benchmarks against the
 * embedded database (PGlite), the default of `npm start` without
 * DATABASE_URL (issue 20).
 *
 *   npm run bench:embedded [-- --sizes demo,large] [--customers 50000] [--responses 250000]
 *     [--seconds 10] [--rate 200] [--import 10000]
 *
 * For each size a fresh data folder is prepared in this process (migrated by
 * the app's own code, then closed) and the built app is started on it the
 * way `npm start` runs it (tests/bench/support.ts, `startBenchServer`, with
 * DATA_DIR and no DATABASE_URL):
 *
 * - demo: the demo workspace as the app creates it on an empty folder;
 * - large: the same, plus the large data set's rows (db/seed/large-rows.ts)
 *   at `--customers` customers and about `--responses` completed responses
 *   over 12 quarters, loaded with COPY (tests/bench/large-pglite.ts): a fast
 *   path for the benchmark's data, which the app then reads as usual.
 *
 * Both get the survey benchmarks' workspace (tests/bench/survey-seed.ts,
 * 5,000 invited customers with links). Then, one after another:
 *
 * - survey pages, 50 clients offering `--rate` per second (paced,
 *   tests/bench/http-load.ts): p95, target < 50 ms;
 * - step submissions, 50 customers offering `--rate` per second, each
 *   answering its five steps in order: p99, target < 150 ms;
 * - the quarterly tier review of the largest workspace (the demo's, or the
 *   large one), 1 and then 4 staff clients in a loop: p95, target < 300 ms;
 * - `npm run cli -- import:customers` of `--import` new customers (10,000),
 *   handed to the running app (decision 0023): wall time, target < 10 s,
 *   beside the wall time of a command that does nothing (`outbox --limit 1`),
 *   which is the command line's own start.
 *
 * Where PGlite's single connection is the limit: for every run the app's
 * /metrics give the share of the wall time its one connection was busy, and
 * /proc the server process's CPU (PGlite runs on the app's own thread).
 * Run `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword } from '../../app/auth/password.server';
import { openDatabase } from '../../db/client.server';
import { memberships, users } from '../../db/schema';
import { ensureDemoWorkspace } from '../../db/seed/demo.server';
import { generatedCsv } from '../support/customer-fixtures';
import { paced, type LoadResult } from './http-load';
import { loadLargeIntoPglite } from './large-pglite';
import { staffCookie, staffLoopFor, type StaffPageResult } from './staff-load';
import { type BenchServer, databaseUsage, machine, processGroupCpuMs, recordFigure, runBench, startBenchServer } from './support';
import { seedSurveyWorkspace, surveyVisits } from './survey-seed';

const { values: options } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'demo,large' },
    customers: { type: 'string', default: '50000' },
    responses: { type: 'string', default: '250000' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    import: { type: 'string', default: '10000' },
  },
});
const SIZES = options.sizes.split(',').map((size) => size.trim());
const CUSTOMERS = Number(options.customers);
const RESPONSES = Number(options.responses);
const SECONDS = Number(options.seconds);
const RATE = Number(options.rate);
const IMPORT_ROWS = Number(options.import);
const CLIENTS = 50;
const INVITATIONS = 5_000;
const METRICS_TOKEN = randomBytes(16).toString('hex');
const OWNER = { email: 'bench-embedded-owner@large.example', password: 'bench-embedded-password-1' };

interface Measured {
  what: string;
  figure: string;
  /** Share of the wall time PGlite's connection was busy; the server process's CPU in cores. */
  busy: number;
  cpu: number;
  load: number;
}

/** Runs `work` and measures the connection's busy share and the server's CPU over it. */
async function measured<T>(server: BenchServer, work: () => Promise<T>): Promise<{ result: T; busy: number; cpu: number; load: number }> {
  const before = await databaseUsage(server.origin, METRICS_TOKEN);
  const cpuBefore = processGroupCpuMs(server.pid);
  const result = await work();
  const after = await databaseUsage(server.origin, METRICS_TOKEN);
  const wallMs = after.at - before.at;
  return {
    result,
    busy: ((after.busySeconds - before.busySeconds) * 1000) / wallMs,
    cpu: (processGroupCpuMs(server.pid) - cpuBefore) / wallMs,
    load: os.loadavg()[0]!,
  };
}

function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', ...argv], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

async function prepare(dataDir: string, size: string): Promise<{ tokens: string[]; owner: { email: string; password: string }; slug: string; customers: number; responses: number }> {
  const handle = await openDatabase({ driver: 'pglite', dataDir });
  try {
    // The demo first: the app creates it only in an empty database.
    const demo = await ensureDemoWorkspace(handle.db);
    const demoOwner = demo.logins.find((login) => login.role === 'owner')!;
    let result = { owner: { email: demoOwner.email, password: demoOwner.password }, slug: 'muster-beratung', customers: 0, responses: 0 };
    if (size === 'large') {
      const started = performance.now();
      const large = await loadLargeIntoPglite(handle, { customers: CUSTOMERS, responses: RESPONSES, log: (line) => console.error(`  ${line}`) });
      console.error(`  large data set in PGlite: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const [user] = await handle.db.insert(users).values({ email: OWNER.email, name: 'Bench Owner', passwordHash: await hashPassword(OWNER.password) }).returning();
      await handle.db.insert(memberships).values({ workspaceId: large.workspaceId, userId: user!.id, role: 'owner' });
      result = { owner: OWNER, slug: large.slug, customers: CUSTOMERS, responses: large.responses };
    }
    const tokens = await seedSurveyWorkspace(handle, INVITATIONS);
    return { tokens, ...result };
  } finally {
    await handle.close();
  }
}

async function runSize(size: string): Promise<Measured[]> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'wouldmiss-bench-embedded-'));
  const dataDir = path.join(folder, 'data');
  const rows: Measured[] = [];
  let server: BenchServer | undefined;
  try {
    const started = performance.now();
    const data = await prepare(dataDir, size);
    console.error(`${size}: data folder prepared in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    server = await startBenchServer({ DATA_DIR: dataDir, DATABASE_URL: '', METRICS_TOKEN });
    const origin = server.origin;
    const label = size === 'large' ? `${(data.customers / 1000).toFixed(0)}k customers, ${(data.responses / 1000).toFixed(0)}k responses` : 'demo';
    const { view, submit } = surveyVisits(data.tokens, origin);
    const load = { clients: CLIENTS, serverPid: server.pid };

    await paced('warm-up', origin, view, { ...load, rate: RATE / 2, seconds: 3 });
    const pages = await measured(server, () => paced(`survey page, ${RATE}/s`, origin, view, { ...load, rate: RATE, seconds: SECONDS }));
    rows.push(loadRow(`${label}: survey page at ${RATE}/s`, pages, 'p95'));
    recordFigure({ key: `embedded.${size}.page.p95`, label: `PGlite, ${label}: survey page p95 at ${RATE}/s`, value: pages.result.p95, unit: 'ms', better: 'lower', target: 50 });

    const posts = await measured(server, () => paced(`step POST, ${RATE}/s`, origin, submit, { ...load, rate: RATE, seconds: SECONDS }));
    rows.push(loadRow(`${label}: step submission at ${RATE}/s`, posts, 'p99'));
    recordFigure({ key: `embedded.${size}.post.p99`, label: `PGlite, ${label}: step submission p99 at ${RATE}/s`, value: posts.result.p99, unit: 'ms', better: 'lower', target: 150 });

    const cookie = await staffCookie(origin, data.owner.email, data.owner.password);
    const review = [{ name: 'review', path: '/app/results' }];
    await staffLoopFor(origin, review, { clients: 1, cookie, seconds: 2 }); // warm-up
    for (const clients of [1, 4]) {
      const result = await measured(server, () => staffLoopFor(origin, review, { clients, cookie, seconds: SECONDS }));
      rows.push(staffRow(`${label}: review page, ${clients} staff client${clients > 1 ? 's' : ''}`, result));
      recordFigure({
        key: `embedded.${size}.review.${clients}`,
        label: `PGlite, ${label}: review page p95, ${clients} staff client${clients > 1 ? 's' : ''}`,
        value: result.result[0]!.p95,
        unit: 'ms',
        better: 'lower',
        target: 300,
      });
    }

    const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    delete (env as Record<string, string | undefined>).DATABASE_URL;
    const idle = await cli(['outbox', '--json', '--limit', '1'], env);
    const file = path.join(folder, 'customers.csv');
    await writeFile(file, generatedCsv(IMPORT_ROWS, { prefix: 'BENCH', tier: (i) => 'ABC'[i % 3]! }));
    const imported = await measured(server, () => cli(['import:customers', file, '--workspace', data.slug, '--period', '2027-Q1', '--json'], env));
    if (imported.result.code !== 0 || idle.code !== 0) {
      console.error(`The command line failed, so the import is not measured:\n${idle.stderr}\n${imported.result.stderr}`);
      rows.push({ what: `${label}: import:customers`, figure: 'not measured (the command failed)', busy: imported.busy, cpu: imported.cpu, load: imported.load });
      return rows;
    }
    const own = /, ([0-9.]+) s\s*$/.exec(imported.result.stderr)?.[1];
    rows.push({
      what: `${label}: import:customers of ${IMPORT_ROWS.toLocaleString('en')} new customers, handed to the app`,
      figure: `${imported.result.seconds.toFixed(1)} s wall (command's own figure ${own ?? '?'} s; a command doing nothing: ${idle.seconds.toFixed(1)} s)`,
      busy: imported.busy,
      cpu: imported.cpu,
      load: imported.load,
    });
    recordFigure({ key: `embedded.${size}.import.cli`, label: 'CLI command doing nothing (outbox --limit 1), handed to the app', value: idle.seconds, unit: 's', better: 'lower' });
    recordFigure({
      key: `embedded.${size}.import`,
      label: `PGlite, ${label}: import of ${IMPORT_ROWS.toLocaleString('en')} customers through the app`,
      value: imported.result.seconds,
      unit: 's',
      better: 'lower',
      target: 10,
      baseline: `embedded.${size}.import.cli`,
    });
    return rows;
  } finally {
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

function loadRow(what: string, run: { result: LoadResult; busy: number; cpu: number; load: number }, key: 'p95' | 'p99'): Measured {
  const result = run.result;
  return {
    what,
    figure:
      `${key} ${result[key].toFixed(1)} ms (p50 ${result.p50.toFixed(1)}, p95 ${result.p95.toFixed(1)}, p99 ${result.p99.toFixed(1)}; ` +
      `${result.perSecond.toFixed(0)}/s, ${result.statuses}${result.errors ? `, ${result.errors} errors` : ''}; server CPU ${result.cpuPerRequest.toFixed(2)} ms/req)`,
    busy: run.busy,
    cpu: run.cpu,
    load: run.load,
  };
}

function staffRow(what: string, run: { result: StaffPageResult[]; busy: number; cpu: number; load: number }): Measured {
  const page = run.result[0]!;
  return {
    what,
    figure: `p95 ${page.p95.toFixed(0)} ms (p50 ${page.p50.toFixed(0)}, p99 ${page.p99.toFixed(0)}; ${page.count} pages${page.other ? `, ${page.other}` : ''})`,
    busy: run.busy,
    cpu: run.cpu,
    load: run.load,
  };
}

async function main(): Promise<number> {
  if (!existsSync('build/index.js')) {
    console.error('bench:embedded serves the built app: run `npm run build` first.');
    return 2;
  }
  const unknown = SIZES.filter((size) => size !== 'demo' && size !== 'large');
  if (unknown.length > 0 || !(CUSTOMERS > 0 && RESPONSES > 0 && SECONDS > 0 && RATE > 0 && IMPORT_ROWS > 0)) {
    console.error('--sizes takes demo and/or large; --customers, --responses, --seconds, --rate and --import must be positive.');
    return 2;
  }
  const rows: Measured[] = [];
  for (const size of SIZES) rows.push(...(await runSize(size)));
  console.log(`\nEmbedded database (PGlite): ${machine()}`);
  const width = Math.max(...rows.map((row) => row.what.length));
  for (const row of rows) {
    console.log(`${row.what.padEnd(width)}  ${row.figure}; PGlite busy ${(100 * row.busy).toFixed(0)} %, server CPU ${row.cpu.toFixed(2)} cores, load ${row.load.toFixed(1)}`);
  }
  console.log(
    '\n"PGlite busy": share of the wall time the one connection carried a query or transaction (the app\'s /metrics); near 100 % every further query queued. ' +
      '"server CPU": the app process, which runs PGlite on its own thread (1.00 = one core saturated).',
  );
  console.log('Targets: survey page p95 < 50 ms; step submission p99 < 150 ms; review p95 < 300 ms; import of 10,000 customers < 10 s.');
  return 0;
}

runBench(main);
