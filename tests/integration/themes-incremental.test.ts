import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeThemeReport, ThemeTablesAccumulator } from '../../app/analysis/theme-trends';
import { setTiersFromApi } from '../../app/customers/api-sync.server';
import { eraseCustomer } from '../../app/customers/privacy.server';
import { selectRows } from '../../app/reports/period-tables.server';
import { tierLabels } from '../../app/reports/analysis.server';
import { periodSnapshots, rebuildRollups } from '../../app/reports/rollups.server';
import { findInvitation, saveStep } from '../../app/surveys/answering.server';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import type { Answers } from '../../app/surveys/answers';
import { countedTexts, storedThemeTables, themeReportOf } from '../../app/themes/coded-answers.server';
import { sortThemeRows, workspaceThemeCoding } from '../../app/themes/theme-rollups.server';
import { addTheme, listThemes, removeTheme, saveTheme } from '../../app/themes/themes.server';
import { campaigns, invitations, workspaceTiers } from '../../db/schema';
import { seededRandom, type Random } from '../../db/seed/random';
import { createTestDatabase } from '../support/db';
import { runSeed } from '../support/security';
import { createSurveyWorkspace, inviteCustomer, type SurveyWorkspace } from '../support/survey-fixtures';

/**
 * Theme counts kept by difference (decision 0038) equal a full coding of the
 * counted texts, after random sequences of new and changed answers,
 * deletions, tier changes, erasures, tier renames and edits of the theme
 * list, all made through the functions the app uses, with readers of the
 * tables alone (which drain the queue without the themes' coding) and of the
 * themes in between. Mirrors tests/integration/rollups-incremental.test.ts.
 */
/** Texts that name themes, negate them, name none, or are blank (not an answer). */
const TEXTS = [
  'Der schnelle Service',
  'Nichts',
  'Schnelle Antworten und persönliche Betreuung',
  'nicht schnell, aber kompetent',
  'Erreichbarkeit der Hotline',
  '   ',
  '',
  'Die Beratungsqualität, kein Rückruf nötig',
];

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
    else answers[name] = random.pick(TEXTS);
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
  if (roll < 0.55) {
    if (customer.erased) return 'skip';
    const result = await setTiersFromApi(database.db, workspace.workspaceId, {
      period: workspace.period,
      assignments: [{ externalId: customer.externalId, tier: random.pick(['Gold', 'Silver', 'Bronze']) }],
    });
    expect(result.ok).toBe(true);
    return 'tier';
  }
  if (roll < 0.62) {
    const ids = await completedResponses(customer.id);
    if (ids.length === 0) return 'skip';
    await database.db.execute(sql`delete from responses where id = ${random.pick(ids)}`);
    return 'delete';
  }
  if (roll < 0.68) {
    if (customer.erased) return 'skip';
    expect(await eraseCustomer(database.db, workspace.workspaceId, customer.id, { actorUserId: workspace.owner.userId, suppressAddress: false })).toBe(true);
    customer.erased = true;
    return 'erase';
  }
  if (roll < 0.71) {
    const [tier] = await database.db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspace.workspaceId)).limit(1);
    await database.db.update(workspaceTiers).set({ label: `${tier!.label}*` }).where(eq(workspaceTiers.id, tier!.id));
    await database.db.update(workspaceTiers).set({ label: tier!.label }).where(eq(workspaceTiers.id, tier!.id));
    return 'rename';
  }
  if (roll < 0.76) {
    // The workspace's own theme list changes: counts made with the old one must not be used.
    const list = await listThemes(database.db, workspace.workspaceId);
    const which = random.int(3);
    if (which === 0 || list.length < 3) {
      await addTheme(database.db, workspace.workspaceId, workspace.owner.userId, { nameDe: 'Service', nameEn: 'Service', keywordsDe: ['Service'], keywordsEn: ['service'] });
      return 'theme+';
    }
    const theme = random.pick(list);
    if (which === 1) {
      await removeTheme(database.db, workspace.workspaceId, workspace.owner.userId, theme.id);
      return 'theme-';
    }
    await saveTheme(database.db, workspace.workspaceId, workspace.owner.userId, theme.id, {
      nameDe: theme.nameDe,
      nameEn: theme.nameEn,
      keywordsDe: [...theme.keywordsDe, random.pick(['Antwort', 'nichts', 'Service'])],
      keywordsEn: theme.keywordsEn,
    });
    return 'theme~';
  }
  if (roll < 0.88) {
    // A reader of the tables alone: drains the queue, and the themes with it.
    await periodSnapshots(database.db, workspace.workspaceId, [workspace.period], { invitations: false });
    return 'tables';
  }
  await themeReportOf(database.db, workspace.workspaceId, workspace.period);
  return 'themes';
}

async function expectKeptEqualsFullCoding(label: string): Promise<void> {
  const coding = await workspaceThemeCoding(database.db, workspace.workspaceId);
  const kept = await storedThemeTables(database.db, workspace.workspaceId, [workspace.period], coding);
  const accumulator = new ThemeTablesAccumulator(coding.matcher);
  for (const row of await countedTexts(database.db, workspace.workspaceId, [workspace.period])) accumulator.add(row.period, row.tier, row);
  const full = accumulator.tables();
  expect(sortThemeRows(kept), label).toEqual(sortThemeRows(full.rows));
  // What the review shows: the same report as from a full coding.
  const tiers = await tierLabels(database.db, workspace.workspaceId);
  expect(await themeReportOf(database.db, workspace.workspaceId, workspace.period), label).toEqual(computeThemeReport(workspace.period, full, tiers));
  // Every contribution kept is what the customer's counted texts code to now.
  const [contributions] = await selectRows<{ n: number | string }>(
    database.db,
    sql`select count(*) as n from period_theme_counted where workspace_id = ${workspace.workspaceId} and period = ${workspace.period}`,
  );
  expect(Number(contributions!.n), label).toBe(await answeringCustomers());
}

/** Customers whose counted response answers at least one text item. */
async function answeringCustomers(): Promise<number> {
  const rows = await countedTexts(database.db, workspace.workspaceId, [workspace.period]);
  return rows.filter((row) => [row.missMost, row.alternative, row.improve].some((text) => text !== null && text.trim() !== '')).length;
}

describe('theme counts kept by difference', () => {
  it('equal a full coding after random sequences of answers, changes, deletions, tier changes, erasures and theme edits', async () => {
    const seed = runSeed('themes-incremental');
    const random = seededRandom(seed);
    await expectKeptEqualsFullCoding(`seed ${seed}, empty`);
    for (let sequence = 0; sequence < 6; sequence += 1) {
      const done: string[] = [];
      const length = 3 + random.int(8);
      for (let i = 0; i < length; i += 1) done.push(await step(random));
      await expectKeptEqualsFullCoding(`seed ${seed}, sequence ${sequence}: ${done.join(' ')}`);
    }
    const [counted] = await selectRows<{ n: number | string }>(
      database.db,
      sql`select count(*) as n from responses where workspace_id = ${workspace.workspaceId} and status = 'completed'`,
    );
    expect(Number(counted!.n), 'the sequences left answers to code').toBeGreaterThan(0);
  }, 120_000);

  it('takes back the texts an erasure clears and the texts a customer changes', async () => {
    const customer = people.find((person) => !person.erased)!;
    const token = customer.tokens[0]!;
    const random = seededRandom(7);
    const context = (await findInvitation(database.db, token))!;
    if (context.response?.status !== 'completed') await answer(random, token, { complete: true });
    await expectKeptEqualsFullCoding('answered');
    const changed = (await findInvitation(database.db, token))!;
    // Only the texts change: the frequency tables stay as they were, the theme counts do not.
    const textStep = changed.plan.steps.find((candidate) => candidate.items.some((item) => item.name === 'miss_most'))!;
    const answers: Answers = {};
    for (const item of textStep.items.filter((candidate) => candidate.core)) {
      answers[item.name] = item.name === 'miss_most' || item.name === 'alternative' || item.name === 'improve' ? 'Hotline und Rückruf' : changed.response!.answers?.[item.name] ?? null;
    }
    await saveStep(database.db, changed, { step: textStep, answers, locale: 'de', reached: changed.plan.steps.length, complete: true });
    await expectKeptEqualsFullCoding('texts changed');
    expect(await eraseCustomer(database.db, workspace.workspaceId, customer.id, { actorUserId: workspace.owner.userId, suppressAddress: false })).toBe(true);
    customer.erased = true;
    await expectKeptEqualsFullCoding('erased');
  }, 60_000);

  it('loses no answer when customers complete and readers read at the same time', async () => {
    const random = seededRandom(runSeed('themes-concurrent'));
    await expectKeptEqualsFullCoding('before');
    const open = people.filter((customer) => !customer.erased);
    await Promise.all([
      ...open.map(async (customer) => {
        const token = customer.tokens[1]!;
        const context = (await findInvitation(database.db, token))!;
        if (context.response?.status === 'completed') await change(random, token);
        else await answer(random, token, { complete: true });
      }),
      ...[0, 1].map(() => themeReportOf(database.db, workspace.workspaceId, workspace.period)),
      periodSnapshots(database.db, workspace.workspaceId, [workspace.period], { invitations: false }),
    ]);
    await expectKeptEqualsFullCoding('after concurrent answers');
  }, 60_000);

  it('codes a period afresh after the tables were rebuilt', async () => {
    await expectKeptEqualsFullCoding('before');
    await rebuildRollups(database.db, { workspaceId: workspace.workspaceId });
    const [state] = await selectRows<{ coding: string | null }>(
      database.db,
      sql`select themes_coding as coding from period_rollups where workspace_id = ${workspace.workspaceId} and period = ${workspace.period}`,
    );
    expect(state!.coding).toBeNull();
    // While the counts are not kept, a customer with a contribution stops counting: the coding afresh must not keep their row.
    const [gone] = await selectRows<{ customer_id: string }>(
      database.db,
      sql`select customer_id from period_theme_counted where workspace_id = ${workspace.workspaceId} and period = ${workspace.period} limit 1`,
    );
    expect(gone, 'a customer with coded texts').toBeDefined();
    await database.db.execute(sql`delete from responses where customer_id = ${gone!.customer_id} and status = 'completed'`);
    await periodSnapshots(database.db, workspace.workspaceId, [workspace.period], { invitations: false });
    await expectKeptEqualsFullCoding('after the rebuild');
  });
});
