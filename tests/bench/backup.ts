/**
 * Benchmark of backups (issue 17).
 *
 *   npm run bench:backup [-- --responses N] [--seconds N] [--skip-postgres] [--skip-embedded]
 *
 * PostgreSQL (DATABASE_URL's server, a throwaway database): the large data
 * set (`seed --size large`: 200,000 customers, 1,000,000 responses by
 * default, fewer with --responses), plus the survey benchmark's workspace
 * for links to load. The built app runs in a child process
 * (tests/bench/backup-app.ts); the survey pages get 50 clients offering 200
 * pages a second, first alone, then while that process writes a backup.
 * Prints the backup's time and size and the page p95 of both.
 *
 * Embedded (PGlite, a throwaway data folder): the demo workspace plus 1,000
 * survey links, the same load at 50 pages a second, and a backup in the
 * app's process, which on PGlite holds the one connection for the dump.
 *
 * Run `npm run build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import postgres from 'postgres';
import { openDatabase } from '../../db/client.server';
import { createLargeWorkspace } from '../../db/seed/large.server';
import { ensureDemoWorkspace } from '../../db/seed/demo.server';
import { paced, type LoadResult } from './http-load';
import { freePort, machine, recordFigure, withDatabaseName } from './support';
import { seedSurveyBench, seedSurveyWorkspace, surveyVisits } from './survey-seed';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const RESPONSES = option('--responses', 1_000_000);
const SECONDS = option('--seconds', 10);
const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'wouldmiss-bench-backup-'));

interface AppProcess {
  child: ChildProcess;
  origin: string;
  /** `heldMs`: how long the embedded database was held for the copy of its data folder (the dump then runs on the copy). */
  backup(file: string): Promise<{ ms: number; bytes: number; dumpMs: number; heldMs?: number; customers: number; responses: number }>;
}

async function startApp(env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/backup-app.ts'], {
    env: { ...process.env, DEMO_SEED: 'false', NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', APP_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('The app process ended.');
    return JSON.parse(value as string);
  };
  await next();
  return {
    child,
    origin: `http://127.0.0.1:${port}`,
    backup: async (file) => {
      child.stdin!.write(`backup ${file}\n`);
      return next();
    },
  };
}

/** Survey page views while `during` runs (or for SECONDS alone), in windows of SECONDS. */
async function pagesDuring<T>(app: AppProcess, tokens: string[], rate: number, during?: () => Promise<T>) {
  const { view } = surveyVisits(tokens, app.origin);
  const load = (title: string) => paced(title, app.origin, view, { clients: 50, rate, seconds: SECONDS, serverPid: app.child.pid });
  if (!during) return { windows: [await load('pages alone')], result: undefined };
  let finished = false;
  const work = during().finally(() => (finished = true));
  const windows: LoadResult[] = [];
  while (!finished) windows.push(await load('pages during backup'));
  return { windows, result: await work };
}

const worst = (windows: LoadResult[]) => Math.max(...windows.map((window) => window.p95));
const summary = (windows: LoadResult[]) => windows.map((w) => `p95 ${w.p95.toFixed(0)} ms / p99 ${w.p99.toFixed(0)} ms (${w.total} pages, ${w.statuses})`).join('; ');

async function benchPostgres() {
  const name = `wouldmiss_bench_backup_${randomBytes(3).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = withDatabaseName(baseUrl, name);
  let app: AppProcess | undefined;
  try {
    const migrated = await openDatabase({ driver: 'postgres', url, maxConnections: 1 });
    await migrated.close();
    const seeded = await createLargeWorkspace(url, { responses: RESPONSES, log: (line) => console.log(`  seed: ${line}`) });
    console.log(`Seeded ${seeded.customers.toLocaleString('en')} customers and ${seeded.responses.toLocaleString('en')} responses in ${seeded.seconds.toFixed(0)} s.`);
    const tokens = await seedSurveyBench(url, 10_000);
    app = await startApp({ DATABASE_URL: url });
    const alone = await pagesDuring(app, tokens, 200);
    const during = await pagesDuring(app, tokens, 200, () => app!.backup(path.join(folder, 'postgres.sql.gz')));
    const backup = during.result!;
    console.log(`PostgreSQL: backup of ${backup.responses.toLocaleString('en')} responses in ${(backup.ms / 1000).toFixed(1)} s, ${(backup.bytes / 1e6).toFixed(1)} MB`);
    console.log(`  survey pages alone:  ${summary(alone.windows)}`);
    console.log(`  during the backup:   ${summary(during.windows)}`);
    recordFigure({ key: 'backup-postgres', label: `backup, PostgreSQL, ${backup.responses} responses`, unit: 's', value: backup.ms / 1000, better: 'lower' });
    recordFigure({ key: 'backup-postgres-size', label: 'backup size, PostgreSQL', unit: 'MB', value: backup.bytes / 1e6, better: 'lower' });
    recordFigure({ key: 'backup-postgres-pages-p95', label: 'survey page p95 during the backup, PostgreSQL', unit: 'ms', value: worst(during.windows), better: 'lower' });
  } finally {
    if (app) process.kill(-app.child.pid!, 'SIGTERM');
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function benchEmbedded() {
  const dataDir = path.join(folder, 'data');
  const handle = await openDatabase({ driver: 'pglite', dataDir });
  await ensureDemoWorkspace(handle.db);
  const tokens = await seedSurveyWorkspace(handle, 1_000);
  await handle.close();
  const app = await startApp({ DATA_DIR: dataDir });
  try {
    const alone = await pagesDuring(app, tokens, 50);
    const during = await pagesDuring(app, tokens, 50, () => app.backup(path.join(folder, 'embedded.sql.gz')));
    const backup = during.result!;
    console.log(
      `Embedded: backup of ${backup.responses.toLocaleString('en')} responses in ${(backup.ms / 1000).toFixed(1)} s (database held ${((backup.heldMs ?? backup.dumpMs) / 1000).toFixed(1)} s, dump ${(backup.dumpMs / 1000).toFixed(1)} s), ${(backup.bytes / 1e6).toFixed(2)} MB`,
    );
    console.log(`  survey pages alone:  ${summary(alone.windows)}`);
    console.log(`  during the backup:   ${summary(during.windows)}`);
    recordFigure({ key: 'backup-embedded', label: 'backup, embedded (demo)', unit: 's', value: backup.ms / 1000, better: 'lower' });
    recordFigure({ key: 'backup-embedded-pages-p95', label: 'survey page p95 during the backup, embedded', unit: 'ms', value: worst(during.windows), better: 'lower' });
  } finally {
    process.kill(-app.child.pid!, 'SIGTERM');
  }
}

async function main() {
  if (!fs.existsSync('build/index.js')) throw new Error('Run `npm run build` first.');
  console.log(`Machine: ${machine()}`);
  try {
    if (!args.includes('--skip-embedded')) await benchEmbedded();
    if (!args.includes('--skip-postgres')) await benchPostgres();
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  console.log(`Machine at the end: ${machine()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
