import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../app/cli/analyze';
import { themeReportOf } from '../../app/themes/coded-answers.server';
import { themes, workspaces } from '../../db/schema';
import { DEMO, ensureDemoWorkspace } from '../../db/seed/demo.server';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';
import { createSurveyWorkspace, inviteCustomer, postStep } from '../support/survey-fixtures';

// Theme coding as members use it: the starter themes of a new workspace, an
// owner editing a theme on the settings page (with its preview), customers
// answering the survey, and the review showing the theme's share with a link
// to the answers behind it.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

const EN = { 'Accept-Language': 'en' };

/** One customer's whole survey, step by step as the form posts it. */
async function answer(path: string, missMost: string) {
  const client = app.client();
  const steps: Array<Record<string, string>> = [
    { miss_us: 'very' },
    { miss_most: missMost, alternative: '' },
    { treat_valued: '4', treat_responsive: '4', treat_equal: '4', treat_promise: '4' },
    { benefit: '4', csat: '4', recommend: '9' },
    { improve: '' },
  ];
  for (const [step, answers] of steps.entries()) {
    const response = await postStep(client, path, step, answers, { lang: 'de' });
    expect(response.status, `step ${step}`).toBe(303);
  }
}

describe('themes', () => {
  // First: the demo is made only on an empty database.
  it('on the demo, the review names the strength wearing off: fewer A customers would miss the reachability', async () => {
    await ensureDemoWorkspace(database.db);
    const [demo] = await database.db.select().from(workspaces).where(eq(workspaces.slug, DEMO.slug));
    const report = await themeReportOf(database.db, demo!.id, '2026-Q4');
    const reachability = report.themes.find((theme) => theme.name.en === 'Reachability')!;
    const eroding = report.erodingStrengths.find((strength) => strength.scope === 'A' && strength.theme === reachability.key);
    expect(eroding).toBeDefined();
    expect(eroding!.from.share).toBeGreaterThan(eroding!.to.share + 0.2);
    expect(eroding!.from.n).toBeGreaterThanOrEqual(10);
    expect(eroding!.to.n).toBeGreaterThanOrEqual(10);

    const owner = app.client();
    expect((await owner.login(DEMO.members[0].email, DEMO.password)).status).toBe(302);
    // The demo owner reads German.
    const html = await (await owner.get('/app/results')).text();
    expect(html).toMatch(/Weniger A-Kunden würden Ihre Erreichbarkeit vermissen: \d+\s% → \d+\s% über \d Quartale/);
  }, 180_000);

  it('an owner edits a theme in settings, customers answer, and the review shows its share with the answers behind it', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Themen & Partner' });
    const owner = app.client();
    expect((await owner.login(workspace.owner.email, PASSWORD)).status).toBe(302);

    // A new workspace starts with the starter themes.
    const settings = await owner.get('/app/settings/themes', EN);
    expect(settings.status).toBe(200);
    const page = await settings.text();
    for (const name of ['Reachability', 'Speed', 'Expertise', 'Personal contact', 'Price', 'Reliability', 'Proactivity']) expect(page).toContain(name);
    const stored = await database.db.select().from(themes).where(eq(themes.workspaceId, workspace.workspaceId));
    expect(stored).toHaveLength(7);
    const price = stored.find((theme) => theme.nameEn === 'Price')!;

    // The preview shows what key words would match before they are saved.
    const preview = await owner.post('/app/settings/themes', { intent: 'preview', keywordsDe: 'Rechnung', keywordsEn: 'invoice', samples: 'Die Sammelrechnungen\nnichts' }, EN);
    expect(preview.status).toBe(200);
    const previewHtml = await preview.text();
    expect(previewHtml).toMatch(/„Die Sammelrechnungen“ — <strong>matches<\/strong>/);
    expect(previewHtml).toMatch(/„nichts“ — <strong>no match<\/strong>/);

    // The price theme becomes "Invoices" about bills; bad input is refused with a message.
    const saved = await owner.post(
      '/app/settings/themes',
      { intent: 'save', themeId: price.id, nameDe: 'Rechnungen', nameEn: 'Invoices', keywordsDe: 'Rechnung\nAbrechnung', keywordsEn: 'invoice, billing' },
      EN,
    );
    expect(saved.status).toBe(200);
    const refused = await owner.post('/app/settings/themes', { intent: 'save', themeId: price.id, nameDe: '', nameEn: 'Invoices', keywordsDe: 'Rechnung' }, EN);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Please give the theme a name in both languages.');
    expect((await owner.post('/app/settings/themes', { intent: 'save', themeId: 'nope', nameDe: 'a', nameEn: 'b' }, EN)).status).toBe(400);
    expect((await owner.post('/app/settings/themes', { intent: 'remove', themeId: '00000000-0000-4000-8000-000000000000' }, EN)).status).toBe(404);

    // Twelve customers answer: eight about their invoices, four about reaching someone.
    for (let index = 0; index < 12; index++) {
      const { path } = await inviteCustomer(database.db, workspace);
      await answer(path, index < 8 ? 'Die übersichtliche Sammelrechnung jeden Monat' : 'Die Telefonerreichbarkeit');
    }

    const review = await owner.get('/app/results', EN);
    expect(review.status).toBe(200);
    const html = await review.text();
    expect(html).toContain('What customers would miss');
    const row = html.match(/<a [^>]*href="(\/app\/results\/verbatims\?[^"]*theme=([0-9a-f-]+)[^"]*)">Invoices<\/a><\/th><td>([^<]+)<\/td>/);
    expect(row, 'the Invoices theme in the review').not.toBeNull();
    expect(row![2]).toBe(price.id);
    expect(row![3]).toBe('67%');
    expect(html).toMatch(/>Reachability<\/a><\/th><td>33%<\/td>/);
    // Tiers without answers are said to have none, not shown as 0 %.
    expect(html).toMatch(/Tier B<!-- --> <span class="muted">n = 0<\/span><\/h3><p class="muted">No answers to this question yet.<\/p>/);

    // The theme's link opens the eight answers behind it.
    const verbatims = await owner.get(row![1]!.replaceAll('&amp;', '&'), EN);
    expect(verbatims.status).toBe(200);
    const list = await verbatims.text();
    expect(list).toContain('8 answers');
    expect(list).toContain('Die übersichtliche Sammelrechnung jeden Monat');
    expect(list).not.toContain('Die Telefonerreichbarkeit');

    // The review keeps a quarter's coded answers; an answer arriving afterwards is counted on the next view.
    const { path } = await inviteCustomer(database.db, workspace);
    await answer(path, 'Jede Rechnung stimmt');
    expect(await (await owner.get('/app/results', EN)).text()).toMatch(/>Invoices<\/a><\/th><td>69%<\/td>/);
  });

  it("analyze --workspace codes a response export with the workspace's own themes", async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Analyse & Partner' });
    const owner = app.client();
    expect((await owner.login(workspace.owner.email, PASSWORD)).status).toBe(302);
    expect((await owner.get('/app/settings/themes', EN)).status).toBe(200);
    const stored = await database.db.select().from(themes).where(eq(themes.workspaceId, workspace.workspaceId));
    const price = stored.find((theme) => theme.nameEn === 'Price')!;
    const saved = await owner.post('/app/settings/themes', { intent: 'save', themeId: price.id, nameDe: 'Rechnungen', nameEn: 'Invoices', keywordsDe: 'Rechnung', keywordsEn: 'invoice' }, EN);
    expect(saved.status).toBe(200);

    const directory = mkdtempSync(join(tmpdir(), 'analyze-workspace-'));
    try {
      const csv = join(directory, 'responses.csv');
      const texts = ['Die Sammelrechnung', 'clear invoices', 'faire Preise', 'nicht erreichbar'];
      writeFileSync(
        csv,
        [
          'customer_id,tier,period,completed_at,miss_us,treat_valued,treat_responsive,treat_equal,treat_promise,benefit,csat,recommend,miss_most,alternative,improve',
          ...texts.map((text, index) => `C${index},A,2026-Q3,2026-08-01T10:00:00Z,very,4,4,4,4,4,4,9,${text},,`),
        ].join('\n'),
      );
      const run = async (...argv: string[]) => {
        const output = { stdout: '', stderr: '' };
        const stream = (key: 'stdout' | 'stderr') =>
          new Writable({
            write(chunk: Buffer, _encoding, callback) {
              output[key] += chunk.toString();
              callback();
            },
          });
        const code = await runAnalyze(['--input', csv, '--period', '2026-Q3', ...argv], {
          stdout: stream('stdout'),
          stderr: stream('stderr'),
          openDatabase: async () => ({ db: database.db, close: async () => {} }),
        });
        return { code, ...output };
      };
      const result = await run('--workspace', workspace.workspaceId);
      expect(result.code, result.stderr).toBe(0);
      const coded = JSON.parse(result.stdout).themes;
      expect(coded.themes).toHaveLength(7);
      expect(coded.themes.find((theme: { key: string }) => theme.key === price.id).name).toEqual({ de: 'Rechnungen', en: 'Invoices' });
      const counts: Record<string, number> = Object.fromEntries(coded.byScope.A.missMost.themes.map((share: { theme: string; count: number }) => [share.theme, share.count]));
      // Invoices in two answers; "Preise" is no longer a key word; "nicht erreichbar" is not what they would miss.
      expect(counts[price.id]).toBe(2);
      expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(2);

      const unknown = await run('--workspace', 'no-such-workspace');
      expect(unknown.code).toBe(2);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr).toMatch(/analyze: themes: no workspace with the id or slug "no-such-workspace"/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
