/**
 * What the review's themes cost right after one new answer, on the large
 * data set (PostgreSQL): `themeReportOf` of the current quarter cold (first
 * call of the process), warm, and after one response is completed through the
 * survey's own save, as the app's process CPU (process.cpuUsage) and the CPU
 * of this process's PostgreSQL backends (/proc, when the server runs on this
 * machine). The answer is taken back afterwards, as bench:live does.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/wouldmiss_bench npx tsx tests/bench/themes-after-answer.ts [--answers 3]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../db/client.server';
import { LARGE, LARGE_PERIODS } from '../../db/seed/large-rows';
import { selectRows } from '../../app/reports/period-tables.server';
import { periodSnapshots } from '../../app/reports/rollups.server';
import { themeReportOf } from '../../app/themes/coded-answers.server';
import { findInvitation, saveStep } from '../../app/surveys/answering.server';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import type { Answers } from '../../app/surveys/answers';
import { processCpuMs, runBench } from './support';

const { values: options } = parseArgs({ options: { answers: { type: 'string', default: '3' }, 'tables-first': { type: 'boolean', default: false } } });
const ANSWERS = Number(options.answers);
/** First the frequency tables of the quarter (the review reads them too, and the first reader drains the queue), then the themes. */
const TABLES_FIRST = options['tables-first'];

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('postgres')) {
    console.error('Set DATABASE_URL to the large data set, e.g. postgres://postgres@127.0.0.1:5432/wouldmiss_bench');
    return 2;
  }
  const handle = await openDatabase({ driver: 'postgres', url, maxConnections: 4 });
  const db = handle.db;
  const [workspace] = await selectRows<{ id: string }>(db, sql`select id from workspaces where slug = ${LARGE.slug}`);
  const workspaceId = workspace!.id;
  const period = LARGE_PERIODS[LARGE_PERIODS.length - 1]!;
  const [campaign] = await selectRows<{ id: string; status: string; closes_at: Date | string }>(
    db,
    sql`select id, status, closes_at from campaigns where workspace_id = ${workspaceId} and period = ${period}`,
  );
  const open = await selectRows<{ id: string; token_hash: string | null; status: string; opened_at: Date | string | null }>(
    db,
    sql`select i.id, i.token_hash, i.status, i.opened_at from invitations i where i.campaign_id = ${campaign!.id}
          and not exists (select 1 from responses r where r.invitation_id = i.id) limit ${ANSWERS}`,
  );
  const started = new Date();

  // Every backend of the database counts (this script's own too); NaN when one cannot be read.
  const backendsCpuMs = async () => {
    const rows = await selectRows<{ pid: number }>(db, sql`select pid from pg_stat_activity where datname = current_database()`);
    return rows.reduce((sum, { pid }) => sum + processCpuMs(Number(pid)), 0);
  };
  const measure = async (label: string) => {
    if (TABLES_FIRST) await measureTables(`${label}: tables`);
    const backends = await backendsCpuMs();
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const report = await themeReportOf(db, workspaceId, period);
    const wallMs = performance.now() - wall;
    const used = process.cpuUsage(cpu);
    const backendMs = (await backendsCpuMs()) - backends;
    console.log(
      `${label.padEnd(22)} app CPU ${((used.user + used.system) / 1000).toFixed(1).padStart(7)} ms  backends ${backendMs.toFixed(0).padStart(5)} ms  wall ${wallMs.toFixed(1).padStart(7)} ms  (${JSON.stringify(report).length} bytes of report)`,
    );
  };

  const measureTables = async (label: string) => {
    const backends = await backendsCpuMs();
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await periodSnapshots(db, workspaceId, [period], { invitations: false });
    const wallMs = performance.now() - wall;
    const used = process.cpuUsage(cpu);
    const backendMs = (await backendsCpuMs()) - backends;
    console.log(`${label.padEnd(22)} app CPU ${((used.user + used.system) / 1000).toFixed(1).padStart(7)} ms  backends ${backendMs.toFixed(0).padStart(5)} ms  wall ${wallMs.toFixed(1).padStart(7)} ms`);
  };

  console.log(`load ${loadavg().map((value) => value.toFixed(2)).join(' ')}; quarter ${period}`);
  try {
    await measure('cold');
    await measure('warm');
    await measure('warm');
    await db.execute(sql`update campaigns set status = 'open', closes_at = ${new Date(Date.now() + 30 * 86_400_000).toISOString()} where id = ${campaign!.id}`);
    for (const [index, invitation] of open.entries()) {
      const { token, tokenHash } = createInvitationToken();
      await db.execute(sql`update invitations set token_hash = ${tokenHash}, status = 'delivered' where id = ${invitation.id}`);
      const context = (await findInvitation(db, token))!;
      const steps = context.plan.steps;
      for (let step = 0; step < steps.length; step += 1) {
        const answers: Answers = {};
        for (const item of steps[step]!.items.filter((candidate) => candidate.core)) {
          if (item.name === 'miss_us') answers[item.name] = 'very';
          else if (item.name === 'recommend') answers[item.name] = 9;
          else if (item.name.startsWith('treat_') || item.name === 'benefit' || item.name === 'csat') answers[item.name] = 4;
          else answers[item.name] = 'Die schnelle Antwort vom Service und die persönliche Beratung';
        }
        const fresh = (await findInvitation(db, token))!;
        await saveStep(db, fresh, { step: steps[step]!, answers, locale: 'de', reached: step + 1, complete: step === steps.length - 1 });
      }
      await measure(`after answer ${index + 1}`);
      await measure('warm');
    }
    console.log(`load ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  } catch (error) {
    console.error(error);
    throw error;
  } finally {
    // Leave the data set as it was.
    const ids = open.map((invitation) => invitation.id);
    await db.execute(sql`delete from email_messages where workspace_id = ${workspaceId} and created_at >= ${started.toISOString()}`);
    await db.execute(sql`delete from flags where campaign_id = ${campaign!.id} and created_at >= ${started.toISOString()}`);
    await db.execute(sql`delete from responses where invitation_id in (select json_array_elements_text(${JSON.stringify(ids)}::json)::uuid)`);
    for (const invitation of open) {
      // The first saved step marks the invitation opened: that goes back too.
      const openedAt = invitation.opened_at === null ? null : new Date(invitation.opened_at).toISOString();
      await db.execute(
        sql`update invitations set token_hash = ${invitation.token_hash}, status = ${invitation.status}, opened_at = ${openedAt}::timestamptz where id = ${invitation.id}`,
      );
    }
    await db.execute(sql`update campaigns set status = ${campaign!.status}, closes_at = ${new Date(campaign!.closes_at).toISOString()} where id = ${campaign!.id}`);
    // The review reads the quarter again once, as it was (drains the queue the deletion left).
    await themeReportOf(db, workspaceId, period);
    await handle.close();
  }
  return 0;
}

runBench(main);
