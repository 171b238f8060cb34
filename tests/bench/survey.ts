/**
 * Benchmark of the customer's survey on PostgreSQL.
 *
 *   DATABASE_URL=postgres://… npm run bench:survey [invitations] [--seconds N] [--profile DIR]
 *   (default 10,000 invitations and 10 s per run; --profile writes the server's CPU profile to DIR)
 *
 * Creates a throwaway database on the server, seeds one workspace with an
 * open campaign and as many invited customers, starts the real server
 * (`node --import tsx app/server.ts`, the built app behind Express, without the email dispatcher) in a child process and
 * loads it with autocannon from this process:
 *
 * - step pages: GET /s/<token> from 50 clients, every request another
 *   invitation (issue 4: at least 1,000 per second, p95 under 30 ms), once
 *   as fast as the server answers and once offering 1,000 per second;
 * - step submissions: POST /s/<token>?step=N from 50 clients, each client
 *   answering its own customers' steps in order, so every post saves a step
 *   (at least 500 per second, p99 under 100 ms), again at full speed and
 *   offering 500 per second.
 *
 * With 50 clients at full speed the latency is 50 / throughput by
 * construction, so the latency targets are read at the offered rates, with
 * the requests spread evenly over each second (tests/bench/http-load.ts says
 * why). The server's CPU time per request (from /proc) shows the cost
 * independent of other load on the machine.
 *
 * Then prints the JavaScript a survey page loads (compressed) and the
 * page's own compressed size. Run `npm run build` first.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../../db/client.server';
import { responses } from '../../db/schema';
import { fullSpeed, paced } from './http-load';
import { recordFigure, startBenchServer, withDatabaseName, type BenchServer } from './support';
import { seedSurveyBench, STEP_ANSWERS, surveyVisits } from './survey-seed';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const INVITATIONS = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 10_000);
const SECONDS = option('--seconds', 10);
/** `--profile DIR`: the server writes a V8 CPU profile there when it stops (open it in Chrome's DevTools). */
const PROFILE_DIR = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : undefined;
const CONNECTIONS = 50;
const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The scripts a survey page loads, and the page itself, gzip-compressed. */
async function pageWeight(origin: string, token: string) {
  const html = await (await fetch(`${origin}/s/${token}`)).text();
  const scripts = [
    ...html.matchAll(/<script[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1]!);
  const inline = [...html.matchAll(/<script(?![^>]*src=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).join('');
  let scriptBytes = gzipSync(inline).length * (inline ? 1 : 0);
  for (const src of new Set(scripts)) scriptBytes += gzipSync(Buffer.from(await (await fetch(new URL(src, origin))).arrayBuffer())).length;
  return { scripts: new Set(scripts).size + (inline ? 1 : 0), scriptBytes, htmlBytes: gzipSync(html).length };
}

/** The HTML size of every step page, uncompressed (a completed response can open each step). */
async function stepSizes(origin: string, token: string): Promise<number[]> {
  return Promise.all(STEP_ANSWERS.map(async (_, step) => (await (await fetch(`${origin}/s/${token}?step=${step}`)).arrayBuffer()).byteLength));
}

async function main() {
  if (!existsSync('build/index.js')) throw new Error('Run `npm run build` first.');
  const name = `wouldmiss_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = withDatabaseName(baseUrl, name);
  let server: BenchServer | undefined;
  try {
    console.log(`Machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the start.`);
    let started = Date.now();
    const tokens = await seedSurveyBench(url, INVITATIONS);
    console.log(`Seeded ${tokens.length.toLocaleString('en')} invitations in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
    server = await startBenchServer({ DATABASE_URL: url }, { nodeArgs: profile });
    const origin = server.origin;

    const { view, submit, postTokens, wrappedAround } = surveyVisits(tokens, origin);
    const load = { clients: CONNECTIONS, seconds: SECONDS, serverPid: server.pid };
    await fullSpeed('warm-up', origin, view, { ...load, seconds: 3 });
    const pages = await fullSpeed('page GET, max', origin, view, load);
    const pagesAtTarget = await paced('page GET, 1,000/s', origin, view, { ...load, rate: 1_000 });
    const posts = await fullSpeed('step POST, max', origin, submit, load);
    const postsAtTarget = await paced('step POST, 500/s', origin, submit, { ...load, rate: 500 });
    if (wrappedAround()) console.log('Note: the submissions wrapped around the invitations; later posts updated saved steps.');

    const check = await openDatabase({ driver: 'postgres', url, maxConnections: 1 });
    const [counts] = await check.db
      .select({ started: sql<number>`count(*)::int`, completed: sql<number>`count(*) filter (where ${responses.status} = 'completed')::int` })
      .from(responses);
    await check.close();
    const weight = await pageWeight(origin, tokens[0]!);
    const sizes = await stepSizes(origin, postTokens[0]!);

    const row = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(18) : cell.padStart(10))).join(' | ')} |`;
    console.log('');
    console.log(`Survey benchmark: PostgreSQL, ${tokens.length.toLocaleString('en')} invitations, ${CONNECTIONS} connections, ${SECONDS} s each`);
    console.log(row(['', 'requests', 'per second', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'server CPU ms/req', 'load']));
    console.log(row(['---', '---', '---', '---', '---', '---', '---', '---', '---']));
    for (const result of [pages, pagesAtTarget, posts, postsAtTarget]) {
      console.log(
        row([
          result.title,
          String(result.total),
          result.perSecond.toFixed(0),
          result.p50.toFixed(1),
          result.p95.toFixed(1),
          result.p99.toFixed(1),
          String(result.errors),
          result.cpuPerRequest.toFixed(2),
          result.load.toFixed(1),
        ]),
      );
    }
    console.log('');
    console.log(`Status codes: pages ${pages.statuses} / ${pagesAtTarget.statuses}; submissions ${posts.statuses} / ${postsAtTarget.statuses} (303 = step saved, next page)`);
    console.log(
      `Load generator's event-loop delay, p99: ${pagesAtTarget.generatorDelayP99!.toFixed(1)} ms (pages at 1,000/s), ${postsAtTarget.generatorDelayP99!.toFixed(1)} ms (submissions at 500/s)`,
    );
    console.log('"max": 50 clients as fast as the server answers (latency = 50 / throughput); "N/s": 50 clients offering N requests per second in total, evenly spread, latency counted from when each request was due.');
    console.log('"server CPU ms/req": CPU time of the server process per request (from /proc), the figure to compare on a busy machine; "load": 1-minute load average at the end of the run.');
    console.log(`Responses in the database: ${counts!.started} started, ${counts!.completed} completed`);
    console.log(
      `Survey page: ${weight.scripts} scripts, ${(weight.scriptBytes / 1024).toFixed(1)} KB JavaScript compressed; HTML ${(weight.htmlBytes / 1024).toFixed(1)} KB gzipped (sent uncompressed)`,
    );
    console.log(`Step pages, HTML uncompressed: ${sizes.map((bytes) => `${(bytes / 1024).toFixed(1)} KB`).join(', ')}`);
    const [load1] = loadavg();
    console.log(`Machine: ${cpus().length} cores, load average ${load1!.toFixed(1)} at the end (other work on the machine slows every figure).`);
    console.log('Targets: pages ≥ 1,000/s with p95 < 30 ms; submissions ≥ 500/s with p99 < 100 ms; JavaScript ≤ 100 KB.');
    // For `npm run bench`: each figure next to the same measurement of tests/bench/baseline-survey.ts.
    const figure = (key: string, label: string, value: number, unit: string, better: 'lower' | 'higher', target?: number) =>
      recordFigure({ key, label, value, unit, better, target, baseline: key.startsWith('survey.js') ? undefined : `baseline.${key}` });
    figure('survey.page.perSecond', 'survey page, full speed (50 connections)', pages.perSecond, '/s', 'higher', 1_000);
    figure('survey.page.cpu', 'survey page, server CPU per request', pages.cpuPerRequest, 'ms', 'lower');
    figure('survey.page.p95AtRate', 'survey page p95, offered 1,000/s', pagesAtTarget.p95, 'ms', 'lower', 30);
    figure('survey.post.perSecond', 'step submission, full speed (50 connections)', posts.perSecond, '/s', 'higher', 500);
    figure('survey.post.cpu', 'step submission, server CPU per request', posts.cpuPerRequest, 'ms', 'lower');
    figure('survey.post.p99AtRate', 'step submission p99, offered 500/s', postsAtTarget.p99, 'ms', 'lower', 100);
    figure('survey.js', 'JavaScript of a survey page, compressed', weight.scriptBytes / 1024, 'KB', 'lower', 100);
  } finally {
    await server?.stop();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
