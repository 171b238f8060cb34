/**
 * `npm run bench:live`: staff reading while answers arrive, on PostgreSQL
 * and the large data set (issue 20).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/wouldmiss_bench npm run bench:live [-- --scale 0.1] [--seconds 30]
 *     [--rate 200] [--customers 50] [--staff 4] [--pages overview,review,flags]
 *
 * The large data set (db/seed/large.server.ts, as `npm run bench:reports`
 * uses it) must be in DATABASE_URL's database; it is created there when it
 * is missing or of another size (`--scale 0.1`: 20,000 customers and
 * 100,000 responses, for a quick check; BENCH_LIVE_SCALE works too). The
 * latest quarter's campaign (the current quarter, 2026-Q4) is opened for the
 * run and gets fresh links for invitations nobody answered; afterwards the
 * run's answers, flags and emails are removed and the campaign is closed
 * again, so the data set stays as the other benchmarks expect it.
 *
 * The built app runs in its own process (tests/bench/support.ts,
 * `startBenchServer`) with its flag evaluator, as `npm start` runs it. Then:
 *
 * 1. baseline: `--staff` clients load the overview, the review of the
 *    current quarter and its flag queue in a loop, nothing else arriving;
 * 2. live: the same, while `--customers` customers answer survey steps at
 *    `--rate` submissions per second in total (paced, tests/bench/http-load.ts;
 *    each customer's five steps in order, every fifth customer answers
 *    "treated equally" with 1, which raises a second-class flag), and this
 *    process polls the flags every 50 ms.
 *
 * Prints per page p50/p95/p99 in both phases and the ratio live ÷ baseline,
 * the submissions' p99, and the time from a completion's acknowledgement
 * (its 303 arriving here) to its flag: when the poll first saw it, and the
 * flag's `created_at` (the start of the judging transaction). Targets:
 * review and overview p95 < 150 ms, submission p99 < 100 ms, flag within
 * 1 s (p99), ratio ≤ 1.5. Run `npm run build` first.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { hashPassword } from '../../app/auth/password.server';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import { openDatabase } from '../../db/client.server';
import { createLargeWorkspace, LARGE, LARGE_PERIODS } from '../../db/seed/large.server';
import { paced, type LoadRequest, type NextVisit } from './http-load';
import { staffCookie, staffLoop, staffLoopFor, type StaffPageResult } from './staff-load';
import { databaseBackendsCpuMs, databaseUsage, ensureDatabase, machine, percentile, processGroupCpuMs, recordFigure, runBench, startBenchServer } from './support';
import { STEP_ANSWERS } from './survey-seed';

const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: process.env.BENCH_LIVE_SCALE ?? '1' },
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '200' },
    customers: { type: 'string', default: '50' },
    staff: { type: 'string', default: '4' },
    pages: { type: 'string', default: 'overview,review,flags' },
  },
});
const SCALE = Number(options.scale);
const SECONDS = Number(options.seconds);
const RATE = Number(options.rate);
const CUSTOMERS = Number(options.customers);
const STAFF = Number(options.staff);
/** The staff pages in the loop (`--pages review,flags` leaves the overview out, to see the others without it). */
const PAGES = options.pages.split(',').map((page) => page.trim());
const OWNER = { email: 'bench-live-owner@large.example', password: 'bench-live-password-1' };
const METRICS_TOKEN = randomBytes(16).toString('hex');
/** The answer of the treatment step that raises a second-class flag (treat_equal ≤ 2). */
const FLAGGED_STEP = 'treat_valued=2&treat_responsive=3&treat_equal=1&treat_promise=2';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load1 = () => os.loadavg()[0]!;

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('bench:live needs PostgreSQL: set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/wouldmiss_bench npm run bench:live');
    return 2;
  }
  if (!existsSync('build/index.js')) {
    console.error('bench:live serves the built app: run `npm run build` first.');
    return 2;
  }
  if (!(SCALE > 0 && SCALE <= 1 && SECONDS > 0 && RATE > 0 && CUSTOMERS > 0 && STAFF > 0) || !PAGES.every((page) => ['overview', 'review', 'flags'].includes(page))) {
    console.error('--scale must be in (0, 1]; --seconds, --rate, --customers and --staff must be positive; --pages takes overview, review and flags.');
    return 2;
  }
  await ensureDatabase(url);
  const customers = Math.round(LARGE.customers * SCALE);
  const responses = Math.round(LARGE.responses * SCALE);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  // Migrates the database, as the app would.
  await (await openDatabase({ driver: 'postgres', url, maxConnections: 1 })).close();

  const [existing] = await sql<{ id: string; customers: number }[]>`
    select w.id, (select count(*)::int from customers c where c.workspace_id = w.id) as customers from workspaces w where w.slug = ${LARGE.slug}`;
  if (!existing || existing.customers !== customers) {
    console.error(`Creating the large data set at scale ${SCALE} (${customers.toLocaleString('en')} customers, ${responses.toLocaleString('en')} responses)…`);
    const seeded = await createLargeWorkspace(url, { customers, responses, log: (line) => console.error(`  ${line}`) });
    console.error(`  done in ${seeded.seconds.toFixed(1)} s`);
    await sql`checkpoint`.catch(() => {});
  }
  const [workspace] = await sql<{ id: string }[]>`select id from workspaces where slug = ${LARGE.slug}`;
  const workspaceId = workspace!.id;
  const period = LARGE_PERIODS[LARGE_PERIODS.length - 1]!;
  const [campaign] = await sql<{ id: string; status: string; closes_at: Date }[]>`
    select id, status, closes_at from campaigns where workspace_id = ${workspaceId} and period = ${period}`;
  const campaignId = campaign!.id;

  // Fresh links for invitations of the current quarter nobody answered: enough for every completion of the live phase.
  const needed = Math.ceil((RATE * SECONDS) / STEP_ANSWERS.length) + CUSTOMERS * 2;
  const open = await sql<{ id: string }[]>`
    select i.id from invitations i where i.campaign_id = ${campaignId}
      and not exists (select 1 from responses r where r.invitation_id = i.id) limit ${needed}`;
  if (open.length < needed) throw new Error(`The current quarter has ${open.length} unanswered invitations; the run needs ${needed}.`);
  const links = open.map((row) => ({ invitationId: row.id, ...createInvitationToken() }));
  await sql`update invitations i set token_hash = v.token_hash, status = 'delivered'
    from (select unnest(${links.map((link) => link.invitationId)}::uuid[]) as id, unnest(${links.map((link) => link.tokenHash)}::text[]) as token_hash) v
    where i.id = v.id`;
  await sql`update campaigns set status = 'open', closes_at = ${new Date(Date.now() + 30 * 86_400_000)} where id = ${campaignId}`;
  await sql`delete from users where email = ${OWNER.email}`;
  const [owner] = await sql<{ id: string }[]>`
    insert into users (email, name, password_hash) values (${OWNER.email}, 'Bench Owner', ${await hashPassword(OWNER.password)}) returning id`;
  await sql`insert into memberships (workspace_id, user_id, role) values (${workspaceId}, ${owner!.id}, 'owner')`;
  await sql`analyze invitations`;
  const runStart = new Date();

  const server = await startBenchServer({ DATABASE_URL: url, METRICS_TOKEN });
  try {
    const origin = server.origin;
    const cookie = await staffCookie(origin, OWNER.email, OWNER.password);
    const pages = [
      { key: 'overview', name: 'overview', path: '/app' },
      { key: 'review', name: 'review', path: `/app/results?from=${period}&to=${period}` },
      { key: 'flags', name: 'flag queue', path: `/app/flags?campaignId=${campaignId}` },
    ].filter((page) => PAGES.includes(page.key));
    const staff = { clients: STAFF, cookie };
    console.log(`Machine: ${machine()}`);
    console.log(`Large data set at scale ${SCALE}: ${customers.toLocaleString('en')} customers, ${responses.toLocaleString('en')} responses; current quarter ${period}.`);

    await staffLoopFor(origin, pages, { ...staff, seconds: 5 }); // warm-up
    const loadBaseline = load1();
    let start = await phaseStart(origin, server.pid, sql);
    const baseline = await staffLoopFor(origin, pages, { ...staff, seconds: SECONDS });
    const baselineUsage = await phaseEnd(origin, server.pid, sql, start);

    // Live: customers answer while the staff loop runs and this process polls the flags.
    let next = 0;
    const acknowledged = new Map<string, number>(); // invitation id → when its completion's 303 arrived (epoch ms)
    const flagged = new Set<string>();
    const submit: NextVisit = () => {
      const index = next++;
      const link = links[index % links.length]!;
      const raisesFlag = index % 5 === 0;
      if (raisesFlag) flagged.add(link.invitationId);
      return STEP_ANSWERS.map(
        (answers, step): LoadRequest => ({
          method: 'POST',
          path: `/s/${link.token}?step=${step}`,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
          body: `step=${step}&intent=next&lang=de&${step === 2 && raisesFlag ? FLAGGED_STEP : answers}`,
          onAnswered:
            step === STEP_ANSWERS.length - 1 ? (status) => status === 303 && acknowledged.set(link.invitationId, Date.now()) : undefined,
        }),
      );
    };
    const seen = new Map<string, { seenAt: number; createdAt: number }>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const rows = await sql<{ invitation_id: string; created_ms: number }[]>`
          select r.invitation_id, (extract(epoch from f.created_at) * 1000)::float8 as created_ms
          from flags f join responses r on r.id = f.response_id
          where f.campaign_id = ${campaignId} and f.created_at >= ${runStart}`;
        const now = Date.now();
        for (const row of rows) if (!seen.has(row.invitation_id)) seen.set(row.invitation_id, { seenAt: now, createdAt: row.created_ms });
        await sleep(50);
      }
    })();
    const loadLiveStart = load1();
    start = await phaseStart(origin, server.pid, sql);
    // paced() waits 2 s before it starts; the staff loop starts with it.
    const submitting = paced(`step POST, ${RATE}/s`, origin, submit, { clients: CUSTOMERS, rate: RATE, seconds: SECONDS });
    await sleep(2_050);
    const loop = staffLoop(origin, pages, staff);
    const submissions = await submitting;
    const live = await loop.stop();
    const liveUsage = await phaseEnd(origin, server.pid, sql, start);
    const loadLive = load1();
    // Flags of the last completions: wait up to 5 s for them.
    for (let waited = 0; waited < 5_000 && [...acknowledged.keys()].some((id) => flagged.has(id) && !seen.has(id)); waited += 100) await sleep(100);
    polling = false;
    await poller;

    const pollEnd = Date.now();
    const expected = [...acknowledged].filter(([id]) => flagged.has(id));
    const raised = expected.filter(([id]) => seen.has(id));
    // A flag not seen by the end counts as seen then: a lower bound of its delay.
    const visible = expected.map(([id, ack]) => (seen.get(id)?.seenAt ?? pollEnd) - ack);
    const created = raised.map(([id, ack]) => seen.get(id)!.createdAt - ack);
    const visibleP99 = expected.length > 0 ? percentile(visible, 99) : Number.NaN;
    const [counts] = await sql<{ completed: number; started: number }[]>`
      select count(*) filter (where status = 'completed')::int as completed, count(*)::int as started from responses
      where invitation_id = any(${links.map((link) => link.invitationId)}::uuid[])`;

    const rows: string[][] = [['page', 'baseline p50/p95/p99 ms (n)', 'live p50/p95/p99 ms (n)', 'p95 live ÷ baseline', 'other statuses']];
    for (const page of pages) {
      const before = baseline.find((result) => result.name === page.name)!;
      const during = live.find((result) => result.name === page.name)!;
      rows.push([page.name, triple(before), triple(during), `${(during.p95 / before.p95).toFixed(2)}×`, [before.other, during.other].filter(Boolean).join(' / ')]);
    }
    console.log('');
    printColumns(rows);
    console.log('');
    console.log(
      `Step submissions offered ${RATE}/s by ${CUSTOMERS} customers: ${submissions.total} in ${SECONDS} s (${submissions.perSecond.toFixed(0)}/s), ` +
        `p50 ${submissions.p50.toFixed(1)} ms, p95 ${submissions.p95.toFixed(1)} ms, p99 ${submissions.p99.toFixed(1)} ms; ${submissions.statuses}; ` +
        `errors ${submissions.errors}; load generator's event-loop delay p99 ${submissions.generatorDelayP99!.toFixed(1)} ms`,
    );
    console.log(`Responses of the run: ${counts!.started} started, ${counts!.completed} completed (${acknowledged.size} completions acknowledged).`);
    console.log(
      `Flags: ${expected.length} completions should raise one, ${raised.length} seen. From the completion's 303 to the flag ` +
        `seen by a 50 ms poll: p50 ${fmt(percentile(visible, 50))}, p99 ${fmt(visibleP99)}, max ${fmt(Math.max(...visible))} ms; ` +
        `to the flag's created_at: p50 ${fmt(percentile(created, 50))}, p99 ${fmt(percentile(created, 99))} ms`,
    );
    const pagesLoaded = (results: StaffPageResult[]) => results.reduce((sum, result) => sum + result.count, 0);
    console.log(
      `CPU of the app process + its PostgreSQL backends: baseline ${baselineUsage.cpuShare.toFixed(2)} + ${baselineUsage.backendShare.toFixed(2)} cores ` +
        `(${((baselineUsage.cpuShare + baselineUsage.backendShare) * baselineUsage.wallMs / pagesLoaded(baseline)).toFixed(0)} ms per staff page), ` +
        `live ${liveUsage.cpuShare.toFixed(2)} + ${liveUsage.backendShare.toFixed(2)} cores (${os.cpus().length} cores in the machine). ` +
        `time with at least one of its 10 PostgreSQL connections busy: ${pct(baselineUsage.busyShare)} (baseline), ${pct(liveUsage.busyShare)} (live). ` +
        `Load average (1 min): ${loadBaseline.toFixed(1)} before the baseline, ${loadLiveStart.toFixed(1)} before the live phase, ${loadLive.toFixed(1)} after it.`,
    );
    console.log('Targets: review and overview p95 < 150 ms and ≤ 1.5 × baseline; step submission p99 < 100 ms; flag within 1 s (p99).');

    const byName = (results: StaffPageResult[], name: string) => results.find((result) => result.name === name)!;
    for (const { key, name } of pages) {
      recordFigure({ key: `live.baseline.${key}.p95`, label: `${name} p95, ${STAFF} staff clients, no answers arriving`, value: byName(baseline, name).p95, unit: 'ms', better: 'lower' });
      recordFigure({
        key: `live.${key}.p95`,
        label: `${name} p95, ${STAFF} staff clients, ${RATE} submissions/s arriving`,
        value: byName(live, name).p95,
        unit: 'ms',
        better: 'lower',
        target: key === 'flags' ? undefined : 150,
        baseline: `live.baseline.${key}.p95`,
      });
    }
    recordFigure({ key: 'live.submission.p99', label: `step submission p99 at ${RATE}/s, staff loading pages`, value: submissions.p99, unit: 'ms', better: 'lower', target: 100 });
    recordFigure({ key: 'live.flag.p99', label: 'completion to flag seen (50 ms poll), p99', value: visibleP99, unit: 'ms', better: 'lower', target: 1_000 });
    return 0;
  } finally {
    await server.stop();
    // Leave the data set as the other benchmarks expect it.
    await sql`delete from email_messages where workspace_id = ${workspaceId} and created_at >= ${runStart}`;
    await sql`delete from flags where campaign_id = ${campaignId} and created_at >= ${runStart}`;
    await sql`delete from responses where invitation_id = any(${links.map((link) => link.invitationId)}::uuid[])`;
    await sql`update campaigns set status = ${campaign!.status}, closes_at = ${campaign!.closes_at} where id = ${campaignId}`;
    await sql`delete from users where id = ${owner!.id}`;
    await sql.end();
  }
}

interface PhaseStart {
  usage: { busySeconds: number; at: number };
  cpu: number;
  backends: number;
}

async function phaseStart(origin: string, pid: number, sql: postgres.Sql): Promise<PhaseStart> {
  return { usage: await databaseUsage(origin, METRICS_TOKEN), cpu: processGroupCpuMs(pid), backends: await databaseBackendsCpuMs(sql) };
}

/**
 * Since `start`: the app process's CPU and its PostgreSQL backends' CPU (in
 * cores), and the share of the time at least one of its connections was busy.
 */
async function phaseEnd(origin: string, pid: number, sql: postgres.Sql, start: PhaseStart) {
  const now = await databaseUsage(origin, METRICS_TOKEN);
  const wallMs = now.at - start.usage.at;
  return {
    busyShare: ((now.busySeconds - start.usage.busySeconds) * 1000) / wallMs,
    cpuShare: (processGroupCpuMs(pid) - start.cpu) / wallMs,
    backendShare: ((await databaseBackendsCpuMs(sql)) - start.backends) / wallMs,
    wallMs,
  };
}

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : 'not seen');
const pct = (share: number) => `${(100 * share).toFixed(0)} %`;
const triple = (result: StaffPageResult) => `${result.p50.toFixed(0)} / ${result.p95.toFixed(0)} / ${result.p99.toFixed(0)} (${result.count})`;

function printColumns(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
}

runBench(main);
