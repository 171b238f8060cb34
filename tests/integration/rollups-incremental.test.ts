import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { sortPeriodTables } from '../../app/analysis/table-delta';
import { runRollupsRebuild } from '../../app/cli/rollups';
import { countedResponsesSql, loadPeriodTables, selectRows } from '../../app/reports/period-tables.server';
import { periodSnapshots, rebuildRollups } from '../../app/reports/rollups.server';
import { seededRandom, type Random } from '../../db/seed/random';
import { AnswerSequences, pick } from '../support/answer-sequences';
import { createTestDatabase } from '../support/db';
import { runSeed } from '../support/security';
import type { SurveyWorkspace } from '../support/survey-fixtures';

/**
 * Frequency tables kept by difference (decision 0031) equal the tables
 * counted afresh from the raw rows, after random sequences of new, changed
 * and deleted responses, tier changes, erasures and a tier rename, all made
 * through the functions the app uses. Two campaigns of the same quarter let
 * a customer's newer response replace the older one's contribution.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let sequences: AnswerSequences;
let workspace: SurveyWorkspace;

beforeAll(async () => {
  database = await createTestDatabase();
  sequences = await AnswerSequences.create(database.db, { texts: ['Der Service', 'Nichts', 'Schnelle Antworten'] });
  workspace = sequences.workspace;
}, 120_000);
afterAll(() => database.dispose());

async function step(random: Random): Promise<string> {
  const kind = pick(random.next(), [['answer', 0.4], ['tier', 0.6], ['delete', 0.7], ['erase', 0.78], ['rename', 0.82]] as const, 'read');
  if (kind !== 'read') return sequences.apply(random, kind);
  // A reader in between: drains what is queued so far.
  await periodSnapshots(database.db, workspace.workspaceId, [workspace.period], { invitations: false });
  return 'read';
}

async function expectIncrementalEqualsFullCount(label: string): Promise<void> {
  const snapshot = await periodSnapshots(database.db, workspace.workspaceId, [workspace.period]);
  const full = await loadPeriodTables(database.db, workspace.workspaceId, workspace.period);
  expect(sortPeriodTables(snapshot.get(workspace.period)!.tables), label).toEqual(sortPeriodTables(full));
}

describe('incremental rollups', () => {
  it('equal a full count after random sequences of answers, changes, deletions, tier changes and erasures', async () => {
    const seed = runSeed('rollups-incremental');
    const random = seededRandom(seed);
    // Stored tables to start from: every later read applies differences to them.
    await expectIncrementalEqualsFullCount(`seed ${seed}, empty`);
    for (let sequence = 0; sequence < 5; sequence += 1) {
      const done: string[] = [];
      const length = 3 + random.int(8);
      for (let i = 0; i < length; i += 1) done.push(await step(random));
      await expectIncrementalEqualsFullCount(`seed ${seed}, sequence ${sequence}: ${done.join(' ')}`);
    }
    const [counted] = await selectRows<{ n: number | string }>(
      database.db,
      sql`select count(*) as n from responses where workspace_id = ${workspace.workspaceId} and status = 'completed'`,
    );
    expect(Number(counted!.n), 'the sequences left answers to count').toBeGreaterThan(0);
    expect((await rebuildRollups(database.db, { workspaceId: workspace.workspaceId })).filter((period) => period.corrected)).toEqual([]);
  }, 60_000);

  it('loses no answer when customers complete and readers read at the same time', async () => {
    const random = seededRandom(runSeed('rollups-concurrent'));
    await expectIncrementalEqualsFullCount('before');
    await Promise.all([
      ...sequences.answerAllAtOnce(random),
      ...[0, 1, 2].map(() => periodSnapshots(database.db, workspace.workspaceId, [workspace.period], { invitations: false })),
    ]);
    await expectIncrementalEqualsFullCount('after concurrent answers');
  }, 60_000);

  it('has the rebuild correct stored tables that drifted', async () => {
    await expectIncrementalEqualsFullCount('before');
    // A stored count wrong by one (a bug, a hand-edited database).
    await database.db.execute(sql`update period_rollups
      set tables = jsonb_set(tables, '{responses,0,count}', to_jsonb((tables->'responses'->0->>'count')::int + 1))
      where workspace_id = ${workspace.workspaceId} and period = ${workspace.period}`);
    const rebuilt = await rebuildRollups(database.db, { workspaceId: workspace.workspaceId });
    expect(rebuilt).toEqual([{ workspaceId: workspace.workspaceId, period: workspace.period, corrected: true }]);
    await expectIncrementalEqualsFullCount('after the rebuild');
  });

  it('has a recount bring counted rows that drifted back to the raw rows: one changed, one missing, one stray', async () => {
    const random = seededRandom(runSeed('rollups-recount-rows'));
    // Two customers with a completed response to count.
    for (const customer of sequences.people.filter((person) => !person.erased).slice(0, 2)) {
      if ((await sequences.completedResponses(customer.id)).length === 0) await sequences.answer(random, customer.tokens[0]!, { complete: true });
    }
    await expectIncrementalEqualsFullCount('before');
    const countedRows = () =>
      selectRows(
        database.db,
        sql`select customer_id, tier, miss_us, treat_valued, treat_responsive, treat_equal, treat_promise, benefit, csat, recommend
            from period_rollup_counted where workspace_id = ${workspace.workspaceId} and period = ${workspace.period} order by customer_id`,
      );
    const fromRawRows = () =>
      selectRows(database.db, sql`select * from (${countedResponsesSql(workspace.workspaceId, workspace.period)}) c order by customer_id`);
    const [changed, missing] = await selectRows<{ customer_id: string }>(
      database.db,
      sql`select customer_id from period_rollup_counted where workspace_id = ${workspace.workspaceId} and period = ${workspace.period}
          order by customer_id limit 2`,
    );
    expect(missing, 'two counted customers').toBeDefined();
    await database.db.execute(sql`update period_rollup_counted set tier = tier || '?', miss_us = 'na', csat = null
      where workspace_id = ${workspace.workspaceId} and period = ${workspace.period} and customer_id = ${changed!.customer_id}`);
    await database.db.execute(sql`delete from period_rollup_counted
      where workspace_id = ${workspace.workspaceId} and period = ${workspace.period} and customer_id = ${missing!.customer_id}`);
    await database.db.execute(sql`insert into period_rollup_counted (workspace_id, period, customer_id, tier, miss_us)
      values (${workspace.workspaceId}, ${workspace.period}, gen_random_uuid(), 'Gold', 'very')`);
    expect(await countedRows()).not.toEqual(await fromRawRows());
    await rebuildRollups(database.db, { workspaceId: workspace.workspaceId });
    expect(await countedRows()).toEqual(await fromRawRows());
    await expectIncrementalEqualsFullCount('after the recount');
  });

  it('rebuilds from the command line, for one workspace by id or slug, and says what is wrong with its arguments', async () => {
    const run = async (argv: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const out: string[] = [];
      const err: string[] = [];
      stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
      stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
      const code = await runRollupsRebuild(argv, { stdout, stderr, openDatabase: async () => ({ db: database.db, close: async () => {} }) });
      await new Promise((resolve) => setImmediate(resolve));
      return { code, stdout: out.join(''), stderr: err.join('') };
    };
    const [named] = await selectRows<{ slug: string }>(database.db, sql`select slug from workspaces where id = ${workspace.workspaceId}`);
    const bySlug = await run(['--workspace', named!.slug]);
    expect(bySlug).toEqual({ code: 0, stdout: '', stderr: expect.stringMatching(/^Counted 1 stored period afresh in [\d.]+ s; 0 had differed from the full count\.\n$/) });
    expect((await run(['--workspace', workspace.workspaceId])).code).toBe(0);
    expect(await run(['--workspace', 'no-such-workspace'])).toMatchObject({ code: 1, stderr: 'No workspace with the id or slug "no-such-workspace".\n' });
    expect((await run(['--period', '2026-Q3'])).code).toBe(2);
  });
});
