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
 * machine disturbs less) and its peak resident memory. The budget (issue 3)
 * is 15 seconds and 300 MB for 100,000 rows.
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
import { recordFigure } from './support';

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

function runImport(file: string, databaseUrl: string, slug: string): Promise<{ seconds: number; cpuSeconds: number; peakRssMb: number; code: number; summary: string }> {
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
    process_.once('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const usage = /maxRSS=(\d+) cpu=(\d+)/.exec(stderr);
      if (code !== 0) process.stderr.write(stderr);
      resolve({
        seconds,
        cpuSeconds: usage === null ? Number.NaN : Number(usage[2]) / 1e6,
        peakRssMb: usage === null ? Number.NaN : Number(usage[1]) / 1024,
        code: code ?? 1,
        summary: stdout.trim(),
      });
    });
  });
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
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const directory = await mkdtemp(join(tmpdir(), 'wouldmiss-bench-'));
try {
  const setup = await openDatabase({ driver: 'postgres', url: url.toString(), maxConnections: 2 });
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
    const result = await runImport(file, url.toString(), 'bench');
    if (result.code !== 0) throw new Error(`import exited with ${result.code}: ${result.summary.slice(0, 2000)}`);
    const summary = JSON.parse(result.summary) as { created: number; updated: number; tiers: Record<string, number> };
    console.log(
      `import ${rows.toLocaleString('en')} rows (${megabytes.toFixed(1)} MB, ${label}): ${result.seconds.toFixed(1)} s ` +
        `(the command's own CPU ${result.cpuSeconds.toFixed(1)} s), peak RSS ${result.peakRssMb.toFixed(0)} MB ` +
        `(created ${summary.created}, updated ${summary.updated}, tiers ${JSON.stringify(summary.tiers)})`,
    );
    const key = label === 'new customers' ? 'import.new' : 'import.updated';
    const what = `import of ${rows.toLocaleString('en')} customers (${label})`;
    recordFigure({ key, label: what, value: result.seconds, unit: 's', target: rows === 100_000 ? 15 : undefined, better: 'lower' });
    recordFigure({ key: `${key}.cpu`, label: `${what}, CPU of the command`, value: result.cpuSeconds, unit: 's', better: 'lower' });
    recordFigure({ key: `${key}.rss`, label: `${what}, peak memory`, value: result.peakRssMb, unit: 'MB', target: rows === 100_000 ? 300 : undefined, better: 'lower' });
  }
  const more = await runImport(others, url.toString(), 'bench');
  if (more.code !== 0) throw new Error(`import exited with ${more.code}`);

  const handle = await openDatabase({ driver: 'postgres', url: url.toString(), maxConnections: 2 }, { migrate: false });
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
