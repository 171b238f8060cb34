/**
 * The review of a quarter right after one new response, on the large data set
 * (PostgreSQL, the latest quarter: about 100,000 responses), decision 0031:
 *   - before: the quarter's stored tables invalidated and counted afresh from
 *     the raw rows, which is what every new response caused until then;
 *   - after: the new response's customer drained from the queue and its
 *     answers added to the stored tables by difference;
 *   - the floor: the same review with nothing new (only the computed review
 *     forgotten), which the figure after cannot beat.
 * Each round adds one completed response (an invited customer who had not
 * answered) and then times the review of that quarter, its computed-review
 * cache forgotten. The responses added are deleted again at the end.
 * Run: npm run bench:rollups   (the data set: npm run bench:reports -- --seed)
 */
import { and, eq, sql } from 'drizzle-orm';
import { currentPeriodTables } from '../../app/reports/rollups.server';
import { forgetComputedReviews, tierReview } from '../../app/reports/tier-review.server';
import { openDatabase, selectRows, type Database } from '../../db/client.server';
import { campaigns, workspaces } from '../../db/schema';
import { LARGE, LARGE_PERIODS } from '../../db/seed/large.server';
import { seededRandom } from '../../db/seed/random';
import { benchUrl, ensureDatabase, machine, percentile, printTable, recordFigure, time } from './support';

const ROUNDS_BEFORE = 5;
const ROUNDS_AFTER = 20;

async function main() {
  await ensureDatabase(benchUrl);
  const handle = await openDatabase({ driver: 'postgres', url: benchUrl, maxConnections: 10 });
  const { db } = handle;
  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.slug, LARGE.slug));
  if (!workspace) {
    console.error('The large data set is missing: create it with `npm run bench:reports -- --seed`.');
    await handle.close();
    process.exit(2);
  }
  const workspaceId = workspace.id;
  const period = LARGE_PERIODS[LARGE_PERIODS.length - 1]!;
  const [campaign] = await db.select().from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.period, period)));
  const [{ n } = { n: 0 }] = await selectRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from responses where workspace_id = ${workspaceId} and period = ${period} and status = 'completed'`,
  );
  const open = await selectRows<{ id: string; customer_id: string }>(
    db,
    sql`select i.id, i.customer_id from invitations i
        where i.campaign_id = ${campaign!.id} and not exists (select 1 from responses r where r.invitation_id = i.id)
        limit ${ROUNDS_BEFORE + ROUNDS_AFTER}`,
  );
  if (open.length < ROUNDS_BEFORE + ROUNDS_AFTER) throw new Error(`only ${open.length} invited customers of ${period} have not answered`);
  const random = seededRandom(31);
  const added: string[] = [];
  const answerOne = async () => {
    const invitation = open.shift()!;
    const scale = () => 1 + random.int(5);
    const [row] = await selectRows<{ id: string }>(
      db,
      sql`insert into responses (workspace_id, campaign_id, invitation_id, customer_id, period, locale, status, step, completed_at,
            miss_us, treat_valued, treat_responsive, treat_equal, treat_promise, benefit, csat, recommend)
          values (${workspaceId}, ${campaign!.id}, ${invitation.id}, ${invitation.customer_id}, ${period}, 'de', 'completed', 6, now(),
            ${random.pick(['very', 'somewhat', 'not', 'na'])}, ${scale()}, ${scale()}, ${scale()}, ${scale()}, ${scale()}, ${scale()}, ${random.int(11)})
          returning id`,
    );
    added.push(row!.id);
  };
  const review = async (db: Database) => {
    forgetComputedReviews(db);
    return (await time(() => tierReview(db, workspaceId, { from: period, to: period }))).ms;
  };

  const rows: Array<{ what: string; figure: string; target?: string }> = [];
  try {
    // Stored tables of the quarter (and the one before) to start from.
    const first = await time(() => currentPeriodTables(db, workspaceId, period, { recount: true }));
    rows.push({ what: `full count of ${period} (${n.toLocaleString('en')} responses) into the stored tables (rollups:rebuild, per quarter)`, figure: `${first.ms.toFixed(0)} ms` });
    await review(db);

    // The floor: the same review with nothing new (stored tables current, computed review forgotten).
    const still: number[] = [];
    for (let i = 0; i < 5; i++) still.push(await review(db));

    const before: number[] = [];
    for (let i = 0; i < ROUNDS_BEFORE; i++) {
      await answerOne();
      // What the version bump did: the stored tables no longer count, the review counts the quarter afresh.
      await db.execute(sql`update period_rollups set tables = null where workspace_id = ${workspaceId} and period = ${period}`);
      before.push(await review(db));
    }
    const after: number[] = [];
    const drains: number[] = [];
    for (let i = 0; i < ROUNDS_AFTER; i++) {
      await answerOne();
      if (i % 2 === 0) after.push(await review(db));
      // Every other round times the drain alone (one customer queued).
      else drains.push((await time(() => currentPeriodTables(db, workspaceId, period))).ms);
    }
    const median = (values: number[]) => percentile(values, 50);
    rows.push({ what: `review of ${period} with no new response (the floor), median of ${still.length}`, figure: `${median(still).toFixed(1)} ms` });
    rows.push({ what: `review of ${period} right after one new response, before (invalidate and count afresh), median of ${before.length}`, figure: `${median(before).toFixed(0)} ms` });
    rows.push({ what: `review of ${period} right after one new response, after (by difference), median of ${after.length}`, figure: `${median(after).toFixed(1)} ms` });
    rows.push({ what: `  of which: the drain of one queued customer, median of ${drains.length}`, figure: `${median(drains).toFixed(1)} ms` });
    rows.push({ what: 'ratio before / after', figure: `${(median(before) / median(after)).toFixed(1)}×` });
    recordFigure({ key: 'rollups.review.recount', label: 'review of a quarter right after one new response, tables counted afresh (before)', value: median(before), unit: 'ms', better: 'lower' });
    recordFigure({ key: 'rollups.review.delta', label: 'review of a quarter right after one new response, tables by difference', value: median(after), unit: 'ms', better: 'lower', baseline: 'rollups.review.recount' });
  } finally {
    // Leave the data set as it was: the added responses go, and their removal is drained.
    if (added.length > 0) await db.execute(sql`delete from responses where id in (select json_array_elements_text(${JSON.stringify(added)}::json)::uuid)`);
    await currentPeriodTables(db, workspaceId, period);
    await handle.close();
  }
  console.log(`Machine: ${machine()}`);
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
