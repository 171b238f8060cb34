/**
 * Benchmarks of the analysis and the dashboards on the large data set
 * (200,000 customers, 1,000,000 responses over 12 quarters) in PostgreSQL:
 *   - analysis of one period, end to end (cold: no rollup cache; warm);
 *   - flags for the largest campaign (100,000 responses);
 *   - the quarterly tier review for 8 quarters, in process and over HTTP (p95),
 *     against a plain `SELECT count(*)` over the responses as the baseline.
 * Run: npm run bench:reports [-- --seed]   (--seed creates the data set first)
 */
import { and, eq, sql } from 'drizzle-orm';
import { hashPassword } from '../../app/auth/password.server';
import { analyzePeriod } from '../../app/reports/analysis.server';
import { raiseFlagsForCampaign } from '../../app/reports/flags.server';
import { tierReview } from '../../app/reports/tier-review.server';
import { openDatabase } from '../../db/client.server';
import { campaigns, flags, memberships, periodRollups, users, workspaces } from '../../db/schema';
import { createLargeWorkspace, LARGE, LARGE_PERIODS } from '../../db/seed/large.server';
import { startTestApp } from '../support/app';
import { benchUrl, ensureDatabase, loadTest, machine, percentile, printTable, time } from './support';

async function main() {
  await ensureDatabase(benchUrl);
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
  const clearCache = () => db.delete(periodRollups).where(eq(periodRollups.workspaceId, workspaceId));

  const [{ n } = { n: 0 }] = (await db.execute(sql`select count(*)::int as n from responses`)) as unknown as Array<{ n: number }>;
  const baseline: number[] = [];
  for (let i = 0; i < 5; i++) baseline.push((await time(() => db.execute(sql`select count(*) from responses`))).ms);
  rows.push({ what: `baseline: select count(*) over ${n.toLocaleString('en')} responses`, figure: `${percentile(baseline, 50).toFixed(0)} ms` });

  const period = LARGE_PERIODS[LARGE_PERIODS.length - 2]!;
  await clearCache();
  const cold = await time(() => analyzePeriod(db, workspaceId, period));
  rows.push({ what: `analysis of one period (${period}), cold`, figure: `${cold.ms.toFixed(0)} ms`, target: '< 1,000 ms' });
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) warm.push((await time(() => analyzePeriod(db, workspaceId, period))).ms);
  rows.push({ what: 'analysis of one period, warm (median)', figure: `${percentile(warm, 50).toFixed(0)} ms` });

  const latest = LARGE_PERIODS[LARGE_PERIODS.length - 1]!;
  const [campaign] = await db.select().from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.period, latest)));
  const [{ responses } = { responses: 0 }] = (await db.execute(
    sql`select count(*)::int as responses from responses where campaign_id = ${campaign!.id} and status = 'completed'`,
  )) as unknown as Array<{ responses: number }>;
  await db.delete(flags).where(eq(flags.campaignId, campaign!.id));
  const flagRun = await time(() => raiseFlagsForCampaign(db, workspaceId, campaign!.id));
  rows.push({
    what: `flags for a campaign of ${responses.toLocaleString('en')} responses (${flagRun.result.raised} raised)`,
    figure: `${flagRun.ms.toFixed(0)} ms`,
    target: '< 5,000 ms',
  });

  const range = { from: LARGE_PERIODS[4], to: LARGE_PERIODS[11] };
  await clearCache();
  const reviewCold = await time(() => tierReview(db, workspaceId, range));
  rows.push({ what: 'tier review, 8 quarters, in process, cold', figure: `${reviewCold.ms.toFixed(0)} ms` });
  const reviewWarm: number[] = [];
  for (let i = 0; i < 30; i++) reviewWarm.push((await time(() => tierReview(db, workspaceId, range))).ms);
  rows.push({ what: 'tier review, 8 quarters, in process, warm p95', figure: `${percentile(reviewWarm, 95).toFixed(1)} ms` });

  // Over HTTP, as an owner sees it: the full page with session check and rendering.
  const email = 'bench-owner@large.example';
  await db.delete(users).where(eq(users.email, email));
  const [owner] = await db.insert(users).values({ email, name: 'Bench Owner', passwordHash: await hashPassword('bench-password-1') }).returning();
  await db.insert(memberships).values({ workspaceId, userId: owner!.id, role: 'owner' });
  const app = await startTestApp(handle);
  const client = app.client();
  await client.login(email, 'bench-password-1');
  const path = `/app/results?from=${range.from}&to=${range.to}`;
  const single = await loadTest(app.base + path, { connections: 1, durationMs: 10_000, headers: { cookie: client.cookieHeader } });
  rows.push({
    what: `tier review page over HTTP, 1 connection (${single.requests} requests, ${single.errors} errors) p95`,
    figure: `${single.p95.toFixed(0)} ms`,
    target: '< 300 ms',
  });
  const load = await loadTest(app.base + path, { connections: 4, durationMs: 10_000, headers: { cookie: client.cookieHeader } });
  rows.push({
    what: `tier review page over HTTP, 4 connections (${load.requests} requests, ${load.errors} errors) p95`,
    figure: `${load.p95.toFixed(0)} ms`,
    target: '< 300 ms',
  });
  rows.push({ what: 'tier review page over HTTP p50 / p99', figure: `${load.p50.toFixed(0)} / ${load.p99.toFixed(0)} ms` });
  rows.push({ what: 'ratio: review page p95 / count(*) baseline', figure: (load.p95 / percentile(baseline, 50)).toFixed(2) });
  await app.close();
  await db.delete(users).where(eq(users.id, owner!.id));
  await handle.close();

  console.log(`Machine: ${machine()}`);
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
