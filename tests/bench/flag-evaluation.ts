/**
 * What judging answers live costs (issue 13: under 1 ms of server CPU per
 * completed response), on PostgreSQL and on the embedded PGlite.
 *
 *   DATABASE_URL=postgres://… npm run bench:flags [responses]   (default 2,000)
 *
 * Seeds one workspace: `responses` customers in three tiers, each with a
 * completed response in the previous quarter (so every judgement looks up an
 * earlier PTI) and an invitation in the current one. Then:
 *
 * - completes every current response with one insert per response, once with
 *   the flag trigger off (then deleted) and once with it on: the difference is
 *   what the trigger adds to the saving statement, in the database;
 * - judges the queue as the live evaluator does after each submission, one
 *   response per transaction, and reports the app process's CPU time and the
 *   wall time per response; a fifth of the answers are second-class, so flags
 *   are raised and alerts queued along the way;
 * - judges the same responses again in batches of 200 (the shape after a
 *   bulk change, or the demo).
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { createWorkspace } from '../../app/auth/accounts.server';
import { evaluateQueuedFlags } from '../../app/flags/evaluate.server';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import { openDatabase, type DatabaseHandle } from '../../db/client.server';
import { campaigns, customers, invitations, surveyVersions, tierAssignments, workspaceTiers } from '../../db/schema';
import { benchUrl, ensureDatabase, machine, printTable, recordFigure, withDatabaseName } from './support';

const COUNT = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 2_000);

async function seed(handle: DatabaseHandle) {
  const { db } = handle;
  const workspace = await createWorkspace(db, { name: `Flags Bench ${randomUUID().slice(0, 6)}`, locale: 'de' });
  const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspace.id));
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.workspaceId, workspace.id));
  const campaignOf = async (period: string) =>
    (await db.insert(campaigns).values({ workspaceId: workspace.id, surveyVersionId: version!.id, name: period, period, status: 'open' }).returning())[0]!;
  const [previous, current] = [await campaignOf('2026-Q2'), await campaignOf('2026-Q3')];
  const currentInvitations: Array<{ id: string; customerId: string; index: number }> = [];
  for (let start = 0; start < COUNT; start += 500) {
    const size = Math.min(500, COUNT - start);
    const rows = await db
      .insert(customers)
      .values(Array.from({ length: size }, (_, i) => ({ workspaceId: workspace.id, externalId: `F-${start + i}`, email: `f${start + i}@bench.example` })))
      .returning({ id: customers.id });
    for (const period of ['2026-Q2', '2026-Q3']) {
      await db.insert(tierAssignments).values(rows.map((row, i) => ({ workspaceId: workspace.id, customerId: row.id, period, tierId: tiers[i % 3]!.id, source: 'import' as const })));
    }
    const earlier = rows.map((row) => ({ id: randomUUID(), workspaceId: workspace.id, campaignId: previous.id, customerId: row.id, tokenHash: createInvitationToken().tokenHash }));
    await db.insert(invitations).values(earlier);
    await db.execute(sql`insert into responses (workspace_id, campaign_id, invitation_id, customer_id, period, locale, status, completed_at,
        miss_us, treat_valued, treat_responsive, treat_equal, treat_promise)
      select ${workspace.id}::uuid, ${previous.id}::uuid, i.id, i.customer_id, '2026-Q2', 'de', 'completed', now() - interval '90 days', 'very', 5, 4, 5, 4
      from invitations i where i.campaign_id = ${previous.id} and i.customer_id in (${sql.join(rows.map((row) => sql`${row.id}`), sql`, `)})`);
    const next = rows.map((row, i) => ({ id: randomUUID(), workspaceId: workspace.id, campaignId: current.id, customerId: row.id, tokenHash: createInvitationToken().tokenHash, index: start + i }));
    await db.insert(invitations).values(next.map(({ index: _index, ...row }) => row));
    currentInvitations.push(...next.map((row) => ({ id: row.id, customerId: row.customerId, index: row.index })));
  }
  // The earlier answers were judged when they came in.
  await db.execute(sql`delete from flag_evaluations`);
  await db.execute(sql`analyze`);
  return { workspaceId: workspace.id, campaignId: current.id, currentInvitations };
}

/** One completed response per invitation, one statement each, as the survey's last step saves it. */
async function complete(handle: DatabaseHandle, data: Awaited<ReturnType<typeof seed>>): Promise<number> {
  const started = performance.now();
  for (const invitation of data.currentInvitations) {
    const unhappy = invitation.index % 5 === 0;
    await handle.db.execute(sql`insert into responses (workspace_id, campaign_id, invitation_id, customer_id, period, locale, status, step, completed_at,
        miss_us, improve, treat_valued, treat_responsive, treat_equal, treat_promise)
      values (${data.workspaceId}, ${data.campaignId}, ${invitation.id}, ${invitation.customerId}, '2026-Q3', 'de', 'completed', 4, now(),
        ${unhappy ? 'not' : 'very'}, ${unhappy ? 'Ich fühle mich vernachlässigt.' : 'Weiter so.'},
        ${unhappy ? 2 : 5}, ${unhappy ? 2 : 4}, ${unhappy ? 2 : 5}, ${unhappy ? 2 : 4})`);
  }
  return (performance.now() - started) / data.currentInvitations.length;
}

async function judge(handle: DatabaseHandle, limit: number): Promise<{ cpuMs: number; wallMs: number; judged: number; raised: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let judged = 0;
  let raised = 0;
  for (;;) {
    const step = await evaluateQueuedFlags(handle.db, { limit });
    if (step.judged === 0) break;
    judged += step.judged;
    raised += step.raised;
  }
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / judged, wallMs: (performance.now() - started) / judged, judged, raised };
}

async function run(driver: 'postgres' | 'pglite', handle: DatabaseHandle) {
  const data = await seed(handle);
  // The trigger's share of a completing save: the same inserts (each its own
  // transaction, as a submission is) with the trigger off, then removed again.
  await handle.db.execute(sql`alter table responses disable trigger responses_flag_evaluation_insert`);
  const withoutTrigger = await complete(handle, data);
  await handle.db.execute(sql`alter table responses enable trigger responses_flag_evaluation_insert`);
  await handle.db.execute(sql`delete from responses where campaign_id = ${data.campaignId}`);
  const withTrigger = await complete(handle, data);
  const live = await judge(handle, 1);
  await handle.db.execute(sql`insert into flag_evaluations (response_id) select id from responses where campaign_id = ${data.campaignId}`);
  const batched = await judge(handle, 200);
  const rows = [
    { what: `${driver}: completing save, trigger off`, figure: `${withoutTrigger.toFixed(3)} ms` },
    { what: `${driver}: completing save, trigger on`, figure: `${withTrigger.toFixed(3)} ms` },
    { what: `${driver}: judging one at a time (${live.judged} responses, ${live.raised} flags): app CPU per response`, figure: `${live.cpuMs.toFixed(3)} ms`, target: '< 1 ms' },
    { what: `${driver}: judging one at a time: wall per response`, figure: `${live.wallMs.toFixed(3)} ms` },
    { what: `${driver}: judging in batches of 200: app CPU per response`, figure: `${batched.cpuMs.toFixed(3)} ms` },
    { what: `${driver}: judging in batches of 200: wall per response`, figure: `${batched.wallMs.toFixed(3)} ms` },
  ];
  printTable(rows);
  recordFigure({ key: `flags.${driver}.cpu`, label: `${driver}: app CPU to judge one completed response`, value: live.cpuMs, unit: 'ms', target: 1, better: 'lower' });
  recordFigure({ key: `flags.${driver}.trigger`, label: `${driver}: trigger's cost per completing save`, value: withTrigger - withoutTrigger, unit: 'ms', better: 'lower' });
}

async function main() {
  console.log(machine());
  const url = withDatabaseName(benchUrl, `wouldmiss_flags_${Date.now()}`);
  await ensureDatabase(url);
  const postgresHandle = await openDatabase({ driver: 'postgres', url, maxConnections: 4 });
  try {
    await run('postgres', postgresHandle);
  } finally {
    await postgresHandle.close();
    const admin = new URL(url);
    const name = admin.pathname.slice(1);
    admin.pathname = '/postgres';
    const { default: postgres } = await import('postgres');
    const client = postgres(admin.toString(), { max: 1, onnotice: () => {} });
    await client.unsafe(`drop database if exists "${name}"`);
    await client.end();
  }
  const pglite = await openDatabase({ driver: 'pglite', dataDir: 'memory://' });
  try {
    await run('pglite', pglite);
  } finally {
    await pglite.close();
  }
}

await main();
