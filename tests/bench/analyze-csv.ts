/**
 * Benchmark of the analyze command on a realistic response export.
 *
 *   npx tsx tests/bench/analyze-csv.ts [rows] [--heap-mb N]   (rows default 1,000,000)
 *
 * Writes a seeded CSV (about 200,000 customers over 12 quarters, answers that
 * depend on tier, some free text with commas, quotes, newlines and lexicon
 * phrases) to a temporary file, runs the command in a child process and
 * prints wall time and the child's peak resident memory. The budget is
 * 10 seconds for a million rows, with memory that does not grow with rows.
 * `--heap-mb N` caps the child's V8 heap (`--max-old-space-size`): peak RSS
 * mostly shows how lazily V8 collects garbage, a cap shows what is needed.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFigure } from './support';
import { seededRandom } from '../../db/seed/random';

const CUSTOMERS = 200_000;
const QUARTERS = Array.from({ length: 12 }, (_, index) => ({
  label: `${2024 + Math.floor(index / 4)}-Q${(index % 4) + 1}`,
  year: 2024 + Math.floor(index / 4),
  firstMonth: (index % 4) * 3,
}));
const TARGET_PERIOD = '2026-Q3';
const TEXTS = [
  'Fast answers, always',
  'They said "we will call back" and did',
  'Ich fühle mich vernachlässigt.',
  'Honestly? Second-class, since the merger',
  'Persönliche Betreuung\nund schnelle Rückrufe',
  'nothing',
  'Die Beratung, ganz klar',
];

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes about `rows` responses; returns the number actually written. */
async function writeExport(path: string, rows: number): Promise<number> {
  const { next: random } = seededRandom(20260701);
  const out = createWriteStream(path);
  const header =
    'customer_id,tier,period,completed_at,miss_us,treat_valued,treat_responsive,treat_equal,treat_promise,benefit,csat,recommend,miss_most,alternative,improve,locale\n';
  let buffer = header;
  let written = 0;
  const share = rows / (CUSTOMERS * QUARTERS.length);
  const clamp = (value: number, max: number) => Math.max(1, Math.min(max, Math.round(value)));
  for (const quarter of QUARTERS) {
    for (let customer = 0; customer < CUSTOMERS; customer++) {
      let responses = Math.floor(share) + (random() < share % 1 ? 1 : 0);
      for (; responses > 0; responses--) {
        const tierDraw = (customer * 2_654_435_761) % 100;
        const tier = tierDraw < 20 ? 'A' : tierDraw < 50 ? 'B' : 'C';
        const base = (tier === 'A' ? 3.9 : tier === 'B' ? 3.5 : 3.2) + (random() - 0.5) * 2.5;
        const item = () => (random() < 0.04 ? '' : String(clamp(base + (random() - 0.5) * 1.6, 5)));
        const loyalty = base + (random() - 0.5) * 2;
        const missUs = random() < 0.08 ? 'na' : random() < 0.03 ? '' : loyalty > 4 ? 'very' : loyalty > 3 ? 'somewhat' : 'not';
        const text = () => (random() < 0.85 ? '' : csvField(TEXTS[Math.floor(random() * TEXTS.length)]!));
        const month = quarter.firstMonth + Math.floor(random() * 3);
        const completedAt = new Date(Date.UTC(quarter.year, month, 1 + Math.floor(random() * 28), 0, 0, Math.floor(random() * 86_400)));
        buffer +=
          `C${String(customer).padStart(6, '0')},${tier},${quarter.label},${completedAt.toISOString()},${missUs},` +
          `${item()},${item()},${item()},${item()},${item()},${item()},` +
          `${Math.min(10, Math.max(0, Math.round(base * 2 + (random() - 0.5) * 4)))},${text()},${text()},${text()},de\n`;
        written++;
        if (buffer.length > 1 << 20) {
          if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
          buffer = '';
        }
      }
    }
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(buffer, resolve);
  });
  return written;
}

/** Runs the command in a child process; resolves to wall seconds and peak RSS. */
function runChild(
  input: string,
  outputPath: string,
  heapMb: number | null,
): Promise<{ seconds: number; peakRssMb: number; code: number }> {
  const childScript = `
    import { createWriteStream } from 'node:fs';
    import { runAnalyze } from './app/cli/analyze.ts';
    const stdout = createWriteStream(${JSON.stringify(outputPath)});
    const code = await runAnalyze(['--input', ${JSON.stringify(input)}, '--period', '${TARGET_PERIOD}'], { stdout, stderr: process.stderr });
    await new Promise((resolve) => stdout.end(resolve));
    process.stderr.write('maxRSS=' + process.resourceUsage().maxRSS + '\\n');
    process.exitCode = code;
  `;
  const started = performance.now();
  const heapLimit = heapMb === null ? [] : [`--max-old-space-size=${heapMb}`];
  const child = spawn(process.execPath, [...heapLimit, '--import', 'tsx', '--input-type=module', '-e', childScript], {
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const rss = /maxRSS=(\d+)/.exec(stderr);
      process.stderr.write(stderr.replace(/maxRSS=\d+\n/, ''));
      resolve({ seconds, peakRssMb: rss === null ? Number.NaN : Number(rss[1]) / 1024, code: code ?? 1 });
    });
  });
}

const [rowsArgument, heapFlag, heapArgument] = process.argv.slice(2);
const requested = Number(rowsArgument ?? 1_000_000);
const heapMb = heapFlag === '--heap-mb' ? Number(heapArgument) : null;
if (!Number.isInteger(requested) || requested <= 0 || Number.isNaN(heapMb)) {
  throw new Error('usage: npx tsx tests/bench/analyze-csv.ts [rows] [--heap-mb N]');
}
const directory = await mkdtemp(join(tmpdir(), 'wouldmiss-bench-'));
try {
  const input = join(directory, 'responses.csv');
  const output = join(directory, 'analysis.json');
  const rows = await writeExport(input, requested);
  const megabytes = (await stat(input)).size / 1e6;
  const { seconds, peakRssMb, code } = await runChild(input, output, heapMb);
  if (code !== 0) throw new Error(`analyze exited with ${code}`);
  const report = JSON.parse(await readFile(output, 'utf8')) as { overall: { responses: number }; flags: unknown[] };
  const count = (value: number) => value.toLocaleString('en');
  const cap = heapMb === null ? '' : ` with the heap capped at ${heapMb} MB`;
  console.log(
    `analyze ${count(rows)}-row CSV (${megabytes.toFixed(0)} MB): ${seconds.toFixed(1)} s, peak RSS ${peakRssMb.toFixed(0)} MB${cap} ` +
      `(period ${TARGET_PERIOD}: ${count(report.overall.responses)} responses, ${count(report.flags.length)} flags)`,
  );
  const what = `analyze command, ${count(rows)}-row CSV${cap}`;
  const full = requested === 1_000_000; // the budget is for a million rows
  recordFigure({ key: 'analyze.seconds', label: what, value: seconds, unit: 's', target: full ? 10 : undefined, better: 'lower' });
  recordFigure({ key: 'analyze.rss', label: `${what}, peak memory`, value: peakRssMb, unit: 'MB', better: 'lower' });
} finally {
  await rm(directory, { recursive: true, force: true });
}
