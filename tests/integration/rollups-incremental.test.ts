import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { sortPeriodTables } from '../../app/analysis/table-delta';
import { runRollupsRebuild } from '../../app/cli/rollups';
import { setTiersFromApi } from '../../app/customers/api-sync.server';
import { eraseCustomer } from '../../app/customers/privacy.server';
import { countedResponsesSql, loadPeriodTables, selectRows } from '../../app/reports/period-tables.server';
import { periodSnapshots, rebuildRollups } from '../../app/reports/rollups.server';
import { findInvitation, saveStep } from '../../app/surveys/answering.server';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import type { Answers } from '../../app/surveys/answers';
import { campaigns, invitations, workspaceTiers } from '../../db/schema';
import { seededRandom, type Random } from '../../db/seed/random';
import { createTestDatabase } from '../support/db';
import { runSeed } from '../support/security';
import { createSurveyWorkspace, inviteCustomer, type SurveyWorkspace } from '../support/survey-fixtures';

/**
 * Frequency tables kept by difference (decision 0031) equal the tables
 * counted afresh from the raw rows, after random sequences of new, changed
 * and deleted responses, tier changes, erasures and a tier rename, all made
 * through the functions the app uses. Two campaigns of the same quarter let
 * a customer's newer response replace the older one's contribution.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workspace: SurveyWorkspace;

interface Customer {
  id: string;
  externalId: string;
  /** One survey link per campaign of the quarter. */
  tokens: string[];
  erased: boolean;
}
const people: Customer[] = [];
const CUSTOMERS = 8;

beforeAll(async () => {
  database = await createTestDatabase();
  workspace = await createSurveyWorkspace(database.db, { tierLabels: ['Gold', 'Silver', 'Bronze'], period: '2026-Q3' });
  const [second] = await database.db
    .insert(campaigns)
    .values({ workspaceId: workspace.workspaceId, surveyVersionId: workspace.versionId, name: 'Follow-up', period: workspace.period, status: 'open', closesAt: workspace.campaign.closesAt })
    .returning();
  for (let i = 0; i < CUSTOMERS; i += 1) {
    const invited = await inviteCustomer(database.db, workspace, { tierIndex: i % 3, externalId: `C-${i}` });
    const { token, tokenHash } = createInvitationToken();
    await database.db
      .insert(invitations)
      .values({ workspaceId: workspace.workspaceId, campaignId: second!.id, customerId: invited.customer.id, tokenHash, status: 'delivered' });
    people.push({ id: invited.customer.id, externalId: `C-${i}`, tokens: [invited.token, token], erased: false });
  }
}, 120_000);
afterAll(() => database.dispose());

function randomAnswers(random: Random, names: readonly string[]): Answers {
  const answers: Answers = {};
  for (const name of names) {
    if (random.chance(0.12)) answers[name] = null;
    else if (name === 'miss_us') answers[name] = random.pick(['very', 'somewhat', 'not', 'na']);
    else if (name === 'recommend') answers[name] = random.int(11);
    else if (name.startsWith('treat_') || name === 'benefit' || name === 'csat') answers[name] = 1 + random.int(5);
    else answers[name] = random.pick(['Der Service', 'Nichts', 'Schnelle Antworten']);
  }
  return answers;
}

/** Answers a survey link through as a customer would: every step, the last one completing it. */
async function answer(random: Random, token: string, options: { complete: boolean }): Promise<void> {
  const context = await findInvitation(database.db, token);
  if (!context) throw new Error('unknown survey link');
  const steps = context.plan.steps;
  const last = options.complete ? steps.length : Math.max(1, random.int(steps.length - 1));
  for (let index = 0; index < last; index += 1) {
    const step = steps[index]!;
    const names = step.items.filter((item) => item.core).map((item) => item.name);
    const complete = options.complete && index === steps.length - 1;
    await saveStep(database.db, context, { step, answers: randomAnswers(random, names), locale: 'de', reached: index + 1, complete });
  }
}

/** Changes one step of a completed response, as the survey page lets a customer do before the campaign closes. */
async function change(random: Random, token: string): Promise<void> {
  const context = (await findInvitation(database.db, token))!;
  const step = random.pick(context.plan.steps);
  const names = step.items.filter((item) => item.core).map((item) => item.name);
  await saveStep(database.db, context, { step, answers: randomAnswers(random, names), locale: 'de', reached: context.plan.steps.length, complete: true });
}

async function completedResponses(customerId: string): Promise<string[]> {
  const rows = await selectRows<{ id: string }>(database.db, sql`select id from responses where customer_id = ${customerId} and status = 'completed'`);
  return rows.map((row) => row.id);
}

async function step(random: Random): Promise<string> {
  const customer = random.pick(people);
  const roll = random.next();
  if (roll < 0.4) {
    // An erased customer's survey links no longer work.
    if (customer.erased) return 'skip';
    const token = random.pick(customer.tokens);
    const context = (await findInvitation(database.db, token))!;
    if (context.response?.status === 'completed') {
      await change(random, token);
      return 'change';
    }
    await answer(random, token, { complete: random.chance(0.85) });
    return 'answer';
  }
  if (roll < 0.6) {
    if (customer.erased) return 'skip';
    const tiers = ['Gold', 'Silver', 'Bronze'];
    const result = await setTiersFromApi(database.db, workspace.workspaceId, {
      period: workspace.period,
      assignments: [{ externalId: customer.externalId, tier: random.pick(tiers) }],
    });
    expect(result.ok).toBe(true);
    return 'tier';
  }
  if (roll < 0.7) {
    // Nothing in the app deletes a single response; a cascade (a customer or campaign deleted) does it this way.
    const ids = await completedResponses(customer.id);
    if (ids.length === 0) return 'skip';
    await database.db.execute(sql`delete from responses where id = ${random.pick(ids)}`);
    return 'delete';
  }
  if (roll < 0.78) {
    if (customer.erased) return 'skip';
    expect(await eraseCustomer(database.db, workspace.workspaceId, customer.id, { actorUserId: workspace.owner.userId, suppressAddress: false })).toBe(true);
    customer.erased = true;
    return 'erase';
  }
  if (roll < 0.82) {
    // A tier renamed: its label is in the stored tables, so the quarter is counted afresh.
    const [tier] = await database.db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspace.workspaceId)).limit(1);
    await database.db.update(workspaceTiers).set({ label: `${tier!.label}*` }).where(eq(workspaceTiers.id, tier!.id));
    await database.db.update(workspaceTiers).set({ label: tier!.label }).where(eq(workspaceTiers.id, tier!.id));
    return 'rename';
  }
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
    const open = people.filter((customer) => !customer.erased);
    await Promise.all([
      ...open.map(async (customer) => {
        const token = customer.tokens[1]!;
        const context = (await findInvitation(database.db, token))!;
        if (context.response?.status === 'completed') await change(random, token);
        else await answer(random, token, { complete: true });
      }),
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
    for (const customer of people.filter((person) => !person.erased).slice(0, 2)) {
      if ((await completedResponses(customer.id)).length === 0) await answer(random, customer.tokens[0]!, { complete: true });
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
