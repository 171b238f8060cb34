/**
 * `npx tsx tests/bench/review-lists.ts`: the overview's table per period and
 * tier and the review's list of top-tier customers who did not answer, on
 * PostgreSQL and the large data set (issue 20; `npm run bench:reports`
 * builds it in DATABASE_URL's database, default wouldmiss_bench).
 *
 * For each: the first read in a fresh process (nothing cached in memory),
 * the read after a change of the running quarter only (its `tables_version`
 * bumped, as a new answer does), and warm reads (median of 20). CPU is this
 * process's and the PostgreSQL backends' of the database (from /proc), so
 * the figures mean something on a loaded machine. Nothing is written but
 * the bumped counter, which only makes caches recount.
 */
import postgres from 'postgres';
import { openDatabase } from '../../db/client.server';
import { forgetNonResponders, topTierNonResponders } from '../../app/reports/non-responders.server';
import { forgetPeriodTierOverview, periodTierOverview } from '../../app/reports/overview.server';
import { benchUrl, databaseBackendsCpuMs, machine, percentile } from './support';

const url = benchUrl;
const admin = postgres(url, { max: 1, onnotice: () => {} });

/** CPU ms of this process and of the database's backends other than the admin connection. */
async function cpu(): Promise<{ node: number; pg: number }> {
  const usage = process.cpuUsage();
  return { node: (usage.user + usage.system) / 1000, pg: await databaseBackendsCpuMs(admin) };
}

async function measure(label: string, work: () => Promise<unknown>): Promise<void> {
  const before = await cpu();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const after = await cpu();
  console.log(
    `${label.padEnd(52)} ${ms.toFixed(1).padStart(9)} ms   node CPU ${(after.node - before.node).toFixed(0).padStart(6)} ms   PostgreSQL CPU ${(after.pg - before.pg).toFixed(0).padStart(6)} ms`,
  );
}

async function main(): Promise<void> {
  const handle = await openDatabase({ driver: 'postgres', url, maxConnections: 4 }, { migrate: false });
  const db = handle.db;
  const [workspace] = await admin<{ id: string }[]>`select id from workspaces order by created_at limit 1`;
  const [latest] = await admin<{ period: string }[]>`select max(period) as period from campaigns where workspace_id = ${workspace!.id}`;
  const period = latest!.period;
  console.log(`${machine()}; workspace ${workspace!.id}, quarter ${period}`);
  // Connections opened before measuring, so their start-up is not counted.
  await Promise.all([1, 2, 3, 4].map(() => admin`select 1`));

  forgetPeriodTierOverview(db);
  await measure('overview table: first read', () => periodTierOverview(db, workspace!.id));
  await admin`update period_rollup_versions set tables_version = tables_version + 1 where workspace_id = ${workspace!.id} and period = ${period}`;
  await measure('overview table: after a new answer of the quarter', () => periodTierOverview(db, workspace!.id));
  const overviewWarm: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await periodTierOverview(db, workspace!.id);
    overviewWarm.push(performance.now() - started);
  }
  console.log(`${'overview table: warm, median of 20'.padEnd(52)} ${percentile(overviewWarm, 50).toFixed(1).padStart(9)} ms`);

  forgetNonResponders(db);
  await measure('top-tier non-responders: first read', () => topTierNonResponders(db, workspace!.id, period));
  await admin`update period_rollup_versions set tables_version = tables_version + 1 where workspace_id = ${workspace!.id} and period = ${period}`;
  await measure('top-tier non-responders: after a new answer', () => topTierNonResponders(db, workspace!.id, period));
  const listWarm: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await topTierNonResponders(db, workspace!.id, period);
    listWarm.push(performance.now() - started);
  }
  console.log(`${'top-tier non-responders: warm, median of 20'.padEnd(52)} ${percentile(listWarm, 50).toFixed(1).padStart(9)} ms`);
  await handle.close();
  await admin.end();
}

await main();
