/**
 * `npm run bench`: every benchmark against PostgreSQL, one after another
 * (never in parallel: they would disturb each other), then one table of
 * figures with their targets, their baselines measured in the same run and
 * the ratio figure ÷ baseline.
 *
 *   npm run bench [-- --quick] [--only survey,reports,live,embedded,…] [--seed] [--markdown FILE|-]
 *
 * DATABASE_URL names the database holding the large data set (default
 * wouldmiss_bench on the local server); the other benchmarks create and drop
 * their own databases on the same server. --seed creates the large data set
 * when it is missing (about 3 minutes) and times it; --quick shortens the
 * load tests (5 s instead of 10 s each); --markdown writes the table as
 * Markdown, for docs/benchmarks.md.
 *
 * Each script prints its own figures as it runs and records them with
 * `recordFigure` (tests/bench/support.ts) into a file this runner names in
 * BENCH_FIGURES.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { LARGE } from '../../db/seed/large-rows';
import { type BenchFigure, benchUrl, ensureDatabase, recordFigure, runBench } from './support';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'boolean', default: false },
    only: { type: 'string' },
    markdown: { type: 'string' },
  },
});
const seconds = options.quick ? '5' : '10';

interface Script {
  name: string;
  file: string;
  args: string[];
  /** What the script needs before it can run, checked first. */
  needs?: Array<'build' | 'large'>;
}

const SCRIPTS: Script[] = [
  // The invitation count comes first: survey.ts reads the first bare number as it.
  { name: 'survey', file: 'tests/bench/survey.ts', args: ['10000', '--seconds', seconds], needs: ['build'] },
  { name: 'survey-baseline', file: 'tests/bench/baseline-survey.ts', args: ['10000', '--seconds', seconds] },
  { name: 'reports', file: 'tests/bench/reports.ts', args: [], needs: ['large'] },
  { name: 'import', file: 'tests/bench/import-customers.ts', args: [] },
  { name: 'analyze', file: 'tests/bench/analyze-csv.ts', args: [] },
  { name: 'campaign', file: 'tests/bench/campaign-dispatch.ts', args: [] },
  { name: 'flags', file: 'tests/bench/flag-evaluation.ts', args: [] },
  // Staff pages while answers arrive, on the large data set (20 s per phase, --quick 10 s; on its own 30 s).
  { name: 'live', file: 'tests/bench/live.ts', args: ['--seconds', options.quick ? '10' : '20'], needs: ['build', 'large'] },
  // The embedded database: the demo and 50,000 customers with 250,000 responses (5 s per run, on its own 10 s).
  { name: 'embedded', file: 'tests/bench/embedded.ts', args: ['--seconds', '5'], needs: ['build'] },
];

type Recorded = BenchFigure & { load: number };

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

async function serverFacts(url: string): Promise<{ version: string; hasLarge: boolean }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [version] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    const [table] = await sql`select 1 from pg_tables where schemaname = 'public' and tablename = 'workspaces'`;
    const [large] = table ? await sql`select 1 from workspaces where slug = ${LARGE.slug}` : [];
    return { version: version!.v, hasLarge: Boolean(large) };
  } finally {
    await sql.end();
  }
}

/**
 * Flushes PostgreSQL's dirty pages. Loading the large data set leaves
 * gigabytes of them, which the checkpointer would otherwise write during the
 * next minute of measurements (seen: a survey page p95 of 92 ms during such
 * a checkpoint, 14–20 ms without). Needs a superuser or pg_checkpoint.
 */
async function checkpoint(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`checkpoint`;
  } catch (error) {
    console.error(`Could not flush the data set (${(error as Error).message}); the first benchmarks may run during a checkpoint.`);
  } finally {
    await sql.end();
  }
}

function format(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const number = value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit === '/s' ? `${number}/s` : unit ? `${number} ${unit}` : number;
}

function tableRows(figures: Recorded[]) {
  const byKey = new Map(figures.map((figure) => [figure.key, figure]));
  const usedAsBaseline = new Set(figures.flatMap((figure) => (figure.baseline ? [figure.baseline] : [])));
  return figures
    .filter((figure) => !usedAsBaseline.has(figure.key))
    .map((figure) => {
      const baseline = figure.baseline ? byKey.get(figure.baseline) : undefined;
      const target =
        figure.target === undefined ? '' : `${figure.better === 'lower' ? '≤' : '≥'} ${format(figure.target, figure.unit)}`;
      const passed =
        figure.target === undefined ? '' : (figure.better === 'lower' ? figure.value <= figure.target : figure.value >= figure.target) ? 'pass' : 'FAIL';
      return {
        what: figure.label,
        figure: format(figure.value, figure.unit),
        target,
        // The baseline's own label says what it is; the part after ": " repeats the figure's.
        baseline: baseline ? `${format(baseline.value, baseline.unit)} (${baseline.label.replace(/: .*$/, '')})` : figure.baseline ? 'missing' : '',
        ratio: baseline && baseline.value > 0 ? `${(figure.value / baseline.value).toFixed(2)}×` : '',
        result: passed,
        load: figure.load.toFixed(1),
      };
    });
}

function plainTable(rows: ReturnType<typeof tableRows>): string {
  const columns = ['what', 'figure', 'target', 'baseline', 'ratio', 'result', 'load'] as const;
  const width = Object.fromEntries(columns.map((c) => [c, Math.max(c.length, ...rows.map((row) => row[c].length))])) as Record<(typeof columns)[number], number>;
  const line = (cells: Record<(typeof columns)[number], string>) =>
    columns.map((c) => (c === 'what' || c === 'baseline' ? cells[c].padEnd(width[c]) : cells[c].padStart(width[c]))).join('  ');
  return [line({ what: 'what', figure: 'figure', target: 'target', baseline: 'baseline', ratio: 'ratio', result: 'result', load: 'load' }), ...rows.map(line)].join('\n');
}

function markdownTable(rows: ReturnType<typeof tableRows>): string {
  return [
    '| what | figure | target | baseline | figure ÷ baseline | result | load |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.what} | ${row.figure} | ${row.target} | ${row.baseline} | ${row.ratio} | ${row.result} | ${row.load} |`),
  ].join('\n');
}

async function main(): Promise<number> {
  const only = options.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !SCRIPTS.some((script) => script.name === name)) ?? [];
  if (unknown.length > 0) {
    console.error(`Unknown benchmark ${unknown.join(', ')}; the benchmarks are ${SCRIPTS.map((script) => script.name).join(', ')}.`);
    return 2;
  }
  const scripts = SCRIPTS.filter((script) => !only || only.includes(script.name));
  const directory = await mkdtemp(join(os.tmpdir(), 'wouldmiss-bench-'));
  const figuresFile = join(directory, 'figures.jsonl');
  await writeFile(figuresFile, '');
  process.env.BENCH_FIGURES = figuresFile;
  const env = { ...process.env, DATABASE_URL: benchUrl, BENCH_FIGURES: figuresFile };
  try {
    await ensureDatabase(benchUrl);
    if (scripts.some((script) => script.needs?.includes('build')) && !existsSync('build/index.js')) {
      console.error('The survey, live and embedded benchmarks serve the built app: run `npm run build` first (or leave it out with --only).');
      return 2;
    }
    let facts = await serverFacts(benchUrl);
    if (scripts.some((script) => script.needs?.includes('large')) && !facts.hasLarge) {
      if (!options.seed) {
        console.error(
          `The large data set is missing in ${new URL(benchUrl).pathname.slice(1)}. Create it (about 3 minutes) with\n` +
            `  DATABASE_URL=${benchUrl} npm run db:seed -- --size large\nor run \`npm run bench -- --seed\`.`,
        );
        return 2;
      }
      console.error('Creating the large data set…');
      const started = performance.now();
      const code = await run(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'seed', '--size', 'large'], env);
      if (code !== 0) return code;
      recordFigure({ key: 'seed.large', label: 'creating the large data set (COPY)', value: (performance.now() - started) / 1000, unit: 's', target: 180, better: 'lower' });
      await checkpoint(benchUrl);
      facts = await serverFacts(benchUrl);
    }

    const loadBefore = os.loadavg();
    const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const failed: string[] = [];
    const durations: string[] = [];
    for (const script of scripts) {
      console.log(`\n=== ${script.name}: tsx ${script.file} ${script.args.join(' ')} (load ${os.loadavg()[0]!.toFixed(1)})`);
      const started = performance.now();
      const code = await run(process.execPath, ['--import', 'tsx', script.file, ...script.args], env);
      durations.push(`${script.name} ${((performance.now() - started) / 1000).toFixed(0)} s`);
      if (code !== 0) failed.push(`${script.name} (exit code ${code})`);
    }
    const loadAfter = os.loadavg();

    const figures = (await readFile(figuresFile, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Recorded);
    const rows = tableRows(figures);
    const cpu = os.cpus();
    const loads = (values: number[]) => values.map((value) => value.toFixed(1)).join(' / ');
    const machine = [
      `Date: ${date} UTC${options.quick ? ' (quick run: 5 s load tests)' : ''}`,
      `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, ${os.type()} ${os.release()}`,
      `Node ${process.version}, PostgreSQL ${facts.version}`,
      `Load average (1 / 5 / 15 min): ${loads(loadBefore)} before, ${loads(loadAfter)} after`,
      `Time per benchmark: ${durations.join(', ')}`,
    ];
    console.log(`\n${machine.join('\n')}\n\n${plainTable(rows)}`);
    console.log('\n"load" is the 1-minute load average when the figure was taken; ratio = figure ÷ baseline.');
    if (failed.length > 0) console.log(`\nFailed: ${failed.join(', ')}: their figures are missing from the table.`);

    if (options.markdown) {
      const markdown = `${machine.map((line) => `${line}  `).join('\n')}\n\n${markdownTable(rows)}\n`;
      if (options.markdown === '-') console.log(`\n${markdown}`);
      else {
        await writeFile(options.markdown, markdown);
        console.log(`\nWrote the table to ${options.markdown}.`);
      }
    }
    return failed.length > 0 ? 1 : 0;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

runBench(main);
