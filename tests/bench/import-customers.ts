/**
 * Benchmark of the customer import on PostgreSQL.
 *
 *   DATABASE_URL=postgres://… npm run bench:import [rows]     (default 100,000)
 *
 * Creates a throwaway database on the server, writes a German Excel style
 * CSV (semicolons, decimal commas, Windows-1252, a quoted company with a
 * line break now and then), and runs `import:customers` in a child process:
 * once into the empty workspace (every customer new, tiers by the ABC
 * analysis) and once more with changed revenues (every customer updated).
 * Prints wall time (process start to exit), the child's CPU time (which a busy
 * machine disturbs less), the CPU time of its PostgreSQL backends (from
 * /proc, sampled every 100 ms while they live, so a backend's last tenth of
 * a second may be missed) and its peak resident memory. The budget is 10
 * seconds (issue 20; 15 s in issue 3) and 300 MB for 100,000 rows.
 *
 * The baseline is what the machine allows for the same writes: in a third
 * throwaway database with the same schema, as many customers and their tier
 * assignments written by two plain `INSERT … SELECT` statements (no checks,
 * no conflict handling, no second pass), with the same indexes, foreign keys
 * and triggers.
 *
 * Then a second file of as many other customers is imported, and the customer
 * list's queries are timed on the 2 × rows customers (first page, a page deep
 * in the keyset, search, tier filter).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createWorkspace } from '../../app/auth/accounts.server';
import { listCustomers } from '../../app/customers/customers.server';
import { openDatabase } from '../../db/client.server';
import { backendsCpuMs, processCpuMs, recordFigure, time, withDatabaseName } from './support';

const PERIOD = '2026-Q4';

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const firstNames = ['Anna', 'Jörg', 'Günther', 'Sabine', 'Özlem', 'Thomas', 'Claire', 'Lukas', 'Maria', 'Jürgen'];
const lastNames = ['Müller', 'Schmidt', 'Weiß', 'Schäfer', 'Meyer', 'Groß', 'Wagner', 'Becker', 'Hoffmann', 'Koch'];

function germanAmount(cents: number): string {
  const whole = Math.floor(cents / 100).toLocaleString('de-DE');
  return `${whole},${String(cents % 100).padStart(2, '0')}`;
}

async function writeCustomers(path: string, rows: number, offset: number, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const out = createWriteStream(path);
  let buffer = 'Kundennummer;E-Mail;Name;Firma;Sprache;Umsatz;Deckungsbeitrag\r\n';
  const flush = async () => {
    // Windows-1252 and Latin-1 agree on every letter used here.
    const bytes = Buffer.from(buffer, 'latin1');
    buffer = '';
    if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  for (let i = 0; i < rows; i++) {
    const n = offset + i;
    const first = firstNames[Math.floor(random() * firstNames.length)]!;
    const last = lastNames[Math.floor(random() * lastNames.length)]!;
    const revenue = Math.round(Math.exp(9 + 1.8 * normal(random)) * 100);
    const margin = Math.round(revenue * (0.1 + random() * 0.3)) * (random() < 0.02 ? -1 : 1);
    const company = random() < 0.05 ? `"${last} & Söhne\nGmbH; Niederlassung ${n % 50}"` : `${last} Beratung GmbH`;
    buffer += `K-${String(n).padStart(7, '0')};${ascii(first)}.${n}@kunde-${n % 997}.example;${first} ${last};${company};${random() < 0.8 ? 'de' : 'en'};${germanAmount(revenue)};${margin < 0 ? '-' : ''}${germanAmount(Math.abs(margin))}\r\n`;
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(resolve);
  });
}

/** `Jörg` → `joerg`, for email addresses. */
function ascii(name: string): string {
  return name.toLowerCase().replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Samples the CPU time of the database's backends (other than the sampling
 * connection; an autovacuum worker on the database counts too) every 100 ms
 * until stopped; returns their total in seconds.
 */
function watchBackends(databaseUrl: string): () => Promise<number> {
  const watcher = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const spent = new Map<number, number>();
  const sample = async () => {
    for (const [pid, ms] of await backendsCpuMs(watcher)) {
      if (Number.isFinite(ms)) spent.set(pid, ms);
    }
  };
  let running = sample();
  const timer = setInterval(() => {
    running = running.then(sample, sample);
  }, 100);
  return async () => {
    clearInterval(timer);
    await running.catch(() => {});
    await watcher.end();
    return [...spent.values()].reduce((sum, ms) => sum + ms, 0) / 1000;
  };
}

function runImport(file: string, databaseUrl: string, slug: string): Promise<{ seconds: number; cpuSeconds: number; pgCpuSeconds: number; peakRssMb: number; code: number; summary: string }> {
  const child = `
    import { runImportCustomers } from './app/cli/import-customers.ts';
    let summary = '';
    const stdout = { write: (text) => { summary += text; return true; } };
    const code = await runImportCustomers([${JSON.stringify(file)}, '--workspace', ${JSON.stringify(slug)}, '--period', '${PERIOD}', '--json'], { stdout, stderr: process.stderr });
    process.stdout.write(summary);
    const usage = process.resourceUsage();
    process.stderr.write('maxRSS=' + usage.maxRSS + ' cpu=' + (usage.userCPUTime + usage.systemCPUTime) + '\\n');
    process.exitCode = code;
  `;
  const stopWatching = watchBackends(databaseUrl);
  const started = performance.now();
  const process_ = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  let stdout = '';
  let stderr = '';
  process_.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    process_.once('error', reject);
    process_.once('close', async (code) => {
      const seconds = (performance.now() - started) / 1000;
      const pgCpuSeconds = await stopWatching();
      const usage = /maxRSS=(\d+) cpu=(\d+)/.exec(stderr);
      if (code !== 0) process.stderr.write(stderr);
      resolve({
        seconds,
        pgCpuSeconds,
        cpuSeconds: usage === null ? Number.NaN : Number(usage[2]) / 1e6,
        peakRssMb: usage === null ? Number.NaN : Number(usage[1]) / 1024,
        code: code ?? 1,
        summary: stdout.trim(),
      });
    });
  });
}

/**
 * The baseline: `rows` customers and their tier assignments written into an
 * empty workspace of a fresh database by two plain `INSERT … SELECT`
 * statements in one transaction, from rows generated in a temporary table
 * (the same columns and about the same widths as the file's). Returns the
 * wall time of the two statements and the backend's CPU time.
 */
async function bareInsertBaseline(serverUrl: string, rows: number): Promise<{ seconds: number; pgCpuSeconds: number }> {
  const name = `wouldmiss_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = withDatabaseName(serverUrl, name);
  try {
    const setup = await openDatabase({ driver: 'postgres', url, maxConnections: 2 });
    const workspace = await createWorkspace(setup.db, { name: 'Bench GmbH', locale: 'de', slug: 'bench' });
    await setup.close();
    const db = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [settings] = await db<{ pid: number; tier: string }[]>`
        select pg_backend_pid() as pid, (select id from workspace_tiers where workspace_id = ${workspace.id} order by position limit 1) as tier`;
      const { pid, tier } = settings!;
      await db`
        create temporary table source as
        select 'K-' || lpad(g::text, 7, '0') as external_id, 'anna.' || g || '@kunde-' || g % 997 || '.example' as email, 'Anna Müller' as name,
          'Müller Beratung GmbH' as company, 'de' as locale, (1000 + g)::numeric as revenue, (100 + g)::numeric as margin
        from generate_series(1, ${rows}::int) g`;
      const cpuBefore = processCpuMs(pid);
      const { ms } = await time(() =>
        db.begin(async (tx) => {
          await tx`
            create temporary table created on commit drop as
            with c as (insert into customers (workspace_id, external_id, email, name, company, locale)
              select ${workspace.id}, external_id, email, name, company, locale from source returning id, external_id)
            select * from c`;
          await tx`
            insert into tier_assignments (workspace_id, customer_id, period, tier_id, revenue, margin, source)
            select ${workspace.id}, c.id, ${PERIOD}, ${tier}, s.revenue, s.margin, 'abc' from created c join source s using (external_id)`;
        }),
      );
      return { seconds: ms / 1000, pgCpuSeconds: (processCpuMs(pid) - cpuBefore) / 1000 };
    } finally {
      await db.end();
    }
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error('Set DATABASE_URL to a PostgreSQL server; the benchmark creates and drops its own database there.');
  process.exit(2);
}
const rows = Number(process.argv[2] ?? 100_000);
const name = `wouldmiss_bench_${randomBytes(4).toString('hex')}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = withDatabaseName(serverUrl, name);
const directory = await mkdtemp(join(tmpdir(), 'wouldmiss-bench-'));
try {
  const setup = await openDatabase({ driver: 'postgres', url, maxConnections: 2 });
  const workspace = await createWorkspace(setup.db, { name: 'Bench GmbH', locale: 'de', slug: 'bench' });
  await setup.close();

  const first = join(directory, 'customers.csv');
  const changed = join(directory, 'customers-changed.csv');
  const others = join(directory, 'other-customers.csv');
  await writeCustomers(first, rows, 0, 1);
  await writeCustomers(changed, rows, 0, 2);
  await writeCustomers(others, rows, rows, 3);
  const megabytes = (await stat(first)).size / 1e6;

  for (const [label, file] of [
    ['new customers', first],
    ['all updated', changed],
  ] as const) {
    const result = await runImport(file, url, 'bench');
    if (result.code !== 0) throw new Error(`import exited with ${result.code}: ${result.summary.slice(0, 2000)}`);
    const summary = JSON.parse(result.summary) as { created: number; updated: number; tiers: Record<string, number> };
    const perRow = (seconds: number) => `${((seconds * 1e6) / rows).toFixed(0)} µs a row`;
    console.log(
      `import ${rows.toLocaleString('en')} rows (${megabytes.toFixed(1)} MB, ${label}): ${result.seconds.toFixed(1)} s ` +
        `(CPU: the command ${result.cpuSeconds.toFixed(1)} s, ${perRow(result.cpuSeconds)}; PostgreSQL ${result.pgCpuSeconds.toFixed(1)} s, ${perRow(result.pgCpuSeconds)}), ` +
        `peak RSS ${result.peakRssMb.toFixed(0)} MB ` +
        `(created ${summary.created}, updated ${summary.updated}, tiers ${JSON.stringify(summary.tiers)})`,
    );
    const key = label === 'new customers' ? 'import.new' : 'import.updated';
    const what = `import of ${rows.toLocaleString('en')} customers (${label})`;
    recordFigure({ key, label: what, value: result.seconds, unit: 's', target: rows === 100_000 ? 10 : undefined, better: 'lower', baseline: 'import.baseline' });
    recordFigure({ key: `${key}.cpu`, label: `${what}, CPU of the command`, value: result.cpuSeconds, unit: 's', better: 'lower' });
    recordFigure({ key: `${key}.pgCpu`, label: `${what}, CPU of PostgreSQL`, value: result.pgCpuSeconds, unit: 's', better: 'lower', baseline: 'import.baseline.pgCpu' });
    recordFigure({ key: `${key}.rss`, label: `${what}, peak memory`, value: result.peakRssMb, unit: 'MB', target: rows === 100_000 ? 300 : undefined, better: 'lower' });
  }
  const baseline = await bareInsertBaseline(serverUrl, rows);
  console.log(
    `baseline: ${rows.toLocaleString('en')} customers and their tiers by two plain INSERT … SELECT into the same tables: ` +
      `${baseline.seconds.toFixed(1)} s (PostgreSQL CPU ${baseline.pgCpuSeconds.toFixed(1)} s, ${((baseline.pgCpuSeconds * 1e6) / rows).toFixed(0)} µs a row)`,
  );
  recordFigure({ key: 'import.baseline', label: `plain INSERT of ${rows.toLocaleString('en')} customers and tiers`, value: baseline.seconds, unit: 's', better: 'lower' });
  recordFigure({ key: 'import.baseline.pgCpu', label: 'plain INSERT, CPU of PostgreSQL', value: baseline.pgCpuSeconds, unit: 's', better: 'lower' });
  const more = await runImport(others, url, 'bench');
  if (more.code !== 0) throw new Error(`import exited with ${more.code}`);

  const handle = await openDatabase({ driver: 'postgres', url, maxConnections: 2 }, { migrate: false });
  try {
    const db = handle.db;
    await db.execute(sql`analyze`);
    const [firstPage, firstMs] = await timed(() => listCustomers(db, workspace.id, { limit: 50 }));
    let cursor = firstPage.next;
    for (let page = 0; page < 100 && cursor; page++) cursor = (await listCustomers(db, workspace.id, { limit: 50, after: cursor })).next;
    const [, deepMs] = await timed(() => listCustomers(db, workspace.id, { limit: 50, after: cursor ?? undefined }));
    const [, searchMs] = await timed(() => listCustomers(db, workspace.id, { limit: 50, q: 'K-0150000' }));
    const [, nameSearchMs] = await timed(() => listCustomers(db, workspace.id, { limit: 50, q: 'söhne' }));
    const [, tierMs] = await timed(() => listCustomers(db, workspace.id, { limit: 50, period: PERIOD, tier: 'A' }));
    console.log(
      `customer list on ${(2 * rows).toLocaleString('en')} customers: first page ${firstMs.toFixed(0)} ms, page 101 ${deepMs.toFixed(0)} ms, ` +
        `search by number ${searchMs.toFixed(0)} ms, search by company ${nameSearchMs.toFixed(0)} ms, tier A only ${tierMs.toFixed(0)} ms`,
    );
    recordFigure({ key: 'customers.firstPage', label: `customer list, first page of ${(2 * rows).toLocaleString('en')}`, value: firstMs, unit: 'ms', better: 'lower' });
    recordFigure({ key: 'customers.tierFilter', label: 'customer list, tier A only', value: tierMs, unit: 'ms', better: 'lower' });
  } finally {
    await handle.close();
  }
} finally {
  await rm(directory, { recursive: true, force: true });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
