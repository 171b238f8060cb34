/**
 * `npx tsx tests/bench/live-parts.ts [--parts name,…] [--rounds 3]`: what each
 * part of the staff pages in `npm run bench:live` (the overview, the review of
 * the current quarter, its flag queue) costs warm and right after a change of
 * the running quarter, on PostgreSQL and the large data set (issue 20;
 * DATABASE_URL, default wouldmiss_bench).
 *
 * A change is what a new answer does to the caches: the quarter's
 * `tables_version` bumped (nothing else is written; the bump only makes
 * caches keyed by it recompute). The profiles stay the same, so the driver
 * importance comes from its per-tier results (app/analysis/driver-importance.ts):
 * the tier review's figure after a change leaves out the bootstrap that a
 * real answer costs its own tier (`npm run bench:live` has it); the part
 * "driverImportance, all tiers" is that bootstrap alone, for every tier of
 * the quarter with one answer more each time (so it is never reused, warm or
 * not). For each part: the median of `rounds`
 * warm calls, and the median of `rounds` calls each right after a bump, as
 * wall time, this process's CPU and the database backends' CPU (from /proc;
 * parallel query workers not counted). Parts run one at a time.
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../db/client.server';
import { listTiers } from '../../app/customers/tiers.server';
import { countOpenFlags, periodTierOverview, workspaceSummary } from '../../app/reports/overview.server';
import { countOverdueFlags, flagPage, listAssignees } from '../../app/flags/flags.server';
import { serviceLevelOf } from '../../app/flags/settings.server';
import { flagLoop } from '../../app/reports/flag-loop.server';
import { quarterFitHeadlines } from '../../app/reports/fit.server';
import { topTierNonResponders } from '../../app/reports/non-responders.server';
import { servicePromisesOf } from '../../app/reports/service-promises.server';
import { openFlagsByTier } from '../../app/reports/tier-flags.server';
import { tierReview } from '../../app/reports/tier-review.server';
import { themeReportOf } from '../../app/themes/coded-answers.server';
import { driverImportance } from '../../app/analysis/driver-importance';
import { currentPeriodTables } from '../../app/reports/rollups.server';
import { benchUrl, databaseBackendsCpuMs, machine, percentile } from './support';

const { values: options } = parseArgs({
  options: { parts: { type: 'string', default: '' }, rounds: { type: 'string', default: '3' } },
});
const rounds = Math.max(1, Number(options.rounds) || 3);
const url = benchUrl;
const admin = postgres(url, { max: 1, onnotice: () => {} });

/** CPU ms of this process and of the database's backends other than the admin connection. */
async function cpu(): Promise<{ node: number; pg: number }> {
  const usage = process.cpuUsage();
  return { node: (usage.user + usage.system) / 1000, pg: await databaseBackendsCpuMs(admin) };
}

interface Sample {
  ms: number;
  node: number;
  pg: number;
}

async function sample(work: () => Promise<unknown>): Promise<Sample> {
  const before = await cpu();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const after = await cpu();
  return { ms, node: after.node - before.node, pg: after.pg - before.pg };
}

const median = (samples: Sample[], key: keyof Sample) => percentile(samples.map((s) => s[key]), 50);
const show = (samples: Sample[]) =>
  `${median(samples, 'ms').toFixed(1).padStart(8)} ms (node ${median(samples, 'node').toFixed(0).padStart(4)}, pg ${median(samples, 'pg').toFixed(0).padStart(4)})`;

async function main(): Promise<void> {
  const handle = await openDatabase({ driver: 'postgres', url, maxConnections: 4 }, { migrate: false });
  const db: Database = handle.db;
  const [workspace] = await admin<{ id: string }[]>`select id from workspaces order by created_at limit 1`;
  const workspaceId = workspace!.id;
  const [latest] = await admin<{ period: string; id: string }[]>`select period, id from campaigns where workspace_id = ${workspaceId} order by period desc, created_at desc limit 1`;
  const period = latest!.period;
  const campaignId = latest!.id;
  console.log(`${machine()}; workspace ${workspaceId}, quarter ${period}; median of ${rounds}`);
  await Promise.all([1, 2, 3, 4].map(() => admin`select 1`));
  const level = await serviceLevelOf(db, workspaceId);

  const profiles = (await currentPeriodTables(db, workspaceId, period)).profiles ?? [];
  const tierLabels = [...new Set(profiles.map((profile) => profile.tier))];
  let answers = 0;
  const parts: Array<[string, () => Promise<unknown>]> = [
    ['layout: countOpenFlags', () => countOpenFlags(db, workspaceId)],
    ['overview: workspaceSummary', () => workspaceSummary(db, workspaceId)],
    ['overview: periodTierOverview', () => periodTierOverview(db, workspaceId)],
    ['overview: tierReview (last 8 quarters)', () => tierReview(db, workspaceId)],
    ['overview: countOverdueFlags', () => countOverdueFlags(db, workspaceId, level)],
    ['overview+review: openFlagsByTier', () => openFlagsByTier(db, workspaceId, period)],
    ['review: tierReview (one quarter)', () => tierReview(db, workspaceId, { from: period, to: period })],
    ['review: flagLoop (the quarter shown)', () => flagLoop(db, workspaceId, { periods: [period] })],
    ['flags: flagLoop (every quarter)', () => flagLoop(db, workspaceId)],
    [
      'review: driverImportance, all tiers',
      async () => {
        answers++;
        for (const tier of tierLabels) {
          const first = profiles.findIndex((profile) => profile.tier === tier);
          driverImportance(period, tier, profiles.map((profile, index) => (index === first ? { ...profile, count: profile.count + answers } : profile)));
        }
      },
    ],
    ['review: themeReportOf', () => themeReportOf(db, workspaceId, period)],
    ['review: quarterFitHeadlines', () => quarterFitHeadlines(db, workspaceId, period)],
    ['review: topTierNonResponders', () => topTierNonResponders(db, workspaceId, period)],
    ['review: servicePromisesOf', () => servicePromisesOf(db, workspaceId, period)],
    ['flags: flagPage', () => flagPage(db, workspaceId, { campaignId }, { limit: 100, level })],
    ['flags: listTiers + listAssignees', () => Promise.all([listTiers(db, workspaceId), listAssignees(db, workspaceId)])],
  ];
  const chosen = options.parts ? options.parts.split(',') : null;
  const bump = () => admin`update period_rollup_versions set tables_version = tables_version + 1 where workspace_id = ${workspaceId} and period = ${period}`;
  console.log(`${'part'.padEnd(42)} ${'warm'.padStart(33)} ${'after a change'.padStart(33)}`);
  for (const [name, work] of parts) {
    if (chosen && !chosen.some((word) => name.includes(word))) continue;
    await work();
    const warm: Sample[] = [];
    for (let i = 0; i < rounds; i++) warm.push(await sample(work));
    const changed: Sample[] = [];
    for (let i = 0; i < rounds; i++) {
      await bump();
      changed.push(await sample(work));
    }
    console.log(`${name.padEnd(42)} ${show(warm)} ${show(changed)}`);
  }
  await handle.close();
  await admin.end();
}

await main();
