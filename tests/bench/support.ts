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
