/**
 * Benchmarks of the analysis and the dashboards on the large data set
 * (200,000 customers, 1,000,000 responses over 12 quarters) in PostgreSQL:
 *   - analysis of one period, end to end (cold: no rollup cache; warm);
 *   - flags for the largest campaign (100,000 responses): one batch at a time, as
 *     one evaluator works a backlog (batches side by side), and by two evaluators;
 *   - the quarterly tier review for 8 quarters, in process and over HTTP (p95),
 *     against a plain `SELECT count(*)` over the responses as the baseline.
 * Run: npm run bench:reports [-- --seed]   (--seed creates the data set first)
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { and, eq, sql } from 'drizzle-orm';
import { hashPassword } from '../../app/auth/password.server';
import { analyzePeriod } from '../../app/reports/analysis.server';
import { evaluateAllQueuedFlags, evaluationLanes } from '../../app/flags/evaluate.server';
import { forgetComputedReviews, tierReview } from '../../app/reports/tier-review.server';
import { openDatabase, type Database } from '../../db/client.server';
import { campaigns, flags, memberships, periodRollups, users, workspaces } from '../../db/schema';
import { createLargeWorkspace, LARGE, LARGE_PERIODS } from '../../db/seed/large.server';
import { benchUrl, ensureDatabase, loadTest, machine, percentile, printTable, recordFigure, time } from './support';

async function main() {
  // The page is measured as `npm start` serves it: React's production build.
  // React picks its build from NODE_ENV when first loaded, so the app (which
  // loads React) is imported only after this line.
  process.env.NODE_ENV = 'production';
  const { startTestApp } = await import('../support/app');
  await ensureDatabase(benchUrl);
  // postgres.js names its connections after PGAPPNAME: this process's
  // backends can then be found, for the CPU time PostgreSQL spends on them.
  process.env.PGAPPNAME = `bench-reports-${process.pid}`;
  const handle = await openDatabase({ driver: 'postgres', url: benchUrl, maxConnections: 10 });
  const { db } = handle;
  let [workspace] = await db.select().from(workspaces).where(eq(workspaces.slug, LARGE.slug));
  if (!workspace || process.argv.includes('--seed')) {
    console.error('Creating the large data set (200,000 customers, 1,000,000 responses)…');
    const seeded = await createLargeWorkspace(benchUrl, { log: (line) => console.error(`  ${line}`) });
    console.error(`  done in ${seeded.seconds.toFixed(1)} s`);
    [workspace] = await db.select().from(workspaces).where(eq(workspaces.slug, LARGE.slug));
  }
  const workspaceId = workspace!.id;
  const rows: Array<{ what: string; figure: string; target?: string }> = [];
  const clearCache = async () => {
    forgetComputedReviews(db);
    await db.delete(periodRollups).where(eq(periodRollups.workspaceId, workspaceId));
  };

  const [{ n } = { n: 0 }] = (await db.execute(sql`select count(*)::int as n from responses`)) as unknown as Array<{ n: number }>;
  const baseline: number[] = [];
  for (let i = 0; i < 5; i++) baseline.push((await time(() => db.execute(sql`select count(*) from responses`))).ms);
  rows.push({ what: `baseline: select count(*) over ${n.toLocaleString('en')} responses`, figure: `${percentile(baseline, 50).toFixed(0)} ms` });
  recordFigure({ key: 'reports.count', label: `select count(*) over ${n.toLocaleString('en')} responses, median`, value: percentile(baseline, 50), unit: 'ms', better: 'lower' });

  const period = LARGE_PERIODS[LARGE_PERIODS.length - 2]!;
  await clearCache();
  const backendsBefore = await backendCpu(db);
  const nodeBefore = process.cpuUsage();
  const cold = await time(() => analyzePeriod(db, workspaceId, period));
  const nodeCpu = process.cpuUsage(nodeBefore);
  const backendsAfter = await backendCpu(db);
  rows.push({ what: `analysis of one period (${period}), cold`, figure: `${cold.ms.toFixed(0)} ms`, target: '< 1,000 ms' });
  recordFigure({ key: 'reports.analysis.cold', label: 'analysis of one period, cold (large data set)', value: cold.ms, unit: 'ms', target: 1_000, better: 'lower' });
  const nodeMs = (nodeCpu.user + nodeCpu.system) / 1000;
  const backendMs = backendsBefore && backendsAfter ? cpuSpent(backendsBefore, backendsAfter) : null;
  rows.push({
    what: '  CPU: Node / PostgreSQL backends',
    figure: `${nodeMs.toFixed(0)} / ${backendMs === null ? 'n/a (server not on this machine)' : `${backendMs.toFixed(0)}`} ms`,
  });
  recordFigure({ key: 'reports.analysis.cold.nodeCpu', label: 'analysis of one period, cold, CPU of Node', value: nodeMs, unit: 'ms', better: 'lower' });
  if (backendMs !== null) {
    recordFigure({ key: 'reports.analysis.cold.backendCpu', label: 'analysis of one period, cold, CPU of the PostgreSQL backends', value: backendMs, unit: 'ms', better: 'lower' });
  }
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) warm.push((await time(() => analyzePeriod(db, workspaceId, period))).ms);
  rows.push({ what: 'analysis of one period, warm (median)', figure: `${percentile(warm, 50).toFixed(0)} ms` });
  recordFigure({ key: 'reports.analysis.warm', label: 'analysis of one period, warm, median', value: percentile(warm, 50), unit: 'ms', better: 'lower' });

  const latest = LARGE_PERIODS[LARGE_PERIODS.length - 1]!;
  const [campaign] = await db.select().from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.period, latest)));
  const [{ responses } = { responses: 0 }] = (await db.execute(
    sql`select count(*)::int as responses from responses where campaign_id = ${campaign!.id} and status = 'completed'`,
  )) as unknown as Array<{ responses: number }>;
  // Judge the whole campaign again through the live queue, as if every answer had just come in:
  // one batch at a time, then as an evaluator works a backlog (`evaluationLanes` batches side by side).
  const requeueCampaign = async () => {
    await db.delete(flags).where(eq(flags.campaignId, campaign!.id));
    await db.execute(sql`insert into flag_evaluations (response_id)
      select id from responses where campaign_id = ${campaign!.id} and status = 'completed' on conflict do nothing`);
  };
  const judgeCampaign = async (lanes?: number) => {
    await requeueCampaign();
    return time(() => evaluateAllQueuedFlags(db, { limit: 1000, lanes }));
  };
  const oneLane = await judgeCampaign(1);
  rows.push({ what: `flags for a campaign of ${responses.toLocaleString('en')} responses, one batch at a time (${oneLane.result.raised} raised)`, figure: `${oneLane.ms.toFixed(0)} ms` });
  recordFigure({ key: 'reports.flags.oneLane', label: 'flags for the same campaign, one batch at a time', value: oneLane.ms, unit: 'ms', better: 'lower' });
  const flagRun = await judgeCampaign();
  rows.push({
    what: `the same, ${evaluationLanes(db)} batches at a time as an evaluator works a backlog (${flagRun.result.raised} raised)`,
    figure: `${flagRun.ms.toFixed(0)} ms`,
    target: '< 5,000 ms',
  });
  recordFigure({ key: 'reports.flags', label: `flags for a campaign of ${responses.toLocaleString('en')} responses`, value: flagRun.ms, unit: 'ms', target: 5_000, better: 'lower' });
  // Again with two evaluators sharing the queue, as the app and `npm run worker`
  // do (each claims its own batches; SKIP LOCKED keeps them apart).
  await requeueCampaign();
  const pairRun = await time(() => Promise.all([evaluateAllQueuedFlags(db, { limit: 1000 }), evaluateAllQueuedFlags(db, { limit: 1000 })]));
  const pairRaised = pairRun.result.reduce((sum, run) => sum + run.raised, 0);
  rows.push({ what: `the same, two evaluators side by side (${pairRaised} raised)`, figure: `${pairRun.ms.toFixed(0)} ms`, target: '< 5,000 ms' });
  recordFigure({ key: 'reports.flags.two', label: 'flags for the same campaign, two evaluators', value: pairRun.ms, unit: 'ms', target: 5_000, better: 'lower' });

  // Autovacuum would get there on its own: until the new flags are in the
  // visibility map, the open-flag count in every page's navigation reads
  // 13,621 heap pages (about 60 ms) instead of an index.
  await db.execute(sql`vacuum (analyze) flags`);

  const range = { from: LARGE_PERIODS[4], to: LARGE_PERIODS[11] };
  await clearCache();
  const reviewCold = await time(() => tierReview(db, workspaceId, range));
  rows.push({ what: 'tier review, 8 quarters, in process, cold (no rollup)', figure: `${reviewCold.ms.toFixed(0)} ms` });
  const reviewComputed: number[] = [];
  for (let i = 0; i < 30; i++) {
    forgetComputedReviews(db);
    reviewComputed.push((await time(() => tierReview(db, workspaceId, range))).ms);
  }
  rows.push({ what: 'tier review, 8 quarters, in process, from the rollup, p95', figure: `${percentile(reviewComputed, 95).toFixed(1)} ms` });
  recordFigure({ key: 'reports.review.rollup', label: 'tier review, 8 quarters, in process, from the rollup, p95', value: percentile(reviewComputed, 95), unit: 'ms', better: 'lower', baseline: 'reports.count' });
  const reviewWarm: number[] = [];
  for (let i = 0; i < 30; i++) reviewWarm.push((await time(() => tierReview(db, workspaceId, range))).ms);
  rows.push({ what: 'tier review, 8 quarters, in process, computed review in memory, p95', figure: `${percentile(reviewWarm, 95).toFixed(1)} ms` });

  // Over HTTP, as an owner sees it: the full page with session check and rendering.
  const email = 'bench-owner@large.example';
  await db.delete(users).where(eq(users.email, email));
  const [owner] = await db.insert(users).values({ email, name: 'Bench Owner', passwordHash: await hashPassword('bench-password-1') }).returning();
  await db.insert(memberships).values({ workspaceId, userId: owner!.id, role: 'owner' });
  const app = await startTestApp(handle);
  const client = app.client();
  await client.login(email, 'bench-password-1');
  const path = `/app/results?from=${range.from}&to=${range.to}`;
  const headers = { cookie: client.cookieHeader };
  const page = await fetch(app.base + path, { headers: { ...headers, 'accept-encoding': 'identity' } });
  const html = await page.text();
  const gzipped = await compressedSize(app.base + path, headers);
  const data = await (await fetch(`${app.base}${path}&_data=routes%2Fapp.results._index`, { headers })).text();
  rows.push({
    what: `review page size: HTML (${page.status}) / ${gzipped.encoding ?? 'not compressed!'} / loader data`,
    figure: `${kB(html.length)} / ${kB(gzipped.bytes)} / ${kB(data.length)}`,
  });
  if (!reactProduction()) console.error('Warning: React runs its development build; figures are not those of `npm start`.');
  for (const connections of [1, 4]) {
    // The app and the load generator share this process, so its CPU time per
    // request is an upper bound of the server's.
    const cpuBefore = process.cpuUsage();
    const result = await loadTest(app.base + path, { connections, durationMs: 10_000, headers });
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerRequest = (cpu.user + cpu.system) / 1000 / Math.max(result.requests, 1);
    rows.push({
      what: `tier review page over HTTP, ${connections} connection${connections > 1 ? 's' : ''} (${result.requests} requests, ${result.errors} errors), load ${os.loadavg()[0]!.toFixed(1)}: p95`,
      figure: `${result.p95.toFixed(0)} ms`,
      target: '< 300 ms',
    });
    recordFigure({
      key: `reports.reviewPage.${connections}`,
      label: `tier review page over HTTP, ${connections} connection${connections > 1 ? 's' : ''}, p95`,
      value: result.p95,
      unit: 'ms',
      target: 300,
      better: 'lower',
      baseline: 'reports.count',
    });
    rows.push({
      what: `  p50 / p99; Node CPU per request (server and load generator)`,
      figure: `${result.p50.toFixed(0)} / ${result.p99.toFixed(0)} ms; ${cpuPerRequest.toFixed(1)} ms`,
    });
    if (connections === 4) rows.push({ what: 'ratio: review page p95 (4 connections) / count(*) baseline', figure: (result.p95 / percentile(baseline, 50)).toFixed(2) });
  }
  await app.close();
  await db.delete(users).where(eq(users.id, owner!.id));
  await handle.close();

  console.log(`Machine: ${machine()}`);
  printTable(rows);
}

/** Bytes on the wire of a response sent to a client that accepts gzip. */
function compressedSize(url: string, headers: Record<string, string>): Promise<{ bytes: number; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { ...headers, 'accept-encoding': 'gzip' } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ bytes, encoding: response.headers['content-encoding'] }));
      response.on('error', reject);
    });
  });
}

/**
 * CPU time (ms) each of this process's PostgreSQL backends has used, from
 * /proc/PID/schedstat: only where the server runs on this machine and its
 * processes can be read (else null). Parallel workers, which end with their
 * query, are not counted.
 */
async function backendCpu(db: Database): Promise<Map<number, number> | null> {
  const backends = (await db.execute(
    sql`select pid from pg_stat_activity where application_name = ${process.env.PGAPPNAME ?? ''}`,
  )) as unknown as Array<{ pid: number }>;
  const spent = new Map<number, number>();
  try {
    for (const { pid } of backends) spent.set(pid, Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
  } catch {
    return null;
  }
  return spent;
}

/** CPU the backends used between two readings; a backend opened meanwhile counts from its start. */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

function kB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

/** Whether the React loaded in this process is its production build. */
function reactProduction(): boolean {
  return Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('react-dom-server.node.production'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
