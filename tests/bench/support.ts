import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import os from 'node:os';
import postgres from 'postgres';

/** The database benchmarks run against: DATABASE_URL, else a local PostgreSQL. */
export const benchUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wouldmiss_bench';

/** Creates the benchmark database on its server if it is missing. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!exists) await sql.unsafe(`create database "${name.replace(/"/g, '')}"`);
  } finally {
    await sql.end();
  }
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function time<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** One line describing the machine, for the benchmark record. */
export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`;
}

/** Prints a table of figures with their targets. */
export function printTable(rows: Array<{ what: string; figure: string; target?: string }>): void {
  const width = Math.max(...rows.map((row) => row.what.length));
  const figureWidth = Math.max(...rows.map((row) => row.figure.length));
  for (const row of rows) console.log(`${row.what.padEnd(width)}  ${row.figure.padStart(figureWidth)}  ${row.target ?? ''}`);
}

/**
 * A small closed-loop load generator: `connections` workers each send the next
 * request when the previous one answered, for `durationMs`. Every latency is
 * kept, so percentiles are exact rather than read off a histogram.
 */
export async function loadTest(
  url: string,
  options: { connections: number; durationMs: number; headers?: Record<string, string> },
): Promise<{ requests: number; errors: number; perSecond: number; p50: number; p95: number; p99: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + options.durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < deadline) {
        const begin = performance.now();
        const response = await fetch(url, { headers: options.headers, redirect: 'manual' });
        await response.arrayBuffer();
        latencies.push(performance.now() - begin);
        if (response.status >= 300) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: latencies.length,
    errors,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

/**
 * One figure of a benchmark for `npm run bench` (tests/bench/all.ts). `target`
 * is the budget, if it has one; `baseline` names the key of the
 * figure this one is compared with (the runner prints figure ÷ baseline).
 */
export interface BenchFigure {
  key: string;
  label: string;
  value: number;
  unit: string;
  target?: number;
  better: 'lower' | 'higher';
  baseline?: string;
}

/**
 * Records a figure: appends it as a JSON line to the file named by
 * BENCH_FIGURES, with the load average at that moment. Does nothing when the
 * variable is unset (a script run on its own prints its figures anyway).
 */
export function recordFigure(figure: BenchFigure): void {
  const file = process.env.BENCH_FIGURES;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ ...figure, load: Number(os.loadavg()[0]!.toFixed(2)) })}\n`);
}

/** The same server URL with another database name. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** CPU milliseconds (user + system) a process has used so far, from /proc; NaN when it cannot be read (it ended, or this is not Linux). */
export function processCpuMs(pid: number): number {
  try {
    // Fields after the command name (which may contain spaces): state ppid pgrp … utime(14) stime(15).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU milliseconds used so far by the PostgreSQL backends serving `sql`'s
 * database (the app's pool), other than `sql`'s own connection, from /proc
 * when the server runs on this machine; NaN when none can be read. Wall times
 * on a shared machine say little, CPU time says what the work costs. Other
 * databases' backends and parallel query workers are not counted; a backend
 * that ended meanwhile is left out.
 */
export async function databaseBackendsCpuMs(sql: postgres.Sql): Promise<number> {
  const backends = await backendsCpuMs(sql);
  const spent = [...backends.values()].filter(Number.isFinite);
  return backends.size > 0 && spent.length === 0 ? Number.NaN : spent.reduce((sum, ms) => sum + ms, 0);
}

/** CPU milliseconds used so far by each other backend of this connection's database, by pid (NaN where /proc cannot tell). */
export async function backendsCpuMs(sql: postgres.Sql): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
  return new Map(rows.map(({ pid }) => [pid, processCpuMs(pid)]));
}

/** CPU milliseconds used so far by a process group (a server and its children), from /proc; NaN elsewhere. */
export function processGroupCpuMs(pgid: number | undefined): number {
  if (!pgid || !existsSync('/proc/self/stat')) return Number.NaN;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may contain spaces): state ppid pgrp … utime(14) stime(15).
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

export interface BenchServer {
  origin: string;
  /** The server's process id, also its process group's (for `processGroupCpuMs`). */
  pid: number;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM to the server's process group; resolves when it has exited (or after 10 s). */
  stop(): Promise<void>;
}

/**
 * Starts the app as `npm start` runs it (`node --import tsx app/server.ts`,
 * the built app behind Express) in a process group of its own on a free
 * port, with `env` added to this process's environment (DATABASE_URL, or
 * DATA_DIR for PGlite; an empty DATABASE_URL is removed), and resolves once
 * /healthz answers. `nodeArgs` go before the script (e.g. `--cpu-prof`).
 */
export async function startBenchServer(env: Record<string, string>, options: { nodeArgs?: string[] } = {}): Promise<BenchServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DEMO_SEED: 'false',
    // The email dispatcher polls in the background; its CPU time is not the page's.
    RUN_WORKER: 'false',
    NODE_ENV: 'production',
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: origin,
  };
  if (!childEnv.DATABASE_URL) delete childEnv.DATABASE_URL;
  // BENCH_SERVER_NODE_ARGS (space-separated), e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the app under the load.
  const extraArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, ['--import', 'tsx', ...extraArgs, ...(options.nodeArgs ?? []), 'app/server.ts'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return; // gone already
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  };
  for (let attempt = 0; attempt < 1200; attempt++) {
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return { origin, pid: child.pid!, output: () => output, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`The server did not start:\n${output}`);
}

/**
 * The app's own count of its database connections (GET /metrics, which
 * needs METRICS_TOKEN set in the server's environment): seconds during which
 * a connection was busy, and queries waiting for one. With PGlite there is one
 * connection, so busy time ÷ wall time near 1 means every query queued
 * behind another.
 */
export async function databaseUsage(origin: string, token: string): Promise<{ busySeconds: number; waiting: number; at: number }> {
  const text = await (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { busySeconds: value('wouldmiss_db_busy_seconds_total'), waiting: value('wouldmiss_db_waiting'), at: performance.now() };
}

/** Runs a benchmark's `main` as the script's entry: its result is the exit code, an error is printed and exits 1. */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
