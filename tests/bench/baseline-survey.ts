/**
 * The baseline of the survey benchmark (tests/bench/survey.ts): what this
 * machine allows for the same work without the app around it.
 *
 *   DATABASE_URL=postgres://… npm run bench:baseline [invitations] [--seconds N]   (default 10,000 and 10 s)
 *
 * Seeds a throwaway database the same way as the survey benchmark (one
 * workspace, an open campaign, as many invited customers), then starts, in a
 * child process, a minimal `node:http` server with the `postgres` driver and
 * a pool of 10 connections (the app's default) that does only the database
 * work of the survey routes:
 *
 * - GET /s/<token>: the app's one read of a survey page (the invitation by
 *   its token hash, with campaign, survey version, workspace, customer and
 *   saved response), then a small HTML page;
 * - POST /s/<token>?step=N: that read, then the app's upsert of the step's
 *   answers into the response row, then a 303 to the next step.
 *
 * It is loaded exactly as the survey benchmark loads the app
 * (tests/bench/http-load.ts: 50 clients, full speed and offered 1,000 or 500
 * per second), so app ÷ baseline says how much the app's own work costs per
 * request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { cpus, loadavg } from 'node:os';
import postgres from 'postgres';
import { fullSpeed, paced } from './http-load';
import { freePort, recordFigure, withDatabaseName } from './support';
import { seedSurveyBench, STEP_ANSWERS, surveyVisits } from './survey-seed';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const CONNECTIONS = 50;
const STEP_COLUMNS = [['miss_us'], ['miss_most', 'alternative'], ['treat_valued', 'treat_responsive', 'treat_equal', 'treat_promise'], ['benefit', 'csat', 'recommend'], ['improve']];
const NUMERIC = new Set(['treat_valued', 'treat_responsive', 'treat_equal', 'treat_promise', 'benefit', 'csat', 'recommend']);

/** The server side: runs in the child process (`--serve PORT`, DATABASE_URL set). */
async function serve(port: number, url: string) {
  const db = postgres(url, { max: 10, onnotice: () => {} });
  const read = (token: string) => db`
    select i.id, i.workspace_id, i.campaign_id, i.customer_id, c.period, c.status as campaign_status, c.closes_at, v.id as version_id,
      v.definition, w.name as company, cu.locale as customer_locale, r.id as response_id, r.status, r.step, r.locale,
      (select jsonb_object_agg(a.question_key, a.value) from response_answers a where a.response_id = r.id) as custom
    from invitations i join campaigns c on c.id = i.campaign_id join survey_versions v on v.id = c.survey_version_id
      join workspaces w on w.id = i.workspace_id join customers cu on cu.id = i.customer_id left join responses r on r.invitation_id = i.id
    where i.token_hash = ${createHash('sha256').update(token).digest('hex')} limit 1`;
  const body = (request: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let text = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (text += chunk));
      request.on('end', () => resolve(text));
      request.on('error', reject);
    });
  const server = createServer(async (request, response) => {
    try {
      const target = new URL(request.url ?? '/', 'http://localhost');
      const token = /^\/s\/([A-Za-z0-9_-]{22,128})$/.exec(target.pathname)?.[1];
      const [row] = token ? await read(token) : [];
      if (!row) {
        response.writeHead(404).end('not found');
        return;
      }
      if (request.method === 'POST') {
        const form = new URLSearchParams(await body(request));
        const step = Number(form.get('step'));
        const columns = STEP_COLUMNS[step] ?? [];
        const values = Object.fromEntries(columns.map((name) => [name, NUMERIC.has(name) ? Number(form.get(name)) : form.get(name) || null]));
        const complete = step === STEP_ANSWERS.length - 1;
        await db`
          insert into responses ${db({ workspace_id: row.workspace_id, campaign_id: row.campaign_id, invitation_id: row.id, customer_id: row.customer_id,
            period: row.period, locale: 'de', status: complete ? 'completed' : 'started', step: step + 1, completed_at: complete ? new Date() : null, ...values })}
          on conflict (invitation_id) do update set ${db(values, ...columns)}, step = greatest(responses.step, excluded.step),
            status = case when responses.status = 'completed' or excluded.status = 'completed' then 'completed' else 'started' end,
            completed_at = coalesce(responses.completed_at, excluded.completed_at), updated_at = now()`;
        response.writeHead(303, { Location: `/s/${token}?step=${step + 1}` }).end();
        return;
      }
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="de"><title>${row.company}</title><form method="post"><p>Schritt ${row.step ?? 0}</p><button>Weiter</button></form></html>`);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  server.listen(port, '127.0.0.1');
}

async function startServer(url: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/baseline-survey.ts', '--serve', String(port)], {
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('The baseline server did not start.');
}

async function main() {
  // The number of invitations is the one bare number that is not an option's value.
  const count = Number(args.find((arg, i) => /^\d+$/.test(arg) && !args[i - 1]?.startsWith('--')) ?? 10_000);
  const seconds = option('--seconds', 10);
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `wouldmiss_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = withDatabaseName(serverUrl, name);
  let server: ChildProcess | undefined;
  try {
    const tokens = await seedSurveyBench(url, count);
    const port = await freePort();
    server = await startServer(url, port);
    const origin = `http://127.0.0.1:${port}`;
    const { view, submit } = surveyVisits(tokens, origin);
    const load = { clients: CONNECTIONS, seconds, serverPid: server.pid };
    await fullSpeed('warm-up', origin, view, { ...load, seconds: 3 });
    const pages = await fullSpeed('page GET, max', origin, view, load);
    const pagesAtRate = await paced('page GET, 1,000/s', origin, view, { ...load, rate: 1_000 });
    const posts = await fullSpeed('step POST, max', origin, submit, load);
    const postsAtRate = await paced('step POST, 500/s', origin, submit, { ...load, rate: 500 });
    const check = postgres(url, { max: 1 });
    const [saved] = await check<Array<{ started: number; completed: number }>>`
      select count(*)::int as started, count(*) filter (where status = 'completed')::int as completed from responses`;
    await check.end();

    console.log(`Survey baseline (node:http + postgres, the app's queries only): ${tokens.length.toLocaleString('en')} invitations, ${CONNECTIONS} connections, ${seconds} s each`);
    console.log('| | requests | per second | p50 ms | p95 ms | p99 ms | errors | statuses | server CPU ms/req |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of [pages, pagesAtRate, posts, postsAtRate]) {
      console.log(`| ${r.title} | ${r.total} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${r.statuses} | ${r.cpuPerRequest.toFixed(2)} |`);
    }
    console.log(`Load generator's event-loop delay, p99: ${pagesAtRate.generatorDelayP99!.toFixed(1)} ms (pages at 1,000/s), ${postsAtRate.generatorDelayP99!.toFixed(1)} ms (submissions at 500/s)`);
    if (saved) console.log(`Responses saved by the baseline: ${saved.started} (${saved.completed} completed)`);
    console.log(`Machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end.`);

    const figure = (key: string, label: string, value: number, unit: string, better: 'lower' | 'higher') =>
      recordFigure({ key: `baseline.${key}`, label: `node:http + postgres: ${label}`, value, unit, better });
    figure('survey.page.perSecond', 'survey page, full speed', pages.perSecond, '/s', 'higher');
    figure('survey.page.cpu', 'survey page, server CPU per request', pages.cpuPerRequest, 'ms', 'lower');
    figure('survey.page.p95AtRate', 'survey page p95, offered 1,000/s', pagesAtRate.p95, 'ms', 'lower');
    figure('survey.post.perSecond', 'step submission, full speed', posts.perSecond, '/s', 'higher');
    figure('survey.post.cpu', 'step submission, server CPU per request', posts.cpuPerRequest, 'ms', 'lower');
    figure('survey.post.p99AtRate', 'step submission p99, offered 500/s', postsAtRate.p99, 'ms', 'lower');
  } finally {
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

if (args[0] === '--serve') {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('--serve needs DATABASE_URL');
  void serve(Number(args[1]), url);
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
