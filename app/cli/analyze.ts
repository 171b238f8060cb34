/**
 * `cli analyze --input FILE.csv --period 2026-Q3 [--tiers A,B,C]
 * [--themes FILE.json | --workspace ID|SLUG]`: analyses one period of a
 * response export and prints the analysis document as JSON on standard
 * output (logs and errors go to standard error; bad input exits 2). The
 * free texts are coded with the starter themes, the themes of a file
 * (app/themes/theme-file.ts) or a workspace's theme list from the database
 * (through `cli themes`, so it works while the app holds the embedded
 * database).
 *
 * The file is streamed twice so that memory does not grow with its length.
 * Pass 1 validates every record, counts each period into frequency tables,
 * notes each customer's latest response in the periods the report uses (two
 * numbers per customer and period) and keeps the few fields the flag rules
 * need for the responses of the period. Pass 2 looks only at customers with
 * a response in the period or with several in one period: it finds each
 * one's most recent earlier PTI, which may stand anywhere in the file, and
 * takes the responses that a later one of the same period replaces back out
 * of the counts.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { defaultTierOrder } from '~/analysis/analyze-responses';
import { PeriodTablesAccumulator } from '~/analysis/build-tables';
import { PmfCsvColumns, pmfEngineDocument } from '~/analysis/pmf-csv';
import type { PmfEngineDocument } from '~/analysis/pmf-csv';
import type { PmfResponse } from '~/analysis/pmf-engine';
import { CsvRecordSplitter, CsvSyntaxError } from '~/analysis/csv-records';
import { EarlierPtiSearch } from '~/analysis/earlier-pti';
import { computeFit } from '~/analysis/fit';
import type { FitCustomer, FitReport } from '~/analysis/fit';
import { flagCandidateOf, flaggableResponseOf } from '~/analysis/flags';
import type { FlagCandidate } from '~/analysis/flags';
import { buildAnalysisReport } from '~/analysis/report';
import type { AnalysisReport } from '~/analysis/report';
import { parseResponseRecord, readResponseHeader, ResponseInputError } from '~/analysis/response-csv';
import type { ResponseCsvLayout } from '~/analysis/response-csv';
import { LatestResponseChooser } from '~/analysis/latest-responses';
import { quarterIndex, TREND_LOOKBACK_QUARTERS } from '~/analysis/period-trends';
import { comparePeriods, isPeriodLabel, previousPeriodOf, ptiTwelfthsOf } from '~/analysis/response-row';
import { computeThemeReport, ThemeTablesAccumulator } from '~/analysis/theme-trends';
import type { ThemeReport } from '~/analysis/theme-trends';
import { STARTER_THEMES } from '~/analysis/theme-starter';
import { ThemeMatcher } from '~/analysis/themes';
import type { ThemeDefinition } from '~/analysis/themes';
import { MAX_THEME_FILE_BYTES, parseThemeFile } from '~/themes/theme-file';
import type { CommandIo } from './command-io';
import type { ResponseRow } from '~/analysis/response-row';

export const ANALYZE_USAGE = 'analyze --input FILE.csv --period 2026-Q3 [--tiers A,B,C] [--themes FILE.json | --workspace ID|SLUG]';
const USAGE = `usage: cli ${ANALYZE_USAGE}`;
/** Enough to see a pattern in a bad export without flooding the terminal. */
const MAX_REPORTED_ERRORS = 20;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The database `--workspace` reads from; without it the configured one (or the running app that holds it). */
  openDatabase?: CommandIo['openDatabase'];
}

const argumentsSchema = z.object({
  input: z.string({ error: '--input is required' }).min(1, '--input is required'),
  period: z
    .string({ error: '--period is required' })
    .refine(isPeriodLabel, '--period must be written like 2026-Q3'),
  tiers: z
    .string()
    .transform((text) => text.split(',').map((tier) => tier.trim()))
    .refine((tiers) => tiers.every((tier) => tier !== ''), '--tiers must not contain an empty tier')
    .refine((tiers) => new Set(tiers).size === tiers.length, '--tiers must not repeat a tier')
    .optional(),
  themes: z.string().min(1, '--themes needs a file').optional(),
  workspace: z.string().trim().min(1, '--workspace needs a workspace id or slug').optional(),
}).refine((options) => options.themes === undefined || options.workspace === undefined, 'give --themes or --workspace, not both');
type AnalyzeArguments = z.infer<typeof argumentsSchema>;

/** Bad input: every message names a line and column where there is one. */
class InputProblems extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join('\n'));
  }
}

/** Runs the analyze command; resolves to the process exit code. */
export async function runAnalyze(argv: string[], io: Io): Promise<number> {
  const startedAt = performance.now();
  let options: AnalyzeArguments;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { input: { type: 'string' }, period: { type: 'string' }, tiers: { type: 'string' }, themes: { type: 'string' }, workspace: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    const parsed = argumentsSchema.safeParse(values);
    if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
    options = parsed.data;
  } catch (error) {
    io.stderr.write(`analyze: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const themes = await themeListOf(options, io);
  if (themes === null) return 2;
  try {
    const report = await analyzeFile(options, themes.list);
    await writeFully(io.stdout, `${JSON.stringify(report, null, 2)}\n`);
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    const summary = `${report.overall.responses} responses, ${report.flags.length} flags, ${themes.list.length} themes (${themes.source}), ${seconds} s`;
    io.stderr.write(`analyze: ${options.input}, period ${options.period}: ${summary}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof InputProblems)) throw error;
    for (const message of error.messages) io.stderr.write(`analyze: ${options.input}: ${message}\n`);
    return 2;
  }
}

/**
 * The themes to code with: the file of `--themes`, the list of `--workspace`,
 * or the starter set. Problems are written to standard error; null then.
 */
async function themeListOf(options: AnalyzeArguments, io: Io): Promise<{ list: readonly ThemeDefinition[]; source: string } | null> {
  if (options.themes !== undefined) {
    const problems = (messages: string[]) => {
      for (const message of messages) io.stderr.write(`analyze: --themes ${options.themes}: ${message}\n`);
      return null;
    };
    let content: string;
    try {
      const info = await stat(options.themes);
      if (!info.isFile()) return problems(['not a file']);
      if (info.size > MAX_THEME_FILE_BYTES) return problems([`larger than ${MAX_THEME_FILE_BYTES / 1024 / 1024} MB; a theme file is a short JSON list`]);
      content = await readFile(options.themes, 'utf8');
    } catch (error) {
      return problems([`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
    }
    const parsed = parseThemeFile(content);
    return parsed.ok ? { list: parsed.themes, source: options.themes } : problems(parsed.problems);
  }
  if (options.workspace !== undefined) {
    const [{ fetchWorkspaceThemes }, { databaseCommands }] = await Promise.all([import('./themes'), import('./database-commands')]);
    const stderr = { write: (text: string) => io.stderr.write(`analyze: ${text}`) } as NodeJS.WritableStream;
    const list = await fetchWorkspaceThemes(options.workspace, { stderr, openDatabase: io.openDatabase }, databaseCommands.themes!);
    return list === null ? null : { list, source: `workspace ${options.workspace}` };
  }
  return { list: STARTER_THEMES, source: 'starter set' };
}

/** The analysis document with the free-text themes and the product/market-fit engine (coded with the theme list of `themeListOf`). */
type AnalysisDocument = AnalysisReport & { themes: ThemeReport; engine: PmfEngineDocument; fit?: FitReport };

async function analyzeFile(options: AnalyzeArguments, themes: readonly ThemeDefinition[]): Promise<AnalysisDocument> {
  const { input, period } = options;
  const givenTiers = options.tiers === undefined ? null : new Set(options.tiers);
  const accumulators = new Map<string, PeriodTablesAccumulator>();
  const tierLabels = new Set<string>();
  const candidates: FlagCandidate[] = [];
  const candidateLines: number[] = [];
  // Revenue and margin of each candidate's row, when the file has money columns.
  const candidateMoney: Array<[number | null, number | null]> = [];
  const problems: string[] = [];
  // One response per customer and period counts. Pass 1 counts every row and
  // notes each customer's latest row in the periods the report can use: the
  // trend window, and the latest period before it (the previous period when
  // the window has none). Pass 2 takes the superseded rows back out.
  const last = quarterIndex(period);
  const windowStart = last - TREND_LOOKBACK_QUARTERS;
  const chooser = new LatestResponseChooser();
  // Themes are coded for the trend window only; their counts follow the same one-response rule.
  const matcher = new ThemeMatcher(themes);
  const themeTables = new ThemeTablesAccumulator(matcher);
  // The engine's rows of the period, with their lines, until pass 2 has chosen each customer's latest.
  const pmfColumns = new PmfCsvColumns();
  const pmfRows: Array<{ line: number; response: PmfResponse }> = [];
  const inWindow = (rowPeriod: string) => quarterIndex(rowPeriod) >= windowStart && quarterIndex(rowPeriod) <= last;
  let latestBeforeWindow: string | null = null;

  const layout = await readRecords(input, (row, line, fields) => {
    if (givenTiers !== null && !givenTiers.has(row.tier)) {
      throw new ResponseInputError(line, 'tier', `tier "${row.tier}" is not one of --tiers ${options.tiers!.join(',')}`);
    }
    if (problems.length > 0) return; // keep validating, stop counting
    tierLabels.add(row.tier);
    let accumulator = accumulators.get(row.period);
    if (accumulator === undefined) {
      accumulator = new PeriodTablesAccumulator({ profiles: false });
      accumulators.set(row.period, accumulator);
    }
    const ptiTwelfths = ptiTwelfthsOf(row);
    accumulator.add(row, ptiTwelfths);
    const quarter = quarterIndex(row.period);
    if (quarter < windowStart && (latestBeforeWindow === null || comparePeriods(row.period, latestBeforeWindow) > 0)) {
      if (latestBeforeWindow !== null) chooser.forget(latestBeforeWindow);
      latestBeforeWindow = row.period;
    }
    if ((quarter >= windowStart && quarter <= last) || row.period === latestBeforeWindow) {
      chooser.offer(row.period, row.customerId, row.completedAt, line, detached);
    }
    if (inWindow(row.period)) themeTables.add(row.period, row.tier, row);
    if (row.period === period) {
      const candidate = flagCandidateOf(row, ptiTwelfths);
      candidate.customerId = detached(candidate.customerId);
      candidates.push(candidate);
      candidateLines.push(line);
      if (row.revenue !== undefined) candidateMoney.push([row.revenue ?? null, row.margin ?? null]);
      pmfRows.push({ line, response: pmfColumns.responseOf(row, fields, line, detached) });
    }
  }, problems, undefined, (fields) => pmfColumns.readHeader(fields));
  if (problems.length > 0) throw new InputProblems(problems);

  const current = accumulators.get(period);
  if (current === undefined || layout === null) {
    throw new InputProblems([`column period: no row has the period ${period} given with --period`]);
  }
  const search = new EarlierPtiSearch(
    candidates.filter((candidate, index) => chooser.isChosen(period, candidate.customerId, candidateLines[index]!)),
  );
  await readRecords(input, (row, line) => {
    const ptiTwelfths = ptiTwelfthsOf(row);
    if (ptiTwelfths !== null) search.offer(row.customerId, row.completedAt, ptiTwelfths);
    if (chooser.repeatsIn(row.period, row.customerId) && !chooser.isChosen(row.period, row.customerId, line)) {
      accumulators.get(row.period)!.remove(row, ptiTwelfths);
      if (inWindow(row.period)) themeTables.remove(row.period, row.tier, row);
    }
  }, problems, { layout, onlyCustomers: (customerId) => search.wants(customerId) || chooser.hasRepeats(customerId) });
  if (problems.length > 0) throw new InputProblems(problems);

  const previousPeriod = previousPeriodOf(period, accumulators.keys());
  const history = [...accumulators]
    .filter(([candidate]) => candidate !== period && quarterIndex(candidate) >= windowStart && quarterIndex(candidate) < last)
    .map(([candidate, accumulator]) => ({ period: candidate, tables: accumulator.tables() }));
  const tiers = options.tiers ?? defaultTierOrder(tierLabels);
  const report = buildAnalysisReport({
    period,
    previousPeriod,
    tiers,
    current: current.tables(),
    previous: previousPeriod === null ? null : accumulators.get(previousPeriod)!.tables(),
    history,
    responsesToFlag: search.results(flaggableResponseOf),
  });
  const counted = pmfRows.filter(({ line, response }) => chooser.isChosen(period, response.id, line)).map(({ response }) => response);
  const document: AnalysisDocument = {
    ...report,
    themes: computeThemeReport(period, themeTables.tables(), tiers),
    engine: pmfEngineDocument(period, pmfColumns.columns, counted, tiers, matcher),
  };
  // With revenue or margin columns, the fit map and revenue at risk (docs/fit.md).
  if (layout.money.revenue !== undefined || layout.money.margin !== undefined) document.fit = fitOf(period, tiers, report, candidates, candidateLines, candidateMoney, chooser);
  return document;
}

/** The fit report of the period from each customer's counted response and the report's flags. */
function fitOf(
  period: string,
  tiers: readonly string[],
  report: AnalysisReport,
  candidates: readonly FlagCandidate[],
  candidateLines: readonly number[],
  candidateMoney: ReadonlyArray<[number | null, number | null]>,
  chooser: LatestResponseChooser,
): FitReport {
  const flagged = new Set(report.flags.map((flag) => flag.customerId));
  const customers: FitCustomer[] = [];
  candidates.forEach((candidate, index) => {
    if (!chooser.isChosen(period, candidate.customerId, candidateLines[index]!)) return;
    const [revenue, margin] = candidateMoney[index]!;
    customers.push({
      customerId: candidate.customerId,
      tier: candidate.tier,
      missUs: candidate.missUs,
      ptiTwelfths: candidate.ptiTwelfths,
      flagged: flagged.has(candidate.customerId),
      revenue,
      margin,
    });
  });
  return computeFit({ period, tiers, customers });
}

/** Raised to stop reading once enough problems are collected. */
class TooManyProblems extends Error {}

/**
 * Streams the CSV file, validates each record and hands valid rows to
 * `onRow`. Problems (bad values, bad CSV) are collected into `problems`;
 * an unreadable file is a problem too. Returns the header layout.
 */
async function readRecords(
  path: string,
  onRow: (row: ResponseRow, line: number, fields: readonly string[]) => void,
  problems: string[],
  known?: { layout: ResponseCsvLayout; onlyCustomers: (customerId: string) => boolean },
  onHeader?: (fields: readonly string[]) => void,
): Promise<ResponseCsvLayout | null> {
  let layout = known?.layout ?? null;
  let sawHeader = false;
  const report = (message: string) => {
    problems.push(message);
    if (problems.length >= MAX_REPORTED_ERRORS) throw new TooManyProblems();
  };
  const splitter = new CsvRecordSplitter((fields, line) => {
    if (!sawHeader) {
      sawHeader = true;
      layout ??= readResponseHeader(fields, line);
      onHeader?.(fields);
      return;
    }
    if (known !== undefined) {
      // Pass 2: rows of customers without a response in the period cannot matter.
      const customerId = fields[known.layout.positions.customer_id]?.trim() ?? '';
      if (!known.onlyCustomers(customerId)) return;
    }
    try {
      onRow(parseResponseRecord(fields, line, layout!), line, fields);
    } catch (error) {
      if (!(error instanceof ResponseInputError)) throw error;
      report(error.message);
    }
  });
  try {
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 18 });
    for await (const chunk of stream) splitter.push(chunk as string);
    splitter.end();
    if (!sawHeader) report('line 1: the file is empty; expected a header row');
  } catch (error) {
    if (error instanceof TooManyProblems) {
      problems.push(`stopped after ${MAX_REPORTED_ERRORS} problems`);
    } else if (error instanceof ResponseInputError) {
      problems.push(error.message);
    } else if (error instanceof CsvSyntaxError) {
      const column = layout === null ? null : columnAt(layout, error.fieldIndex);
      problems.push(`line ${error.line}${column === null ? '' : `, column ${column}`}: ${error.message}`);
    } else if (isFileError(error)) {
      problems.push(`cannot read the file (${error.code}): ${error.message}`);
    } else {
      throw error;
    }
  }
  return layout;
}

/** Resolves once the stream has taken the text, so a caller may exit right after. */
function writeFully(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * A copy of `text` that does not share memory with the chunk it was cut from.
 * V8 may represent a slice of a long string as a view into it, so keeping one
 * customer id per response of the period could otherwise keep every chunk of
 * the file alive.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function columnAt(layout: ResponseCsvLayout, fieldIndex: number): string {
  const entry = Object.entries(layout.positions).find(([, position]) => position === fieldIndex);
  return entry?.[0] ?? `#${fieldIndex + 1}`;
}

function isFileError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
