/**
 * Benchmark of queueing and sending a campaign.
 *
 *   DATABASE_URL=postgres://… npm run bench:campaign -- [customers]   (default 100,000)
 *   npm run bench:campaign -- [customers] --pglite                   (in-memory PGlite, for comparison)
 *
 * Creates a throwaway database, one workspace with `customers` customers
 * (every fourth English, a few without name), and measures:
 *
 * 1. queueing: launching the campaign — the audience query, an invitation
 *    with a fresh token per customer, and the rendered message of each
 *    (issue 5: under 10 seconds for 100,000 on PostgreSQL);
 * 2. dispatch: the worker (`npm run worker`, a child process, no rate limit)
 *    sending every message in batches of 100 to the local Resend endpoint of
 *    the tests, which checks each request against resend.yaml (at least
 *    2,000 emails per second). Timed from the first request the endpoint
 *    receives to the moment the last message is recorded as sent. With
 *    --pglite the dispatcher runs in this process, next to the endpoint.
 *
 * Wall times on a shared machine depend on what else runs; the CPU seconds
 * of PostgreSQL and of this process are printed too.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createWorkspace } from '../../app/auth/accounts.server';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import type { EmailSettings } from '../../app/email/settings.server';
import { selectRows } from '../../app/email/sql.server';
import { openDatabase, type Database, type DatabaseHandle } from '../../db/client.server';
import { campaigns, surveyVersions, workspaceTiers } from '../../db/schema';
import { startResendMock } from '../support/resend-mock';
import { recordFigure } from './support';

const args = process.argv.slice(2);
const usePglite = args.includes('--pglite');
const count = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 100_000);
const PERIOD = '2026-Q4';

function seconds(ms: number) {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null when it cannot be read. */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
  } catch {
    return null; // the process ended meanwhile, or this is not Linux
  }
}

/**
 * CPU seconds used so far by the PostgreSQL backends connected to the
 * benchmark's own database, when the server runs on this machine: wall times
 * on a shared machine say little, CPU time says what the work costs. Other
 * databases' backends (someone else's seed, tests) are not counted. Null when
 * the server cannot be inspected.
 */
async function serverCpuSeconds(db: Database): Promise<number | null> {
  const backends = await selectRows<{ pid: number }>(db, sql`select pid from pg_stat_activity where datname = current_database()`);
  let total = 0;
  for (const { pid } of backends) {
    const cpu = processCpuSeconds(Number(pid));
    if (cpu === null && Number(pid) === backends[0]?.pid) return null;
    total += cpu ?? 0;
  }
  return total;
}

function cpuNote(server: number | null, node: NodeJS.CpuUsage, rows: number): string {
  const own = (node.user + node.system) / 1e6;
  const perRow = (((server ?? 0) + own) / Math.max(rows, 1)) * 1e6;
  return `CPU: ${server === null ? '' : `PostgreSQL ${server.toFixed(1)} s + `}this process ${own.toFixed(1)} s = ${perRow.toFixed(0)} µs per invitation; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;
}

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; url: string | null; drop: () => Promise<void> }> {
  if (usePglite) {
    const handle = await openDatabase({ driver: 'pglite', client: new PGlite() });
    return { handle, url: null, drop: () => handle.close() };
  }
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server (or pass --pglite).');
  const name = `wouldmiss_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ driver: 'postgres', url: url.toString(), maxConnections: 10 });
  return {
    handle,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function seed(db: Database) {
  const workspace = await createWorkspace(db, { name: 'Bench Beratung GmbH', locale: 'de' });
  const tiers = await db.select().from(workspaceTiers).where(sql`${workspaceTiers.workspaceId} = ${workspace.id}`);
  const tierIds = tiers.map((tier) => tier.id);
  for (let start = 0; start < count; start += 10_000) {
    const rows = Array.from({ length: Math.min(10_000, count - start) }, (_, k) => {
      const i = start + k;
      return {
        external_id: `B-${i}`,
        email: `customer-${i}@bench.example`,
        name: i % 50 === 0 ? null : `Kundin ${i} & Partner`,
        locale: i % 4 === 0 ? 'en' : 'de',
        tier_id: tierIds[i % tierIds.length],
      };
    });
    const chunk = JSON.stringify(rows);
    await db.execute(sql`with inserted as (
        insert into customers (workspace_id, external_id, email, name, locale)
        select ${workspace.id}::uuid, r.external_id, r.email, r.name, r.locale
        from json_to_recordset(${chunk}::json) as r(external_id text, email text, name text, locale text)
        returning id, external_id)
      insert into tier_assignments (workspace_id, customer_id, period, tier_id, source)
      select ${workspace.id}::uuid, inserted.id, ${PERIOD}, r.tier_id, 'abc'
      from inserted join json_to_recordset(${chunk}::json) as r(external_id text, tier_id uuid) on r.external_id = inserted.external_id`);
  }
  const [version] = await db.select().from(surveyVersions).where(sql`${surveyVersions.workspaceId} = ${workspace.id}`);
  const [campaign] = await db
    .insert(campaigns)
    .values({
      workspaceId: workspace.id,
      surveyVersionId: version!.id,
      name: 'Bench',
      period: PERIOD,
      status: 'scheduled',
      scheduledAt: new Date(),
      closesAt: new Date(Date.now() + 30 * 86_400_000),
    })
    .returning();
  return campaign!;
}

async function sentCount(db: Database): Promise<number> {
  const [row] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from email_messages where status = 'sent'`);
  return Number(row!.n);
}

async function main() {
  const mock = await startResendMock({ keepBodies: false });
  const { handle, url, drop } = await openBenchDatabase();
  const db = handle.db;
  try {
    console.log(`Campaign benchmark on ${handle.driver === 'pglite' ? 'PGlite (in memory)' : 'PostgreSQL'}: ${count.toLocaleString('en')} customers`);
    let started = Date.now();
    const campaign = await seed(db);
    console.log(`  seeded customers and tiers         ${seconds(Date.now() - started)}`);

    const settings: EmailSettings = {
      transport: 'resend',
      resend: { apiKey: mock.apiKey, baseUrl: mock.url },
      ratePerSecond: 0,
      leaseSeconds: 60,
      appUrl: 'https://surveys.example.com',
      from: 'Wouldmiss <surveys@wouldmiss.example>',
      // The campaign is larger than the default day of 20,000 emails: an operator raises the limit for it.
      dailyLimitPerWorkspace: 1_000_000,
    };
    started = Date.now();
    const serverBefore = await serverCpuSeconds(db);
    const nodeBefore = process.cpuUsage();
    const launched = await launchCampaign(db, campaign.id, settings);
    const queueMs = Date.now() - started;
    const serverAfter = await serverCpuSeconds(db);
    const queueCpu = cpuNote(serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore, process.cpuUsage(nodeBefore), launched.invited);
    const [templates] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from email_templates`);
    console.log(`  queueing (invitations + messages)  ${seconds(queueMs)}  for ${launched.invited.toLocaleString('en')} invitations, ${templates!.n} rendered templates  (budget 10 s)`);
    const full = count === 100_000 && !usePglite;
    recordFigure({ key: 'campaign.queue', label: `queueing a campaign of ${count.toLocaleString('en')} customers`, value: queueMs / 1000, unit: 's', target: full ? 10 : undefined, better: 'lower' });
    console.log(`    ${queueCpu}`);

    let dispatchMs: number;
    const dispatchServerBefore = await serverCpuSeconds(db);
    let dispatchServerAfter: number | null | undefined;
    let workerCpu: number | null = null;
    if (url) {
      // The real worker in its own process, as `npm run worker` runs it.
      const worker = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'worker'], {
        env: { ...process.env, DATABASE_URL: url, RESEND_API_KEY: mock.apiKey, RESEND_BASE_URL: mock.url, EMAIL_RATE_PER_SECOND: '0', APP_URL: settings.appUrl },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      // Watch the endpoint (cheap), then wait for the worker to record the last answers.
      while (mock.deliveries.length < launched.invited) await new Promise((resolve) => setTimeout(resolve, 10));
      while ((await sentCount(db)) < launched.invited) await new Promise((resolve) => setTimeout(resolve, 10));
      const done = Date.now();
      dispatchServerAfter = await serverCpuSeconds(db); // before the worker's connections close
      workerCpu = processCpuSeconds(worker.pid!);
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
      dispatchMs = done - mock.requests[0]!.at;
    } else {
      started = Date.now();
      await new Dispatcher({ db, settings, lanes: 4 }).drain(600_000);
      dispatchMs = Date.now() - started;
    }
    dispatchServerAfter ??= await serverCpuSeconds(db);
    const perSecond = Math.round(launched.invited / (dispatchMs / 1000));
    console.log(`  dispatch to the local endpoint     ${seconds(dispatchMs)}  = ${perSecond.toLocaleString('en')} emails/s in ${mock.requests.length} requests  (budget ≥ 2,000/s)`);
    recordFigure({ key: 'campaign.dispatch', label: 'dispatch to a local Resend endpoint, no rate limit', value: perSecond, unit: 'emails/s', target: full ? 2_000 : undefined, better: 'higher' });
    if (dispatchServerBefore !== null && dispatchServerAfter !== null) {
      const serverCpu = dispatchServerAfter - dispatchServerBefore;
      const worker = workerCpu === null ? '' : ` + worker ${workerCpu.toFixed(1)} s`;
      const perMessage = ((serverCpu + (workerCpu ?? 0)) / launched.invited) * 1e6;
      console.log(
        `    CPU: PostgreSQL ${serverCpu.toFixed(1)} s${worker} = ${perMessage.toFixed(0)} µs per email (the endpoint runs in this process); load average ${loadavg()[0]!.toFixed(1)}`,
      );
    }
    const recipients = mock.countsByRecipient();
    const twice = [...recipients.values()].filter((n) => n > 1).length;
    console.log(
      `  endpoint: ${mock.deliveries.length.toLocaleString('en')} deliveries, ${recipients.size.toLocaleString('en')} recipients, ${twice} twice, ` +
        `${mock.replays} repeated requests answered from the idempotency record, ${mock.violations.length} contract violations`,
    );
    if (mock.violations.length > 0) console.log(mock.violations.slice(0, 3).join('\n'));
  } finally {
    await drop();
    await mock.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
