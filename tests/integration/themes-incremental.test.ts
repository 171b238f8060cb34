import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeThemeReport, ThemeTablesAccumulator } from '../../app/analysis/theme-trends';
import { eraseCustomer } from '../../app/customers/privacy.server';
import { selectRows } from '../../app/reports/period-tables.server';
import { tierLabels } from '../../app/reports/analysis.server';
import { periodSnapshots, rebuildRollups } from '../../app/reports/rollups.server';
import { findInvitation, saveStep } from '../../app/surveys/answering.server';
import type { Answers } from '../../app/surveys/answers';
import { countedTexts, storedThemeTables, themeReportOf } from '../../app/themes/coded-answers.server';
import { sortThemeRows, workspaceThemeCoding } from '../../app/themes/theme-rollups.server';
import { addTheme, listThemes, removeTheme, saveTheme } from '../../app/themes/themes.server';
import { seededRandom, type Random } from '../../db/seed/random';
import { AnswerSequences, pick } from '../support/answer-sequences';
import { createTestDatabase } from '../support/db';
import { runSeed } from '../support/security';
import type { SurveyWorkspace } from '../support/survey-fixtures';

/**
 * Theme counts kept by difference (decision 0038) equal a full coding of the
 * counted texts, after random sequences of new and changed answers,
 * deletions, tier changes, erasures, tier renames and edits of the theme
 * list, all made through the functions the app uses, with readers of the
 * tables alone (which drain the queue without the themes' coding) and of the
 * themes in between (the sequences of tests/support/answer-sequences.ts).
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
let sequences: AnswerSequences;
let workspace: SurveyWorkspace;

beforeAll(async () => {
  database = await createTestDatabase();
  sequences = await AnswerSequences.create(database.db, { texts: TEXTS });
  workspace = sequences.workspace;
}, 120_000);
afterAll(() => database.dispose());

async function step(random: Random): Promise<string> {
  const kind = pick(
    random.next(),
    [['answer', 0.4], ['tier', 0.55], ['delete', 0.62], ['erase', 0.68], ['rename', 0.71], ['theme', 0.76], ['tables', 0.88]] as const,
    'themes',
  );
  switch (kind) {
    case 'theme':
      return editThemes(random);
    case 'tables':
      // A reader of the tables alone: drains the queue, and the themes with it.
      await periodSnapshots(database.db, workspace.workspaceId, [workspace.period], { invitations: false });
      return 'tables';
    case 'themes':
      await themeReportOf(database.db, workspace.workspaceId, workspace.period);
      return 'themes';
    default:
      return sequences.apply(random, kind);
  }
}

/** The workspace's own theme list changes: counts made with the old one must not be used. */
async function editThemes(random: Random): Promise<string> {
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
    const customer = sequences.people.find((person) => !person.erased)!;
    const token = customer.tokens[0]!;
    const random = seededRandom(7);
    const context = (await findInvitation(database.db, token))!;
    if (context.response?.status !== 'completed') await sequences.answer(random, token, { complete: true });
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
    await Promise.all([
      ...sequences.answerAllAtOnce(random),
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
