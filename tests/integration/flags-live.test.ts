import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnFlag } from '../../app/flags/flags.server';
import { evaluateAllQueuedFlags, evaluateQueuedFlags, evaluationLanes, queuedEvaluationCount } from '../../app/flags/evaluate.server';
import { FlagEvaluator, setProcessFlagEvaluator } from '../../app/flags/evaluator.server';
import { sendDueDigests } from '../../app/flags/alerts.server';
import { flagLoop } from '../../app/reports/flag-loop.server';
import { selectRows } from '../../db/client.server';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import { campaigns, customers, emailMessages, flagEvents, flags, invitations, lexiconPhrases, tierAssignments } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createTestDatabase, testDriver } from '../support/db';
import { createSurveyWorkspace, inviteCustomer, postStep, revOf, type SurveyWorkspace } from '../support/survey-fixtures';

// Flags raised by the live path: a customer's last click completes the
// response, the save's trigger queues it, the evaluator judges it.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  setProcessFlagEvaluator(undefined);
  await app.close();
  await database.dispose();
});

type Answers = Array<Record<string, string>>;
/** Second-class by every rule: equal treatment 2, PTI 2, the lexicon; "not disappointed". */
const secondClass: Answers = [
  { miss_us: 'not' },
  { miss_most: 'Nichts', alternative: 'Ein anderes Büro' },
  { treat_valued: '2', treat_responsive: '2', treat_equal: '2', treat_promise: '2' },
  { benefit: '2', csat: '2', recommend: '3' },
  { improve: 'Ich fühle mich wie ein Kunde zweiter Klasse.' },
];
const happy: Answers = [
  { miss_us: 'very' },
  { miss_most: 'Die schnelle Hilfe', alternative: 'Nichts Vergleichbares' },
  { treat_valued: '5', treat_responsive: '5', treat_equal: '5', treat_promise: '4' },
  { benefit: '5', csat: '5', recommend: '10' },
  { improve: 'Weiter so' },
];

async function answer(path: string, steps: Answers) {
  const client = app.client();
  for (const [step, answers] of steps.entries()) {
    expect((await postStep(client, path, step, answers, { lang: 'de' })).status, `step ${step}`).toBe(303);
  }
  return client;
}

/** Changes a completed response's treatment step, as the customer does from the thank-you page. */
async function change(client: ReturnType<typeof app.client>, path: string, step: number, answers: Record<string, string>) {
  const page = await (await client.get(`${path}?step=${step}`)).text();
  expect((await postStep(client, path, step, answers, { rev: revOf(page), intent: 'finish', lang: 'de' })).status).toBe(303);
}

async function flagsOf(customerId: string) {
  return database.db.select().from(flags).where(eq(flags.customerId, customerId));
}

async function historyOf(flagId: string) {
  const rows = await database.db.select().from(flagEvents).where(eq(flagEvents.flagId, flagId)).orderBy(flagEvents.createdAt);
  return rows.map((row) => row.action);
}

/** After judging what was queued: a new workspace with `count` customers of its lowest tier who each answered as second-class, their answers queued. */
async function queuedSecondClassAnswers(name: string, count: number) {
  await evaluateAllQueuedFlags(database.db);
  const workspace: SurveyWorkspace = await createSurveyWorkspace(database.db, { name });
  const invited = [];
  for (let i = 0; i < count; i++) {
    const customer = await inviteCustomer(database.db, workspace, { tierIndex: 2 });
    await answer(customer.path, secondClass);
    invited.push(customer);
  }
  return invited;
}

async function workspaceWithOwnerAsAccountOwner(name: string) {
  const workspace = await createSurveyWorkspace(database.db, { name });
  const invited = await inviteCustomer(database.db, workspace, { tierIndex: 2 });
  await database.db.update(customers).set({ accountOwnerId: workspace.owner.userId }).where(eq(customers.id, invited.customer.id));
  return { workspace, invited };
}

describe('a completed answer is judged at once', () => {
  it('queues the response in the saving transaction, and the evaluator raises the flag for the account owner with an alert', async () => {
    const { workspace, invited } = await workspaceWithOwnerAsAccountOwner('Live Flags GmbH');
    const client = await answer(invited.path, secondClass.slice(0, 4));
    // Not completed yet: nothing queued.
    expect(await queuedEvaluationCount(database.db)).toBe(0);
    expect((await postStep(client, invited.path, 4, secondClass[4]!, { lang: 'de' })).status).toBe(303);
    expect(await queuedEvaluationCount(database.db)).toBe(1);

    expect(await evaluateAllQueuedFlags(database.db)).toMatchObject({ judged: 1, raised: 1, withdrawn: 0 });
    const [flag] = await flagsOf(invited.customer.id);
    expect(flag).toMatchObject({
      kind: 'second_class',
      severity: 'high',
      status: 'open',
      assignedTo: workspace.owner.userId,
      reasons: ['treat_equal_low', 'pti_low', 'lexicon'],
    });
    expect(await historyOf(flag!.id)).toEqual(['raised']);
    const alerts = await database.db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.workspaceId, workspace.workspaceId), eq(emailMessages.kind, 'flag_alert')));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.toAddress).toBe(workspace.owner.email);
    expect(alerts[0]!.text).toContain('rates the treatment low overall');
    expect(alerts[0]!.link).toContain(`/app/flags/${flag!.id}`);
    // Judging again changes nothing and sends nothing twice.
    await database.db.execute(sql`insert into flag_evaluations (response_id) select id from responses where customer_id = ${invited.customer.id}`);
    expect(await evaluateAllQueuedFlags(database.db)).toMatchObject({ raised: 0, withdrawn: 0 });
    expect(await historyOf(flag!.id)).toEqual(['raised']);
  });

  it('withdraws an open flag when the customer changes the answers, and raises it again when they change back', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Change of Mind AG' });
    const invited = await inviteCustomer(database.db, workspace, { tierIndex: 1 });
    const client = await answer(invited.path, [...secondClass.slice(0, 4), { improve: '' }]);
    await evaluateAllQueuedFlags(database.db);
    const [flag] = await flagsOf(invited.customer.id);
    expect(flag).toMatchObject({ status: 'open', severity: 'high', reasons: ['treat_equal_low', 'pti_low'], assignedTo: null });

    await change(client, invited.path, 2, { treat_valued: '5', treat_responsive: '5', treat_equal: '5', treat_promise: '5' });
    expect(await evaluateAllQueuedFlags(database.db)).toMatchObject({ judged: 1, withdrawn: 1 });
    expect((await flagsOf(invited.customer.id))[0]).toMatchObject({ id: flag!.id, status: 'withdrawn' });
    expect(await historyOf(flag!.id)).toEqual(['raised', 'withdrawn']);

    await change(client, invited.path, 2, { treat_valued: '4', treat_responsive: '3', treat_equal: '1', treat_promise: '4' });
    await evaluateAllQueuedFlags(database.db);
    expect((await flagsOf(invited.customer.id))[0]).toMatchObject({ id: flag!.id, status: 'open', severity: 'medium', reasons: ['treat_equal_low'] });
    expect(await historyOf(flag!.id)).toEqual(['raised', 'withdrawn', 'reraised']);
  });

  it('never withdraws or reopens a flag that a member has acted on', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Contacted KG' });
    const invited = await inviteCustomer(database.db, workspace, { tierIndex: 2 });
    const client = await answer(invited.path, secondClass);
    await evaluateAllQueuedFlags(database.db);
    const [flag] = await flagsOf(invited.customer.id);
    expect(await actOnFlag(database.db, { workspaceId: workspace.workspaceId, flagId: flag!.id, actorUserId: workspace.owner.userId, action: { type: 'contacted' } })).toEqual({ ok: true });

    await change(client, invited.path, 2, { treat_valued: '5', treat_responsive: '5', treat_equal: '5', treat_promise: '5' });
    await evaluateAllQueuedFlags(database.db);
    expect((await flagsOf(invited.customer.id))[0]).toMatchObject({ status: 'contacted', reasons: ['treat_equal_low', 'pti_low', 'lexicon'] });
    expect(await historyOf(flag!.id)).toEqual(['raised', 'contacted']);
  });

  it('flags a top-tier customer who would not miss us as at risk, and a happy customer not at all', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Top Tier OHG' });
    const top = await inviteCustomer(database.db, workspace, { tierIndex: 0 });
    const fine = await inviteCustomer(database.db, workspace, { tierIndex: 2 });
    await answer(top.path, [{ miss_us: 'not' }, ...happy.slice(1)]);
    await answer(fine.path, happy);
    await evaluateAllQueuedFlags(database.db);
    expect(await flagsOf(top.customer.id)).toMatchObject([{ kind: 'at_risk', severity: 'high', reasons: ['would_not_miss'] }]);
    expect(await flagsOf(fine.customer.id)).toEqual([]);
  });

  it('compares the PTI with the customer’s most recent earlier completed response (pti_drop)', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Drop GmbH', period: '2026-Q2' });
    const earlier = await inviteCustomer(database.db, workspace, { tierIndex: 1 });
    await answer(earlier.path, happy);
    await evaluateAllQueuedFlags(database.db);
    // A second campaign of the same workspace in the next quarter, for the same customer.
    const [next] = await database.db
      .insert(campaigns)
      .values({ ...workspace.campaign, id: undefined, period: '2026-Q3', name: 'Next quarter' })
      .returning();
    await database.db.insert(tierAssignments).values({ workspaceId: workspace.workspaceId, customerId: earlier.customer.id, period: '2026-Q3', tierId: workspace.tiers[1]!.id, source: 'import' });
    const { token, tokenHash } = createInvitationToken();
    await database.db.insert(invitations).values({ workspaceId: workspace.workspaceId, campaignId: next!.id, customerId: earlier.customer.id, tokenHash, status: 'delivered' });
    // PTI 4.75 before, 3.5 now: no other rule holds, the drop of 1.25 does.
    await answer(`/s/${token}`, [happy[0]!, happy[1]!, { treat_valued: '4', treat_responsive: '3', treat_equal: '3', treat_promise: '4' }, happy[3]!, happy[4]!]);
    await evaluateAllQueuedFlags(database.db);
    const raised = (await flagsOf(earlier.customer.id)).filter((flag) => flag.campaignId === next!.id);
    expect(raised).toMatchObject([{ kind: 'second_class', severity: 'medium', reasons: ['pti_drop'] }]);
  });

  it("matches the workspace's own phrases like the built-in lexicon", async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Phrasen GmbH' });
    await database.db.insert(lexiconPhrases).values({ workspaceId: workspace.workspaceId, phrase: 'wie Luft behandelt', normalized: 'wie luft behandelt' });
    const invited = await inviteCustomer(database.db, workspace, { tierIndex: 1 });
    const other = await inviteCustomer(database.db, workspace, { tierIndex: 1 });
    await answer(invited.path, [...happy.slice(0, 4), { improve: 'Manchmal werde ich wie Luft behandelt.' }]);
    await answer(other.path, [...happy.slice(0, 4), { improve: 'Ich werde nie wie Luft behandelt.' }]);
    await evaluateAllQueuedFlags(database.db);
    expect(await flagsOf(invited.customer.id)).toMatchObject([{ kind: 'second_class', reasons: ['lexicon'] }]);
    expect(await flagsOf(other.customer.id)).toEqual([]);
  });
});

/** A campaign of the workspace in another quarter, with an invitation for the customer; returns its link. */
async function nextQuarterInvitation(workspace: SurveyWorkspace, customerId: string, period: string, tierIndex: number) {
  const [next] = await database.db
    .insert(campaigns)
    .values({ ...workspace.campaign, id: undefined, period, name: `Survey ${period}` })
    .returning();
  await database.db.insert(tierAssignments).values({ workspaceId: workspace.workspaceId, customerId, period, tierId: workspace.tiers[tierIndex]!.id, source: 'import' });
  const { token, tokenHash } = createInvitationToken();
  await database.db.insert(invitations).values({ workspaceId: workspace.workspaceId, campaignId: next!.id, customerId, tokenHash, status: 'delivered' });
  return { campaignId: next!.id, path: `/s/${token}` };
}

describe('the loop, measured', () => {
  it('counts a resolved flag whose customer answers happily next time as recovered, with the PTI change', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Recovery GmbH', period: '2026-Q2' });
    const invited = await inviteCustomer(database.db, workspace, { tierIndex: 2 });
    await answer(invited.path, secondClass);
    await evaluateAllQueuedFlags(database.db);
    const [flag] = await flagsOf(invited.customer.id);
    const actor = workspace.owner.userId;
    await actOnFlag(database.db, { workspaceId: workspace.workspaceId, flagId: flag!.id, actorUserId: actor, action: { type: 'contacted' } });
    await actOnFlag(database.db, { workspaceId: workspace.workspaceId, flagId: flag!.id, actorUserId: actor, action: { type: 'resolved', note: 'Visited.' } });
    // The flag keeps the times of its first action and its resolution, as its history has them (migration 0027).
    const [kept] = await selectRows(database.db, sql`select
        f.first_action_at = (select min(e.created_at) from flag_events e where e.flag_id = f.id and e.action = 'contacted') as "firstAction",
        f.closed_at = (select max(e.created_at) from flag_events e where e.flag_id = f.id and e.action = 'resolved') as closed
      from flags f where f.id = ${flag!.id}`);
    expect(kept).toEqual({ firstAction: true, closed: true });

    const next = await nextQuarterInvitation(workspace, invited.customer.id, '2026-Q3', 2);
    await answer(next.path, happy);
    await evaluateAllQueuedFlags(database.db);
    const loop = await flagLoop(database.db, workspace.workspaceId);
    expect(loop).toEqual([
      expect.objectContaining({ period: '2026-Q2', tier: 'C', raised: 1, due: 1, contactedInTime: 1, closed: 1, resolved: 1, answeredAgain: 1, recovered: 1 }),
    ]);
    // One flag is too few for a share.
    expect(loop[0]!.recoveryShare).toBeNull();
  });
});

describe('digests', () => {
  it('sends one digest a day to members who get them, never an empty one, with overdue flags', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Digest KG' });
    // The owner chooses the digest; nothing has happened yet: no email.
    await database.db.execute(sql`update memberships set flag_alerts = 'digest' where workspace_id = ${workspace.workspaceId}`);
    const digests = () =>
      database.db.select().from(emailMessages).where(and(eq(emailMessages.workspaceId, workspace.workspaceId), eq(emailMessages.kind, 'flag_digest')));
    const morning = new Date();
    morning.setUTCHours(7, 0, 0, 0);
    await sendDueDigests(database.db, morning);
    expect(await digests()).toEqual([]);

    const invited = await inviteCustomer(database.db, workspace, { tierIndex: 2 });
    await answer(invited.path, secondClass);
    await evaluateAllQueuedFlags(database.db);
    // Raised three weeks ago: overdue by any service level.
    await database.db.execute(sql`update flags set created_at = now() - interval '21 days' where customer_id = ${invited.customer.id}`);
    await sendDueDigests(database.db, morning);
    await sendDueDigests(database.db, new Date(morning.getTime() + 3_600_000));
    const sent = await digests();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.toAddress).toBe(workspace.owner.email);
    expect(sent[0]!.text).toMatch(/overdue \(1\)/i);
    expect(sent[0]!.text).toContain('Erika Mustermann');
    // Before the digest hour nothing goes out.
    const night = new Date(morning);
    night.setUTCHours(2);
    expect(await sendDueDigests(database.db, new Date(night.getTime() + 86_400_000))).toBe(0);
  });
});

describe('nothing is lost between saving and judging', () => {
  it('keeps the response queued when judging fails before its commit', async () => {
    const workspace: SurveyWorkspace = await createSurveyWorkspace(database.db, { name: 'Crash GmbH' });
    const invited = await inviteCustomer(database.db, workspace, { tierIndex: 2 });
    await answer(invited.path, secondClass);
    // The process dies after judging and writing, before the commit.
    await expect(
      database.db.transaction(async (tx) => {
        expect((await evaluateQueuedFlags(tx)).raised).toBe(1);
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(await flagsOf(invited.customer.id)).toEqual([]);
    expect(await queuedEvaluationCount(database.db)).toBe(1);
    // The next evaluator finds it.
    await evaluateAllQueuedFlags(database.db);
    expect(await flagsOf(invited.customer.id)).toHaveLength(1);
  });

  it('judges the oldest answers first, and each answer once when evaluators work the queue side by side', async () => {
    const invited = await queuedSecondClassAnswers('Warteschlange GmbH', 6);
    expect(await queuedEvaluationCount(database.db)).toBe(6);
    expect(await evaluateQueuedFlags(database.db, { limit: 2 })).toMatchObject({ judged: 2, raised: 2 });
    const flagged = await Promise.all(invited.map(async (customer) => (await flagsOf(customer.customer.id)).length));
    expect(flagged).toEqual([1, 1, 0, 0, 0, 0]);
    // Two evaluators (two app processes, or the app and `npm run worker`) at once, one answer a batch.
    const [first, second] = await Promise.all([evaluateAllQueuedFlags(database.db, { limit: 1 }), evaluateAllQueuedFlags(database.db, { limit: 1 })]);
    expect(first.judged + second.judged).toBe(4);
    expect(first.raised + second.raised).toBe(4);
    expect(await queuedEvaluationCount(database.db)).toBe(0);
    for (const customer of invited) {
      const [flag, ...more] = await flagsOf(customer.customer.id);
      expect(more).toEqual([]);
      expect(await historyOf(flag!.id)).toEqual(['raised']);
    }
  });
});

describe('the running evaluator', () => {
  it('judges one batch at a time inside a caller’s transaction, as the demo’s seed does', async () => {
    const invited = await queuedSecondClassAnswers('Saat GmbH', 3);
    expect(evaluationLanes(database.db)).toBe(testDriver === 'postgres' ? 2 : 1);
    const result = await database.db.transaction(async (tx) => {
      // Two batches in one transaction would claim the same rows: its own locks do not make them skip each other.
      expect(evaluationLanes(tx)).toBe(1);
      return evaluateAllQueuedFlags(tx, { limit: 1 });
    });
    expect(result).toMatchObject({ judged: 3, raised: 3 });
    for (const customer of invited) {
      const [flag, ...more] = await flagsOf(customer.customer.id);
      expect(more).toEqual([]);
      expect(await historyOf(flag!.id)).toEqual(['raised']);
    }
  });

  it('judges one batch after a wake-up, and batches side by side on PostgreSQL while a backlog lasts', async () => {
    const invited = await queuedSecondClassAnswers('Rückstau GmbH', 7);
    const evaluator = new FlagEvaluator(database.db, { batch: 2 });
    expect(await evaluator.step()).toBe(true);
    expect(await queuedEvaluationCount(database.db)).toBe(5);
    // Two full batches at once on PostgreSQL; PGlite's one connection takes one at a time.
    expect(await evaluator.step()).toBe(true);
    expect(await queuedEvaluationCount(database.db)).toBe(testDriver === 'postgres' ? 1 : 3);
    while (await evaluator.step());
    expect(await queuedEvaluationCount(database.db)).toBe(0);
    for (const customer of invited) expect(await flagsOf(customer.customer.id)).toHaveLength(1);
  });

  it('raises the flag within seconds of the last click, woken by the submission', async () => {
    const evaluator = new FlagEvaluator(database.db, { pollMs: 60_000, digestEveryMs: 600_000 }).start();
    setProcessFlagEvaluator(evaluator);
    try {
      const { invited } = await workspaceWithOwnerAsAccountOwner('Fast Flags GmbH');
      await answer(invited.path, secondClass);
      const clicked = Date.now();
      // The poll is a minute: only the wake-up can make this quick.
      while ((await flagsOf(invited.customer.id)).length === 0) {
        expect(Date.now() - clicked).toBeLessThan(5_000);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      setProcessFlagEvaluator(undefined);
      await evaluator.stop();
    }
  });
});
