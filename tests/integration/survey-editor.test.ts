import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns, responses, surveys, surveyVersions, type SurveyDefinition } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { inviteCustomer } from '../support/survey-fixtures';

// The staff side of surveys: custom questions, versions, the preview.

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

async function signedIn(name: string) {
  const owner = await createWorkspaceWithOwner(database.db, name);
  const client = app.client();
  expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
  const [survey] = await database.db.select().from(surveys).where(eq(surveys.workspaceId, owner.workspaceId));
  return { owner, client, surveyId: survey!.id, base: `/app/surveys/${survey!.id}` };
}

async function versionsOf(surveyId: string) {
  return database.db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, surveyId)).orderBy(asc(surveyVersions.version));
}

async function latestDefinition(surveyId: string): Promise<SurveyDefinition> {
  return (await versionsOf(surveyId)).at(-1)!.definition;
}

const singleChoice = {
  kind: 'single',
  required: 'on',
  textDe: 'Wie haben Sie von {company} erfahren?',
  textEn: 'How did you hear about {company}?',
  'options[0].de': 'Empfehlung',
  'options[0].en': 'Recommendation',
  'options[1].de': 'Internet',
  'options[1].en': 'Internet',
  'options[2].de': '',
  'options[2].en': '',
};

function addQuestion(client: TestClient, base: string, form: Record<string, string>) {
  return client.post(`${base}/questions/new`, form, EN);
}

describe('survey list', () => {
  it('lists the standard survey and creates a new one', async () => {
    const { client } = await signedIn('List Co');
    const list = await (await client.get('/app/surveys', EN)).text();
    expect(list).toMatch(/<h2[^>]*>Standard survey<\/h2>/);
    const invalid = await client.post('/app/surveys', { name: '  ' }, EN);
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('Please fill in this field.');
    const created = await client.post('/app/surveys', { name: 'Follow-up' }, EN);
    expect(created.status).toBe(302);
    const location = created.headers.get('Location')!;
    expect(location).toMatch(/^\/app\/surveys\/[0-9a-f-]{36}$/);
    const page = await (await client.get(location, EN)).text();
    expect(page).toContain('Follow-up');
    expect(page).toContain('How would you feel if you could no longer work with List Co?');
    expect(page).toContain('Version 1 is not used by any campaign yet');
  });
});

describe('custom questions', () => {
  it('adds a question of every kind with texts in both languages', async () => {
    const { client, surveyId, base } = await signedIn('Kinds Co');
    expect((await client.get(`${base}/questions/new`, EN)).status).toBe(200);
    const forms: Array<Record<string, string>> = [
      singleChoice,
      { ...singleChoice, kind: 'multiple', required: '', textDe: 'Welche?', textEn: 'Which?' },
      { kind: 'scale5', textDe: 'Skala fünf', textEn: 'Scale five' },
      { kind: 'scale10', required: 'on', textDe: 'Skala zehn', textEn: 'Scale ten', 'options[0].de': 'ignored', 'options[0].en': 'ignored' },
      { kind: 'text', textDe: 'Freitext', textEn: 'Free text' },
    ];
    for (const form of forms) {
      const response = await addQuestion(client, base, form);
      expect(response.status, form.kind).toBe(302);
      expect(response.headers.get('Location')).toBe(`${base}?saved=1`);
    }
    const definition = await latestDefinition(surveyId);
    expect(definition.questions.map((q) => [q.key, q.kind, q.required])).toEqual([
      ['q1', 'single', true],
      ['q2', 'multiple', false],
      ['q3', 'scale5', false],
      ['q4', 'scale10', true],
      ['q5', 'text', false],
    ]);
    expect(definition.questions[0]).toEqual({
      key: 'q1',
      kind: 'single',
      required: true,
      text: { de: 'Wie haben Sie von {company} erfahren?', en: 'How did you hear about {company}?' },
      options: [
        { key: 'o1', text: { de: 'Empfehlung', en: 'Recommendation' } },
        { key: 'o2', text: { de: 'Internet', en: 'Internet' } },
      ],
    });
    expect(definition.questions[3]!.options).toBeUndefined();
    const page = await (await client.get(base, EN)).text();
    expect(page).toContain('How did you hear about Kinds Co?');
    expect(page).toContain('Options: Recommendation · Internet');
    expect((await versionsOf(surveyId)).length).toBe(1);
  });

  it('shows field errors for incomplete or tampered question forms, never a 500', async () => {
    const { client, surveyId, base } = await signedIn('Errors Co');
    const cases: Array<[Record<string, string>, string[]]> = [
      [{ kind: 'single', textDe: '', textEn: '' }, ['Please fill in this field.', 'Add at least two options.']],
      [{ ...singleChoice, 'options[1].en': '' }, ['Please fill in this field.']],
      [{ ...singleChoice, 'options[1].de': '', 'options[1].en': '' }, ['Add at least two options.']],
      [{ ...singleChoice, kind: 'ranking' }, ['Choose a kind of question.']],
      [{ ...singleChoice, textEn: 'x'.repeat(501) }, ['This is too long.']],
      [{ ...singleChoice, 'options[0].de': 'y'.repeat(201) }, ['This is too long.']],
      [{ ...singleChoice, 'options[99].de': 'a', 'options[99].en': 'b' }, ['Use at most 12 options.']],
    ];
    for (const [form, messages] of cases) {
      const response = await addQuestion(client, base, form);
      expect(response.status, JSON.stringify(form).slice(0, 80)).toBe(400);
      const html = await response.text();
      for (const message of messages) expect(html).toContain(message);
      expect(html).toMatch(/aria-invalid="true"|aria-describedby="[^"]*options-error"/);
    }
    expect((await latestDefinition(surveyId)).questions).toEqual([]);
    expect((await addQuestion(client, base, { ...singleChoice, textDe: 'nul\u0000' })).status).toBe(400);
    expect((await client.get(`${base}/questions/q7`, EN)).status).toBe(404);
    expect((await client.post(`${base}/questions/q7`, singleChoice, EN)).status).toBe(404);
    expect((await client.post(base, { intent: 'explode', key: 'q1' }, EN)).status).toBe(400);
    expect((await client.post(base, { intent: 'up', key: 'q9' }, EN)).status).toBe(404);
  });

  it('edits, reorders and deletes questions, keeping option keys', async () => {
    const { client, surveyId, base } = await signedIn('Edit Co');
    await addQuestion(client, base, singleChoice);
    await addQuestion(client, base, { kind: 'text', textDe: 'Zwei', textEn: 'Two' });
    await addQuestion(client, base, { kind: 'scale5', textDe: 'Drei', textEn: 'Three' });

    const form = await (await client.get(`${base}/questions/q1`, EN)).text();
    expect(form).toContain('Recommendation');
    const edited = await client.post(
      `${base}/questions/q1`,
      {
        kind: 'single',
        textDe: 'Woher kennen Sie uns?',
        textEn: 'Where do you know us from?',
        'options[0].key': 'o2',
        'options[0].de': 'Internetseite',
        'options[0].en': 'Website',
        'options[1].key': 'o1',
        'options[1].de': 'Empfehlung',
        'options[1].en': 'Recommendation',
        'options[2].key': 'o77',
        'options[2].de': 'Messe',
        'options[2].en': 'Fair',
      },
      EN,
    );
    expect(edited.status).toBe(302);
    let definition = await latestDefinition(surveyId);
    expect(definition.questions[0]).toMatchObject({ key: 'q1', required: false, text: { en: 'Where do you know us from?' } });
    expect(definition.questions[0]!.options!.map((o) => [o.key, o.text.en])).toEqual([
      ['o2', 'Website'],
      ['o1', 'Recommendation'],
      ['o3', 'Fair'],
    ]);

    expect((await client.post(base, { intent: 'down', key: 'q1' }, EN)).status).toBe(302);
    expect((await client.post(base, { intent: 'up', key: 'q3' }, EN)).status).toBe(302);
    expect((await client.post(base, { intent: 'up', key: 'q3' }, EN)).status).toBe(302);
    definition = await latestDefinition(surveyId);
    expect(definition.questions.map((q) => q.key)).toEqual(['q3', 'q2', 'q1']);
    expect((await client.post(base, { intent: 'delete', key: 'q2' }, EN)).status).toBe(302);
    expect((await latestDefinition(surveyId)).questions.map((q) => q.key)).toEqual(['q3', 'q1']);
    // A new question never reuses a key.
    await addQuestion(client, base, { kind: 'text', textDe: 'Vier', textEn: 'Four' });
    expect((await latestDefinition(surveyId)).questions.map((q) => q.key)).toEqual(['q3', 'q1', 'q4']);
  });

  it('leaves a version used by a campaign as it is and edits a new version', async () => {
    const { owner, client, surveyId, base } = await signedIn('Version Co');
    await addQuestion(client, base, singleChoice);
    const [v1] = await versionsOf(surveyId);
    await database.db.insert(campaigns).values({ workspaceId: owner.workspaceId, surveyVersionId: v1!.id, name: 'Q3', period: '2026-Q3', status: 'draft' });
    const page = await (await client.get(base, EN)).text();
    expect(page).toContain('Version 1 is used by a campaign and stays as it is. Your next change creates version 2.');

    const added = await addQuestion(client, base, { kind: 'text', textDe: 'Neu', textEn: 'New' });
    expect(added.headers.get('Location')).toBe(`${base}?saved=2`);
    const moved = await client.post(base, { intent: 'down', key: 'q1' }, EN);
    expect(moved.headers.get('Location')).toBe(`${base}?saved=2`);
    const versions = await versionsOf(surveyId);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]!.definition.questions.map((q) => q.key)).toEqual(['q1']);
    expect(versions[1]!.definition.questions.map((q) => q.key)).toEqual(['q2', 'q1']);

    await database.db.update(surveyVersions).set({ frozenAt: new Date() }).where(eq(surveyVersions.id, versions[1]!.id));
    await client.post(base, { intent: 'delete', key: 'q2' }, EN);
    const after = await versionsOf(surveyId);
    expect(after.map((v) => [v.version, v.definition.questions.length])).toEqual([
      [1, 1],
      [2, 2],
      [3, 1],
    ]);
    const table = await (await client.get(base, EN)).text();
    expect(table).toContain('?version=1');
    expect(table).toContain('?version=3');
  });
});

describe('preview', () => {
  it('shows the survey exactly as customers see it and saves nothing', async () => {
    const { client, base, owner } = await signedIn('Preview Co');
    await addQuestion(client, base, singleChoice);
    const first = await client.get(`${base}/preview`, EN);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html).toContain('How would you feel if you could no longer work with Preview Co?');
    expect(html).toContain('Step 1 of 6');
    expect(html).toContain('class="survey-preview"');
    const german = await (await client.get(`${base}/preview?lang=de&step=4`, EN)).text();
    expect(german).toContain('Wie haben Sie von Preview Co erfahren?');
    expect(german).toContain('Schritt 5 von 6');

    const invalid = await client.post(`${base}/preview?lang=en&step=4`, { step: '4', intent: 'next', q1: 'o9' }, EN);
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('Please choose one of the answers shown.');
    const valid = await client.post(`${base}/preview?lang=en&step=4`, { step: '4', intent: 'next', q1: 'o1', lang: 'en' }, EN);
    expect(valid.status).toBe(303);
    expect(valid.headers.get('Location')).toBe(`${base}/preview?version=1&lang=en&step=5`);
    const last = await client.post(`${base}/preview?lang=en&step=5`, { step: '5', intent: 'next' }, EN);
    expect(last.headers.get('Location')).toBe(`${base}/preview?version=1&lang=en&page=thanks`);
    expect(await (await client.get(`${base}/preview?page=thanks&lang=en`, EN)).text()).toContain('Thank you!');
    expect(await (await client.get(`${base}/preview?page=closed&lang=en`, EN)).text()).toContain('Thank you, this survey is closed');
    expect((await client.get(`${base}/preview?version=9`, EN)).status).toBe(404);
    expect(await database.db.select().from(responses).where(eq(responses.workspaceId, owner.workspaceId))).toEqual([]);
  });
});

describe('workspace isolation', () => {
  it('answers 404 for another workspace’s survey on every survey page', async () => {
    const { client } = await signedIn('Alpha Surveys');
    const beta = await signedIn('Beta Surveys');
    await addQuestion(beta.client, beta.base, { ...singleChoice, textEn: 'Beta secret question' });
    for (const path of [beta.base, `${beta.base}/questions/q1`, `${beta.base}/questions/new`, `${beta.base}/preview`]) {
      const response = await client.get(path, EN);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('Beta secret question');
    }
    expect((await client.post(beta.base, { intent: 'delete', key: 'q1' }, EN)).status).toBe(404);
    expect((await client.post(`${beta.base}/questions/q1`, singleChoice, EN)).status).toBe(404);
    expect((await client.post(`${beta.base}/preview`, { step: '0', miss_us: 'very' }, EN)).status).toBe(404);
    expect((await latestDefinition(beta.surveyId)).questions[0]!.text.en).toBe('Beta secret question');
    for (const path of ['/app/surveys/not-a-uuid', '/app/surveys/00000000-0000-0000-0000-000000000000/preview']) {
      expect((await client.get(path, EN)).status, path).toBe(404);
    }
  });
});

describe('from the editor to the customer', () => {
  it('shows a new custom question to customers of a campaign on the new version', async () => {
    const { owner, client, surveyId, base } = await signedIn('Flow Co');
    await addQuestion(client, base, { ...singleChoice, textEn: 'Which channel, {company}?' });
    const [version] = await versionsOf(surveyId);
    const [campaign] = await database.db
      .insert(campaigns)
      .values({ workspaceId: owner.workspaceId, surveyVersionId: version!.id, name: 'Q3', period: '2026-Q3', status: 'open' })
      .returning();
    const tiers = await database.db.query.workspaceTiers.findMany({ where: (t) => eq(t.workspaceId, owner.workspaceId) });
    const customer = await inviteCustomer(
      database.db,
      { owner, workspaceId: owner.workspaceId, versionId: version!.id, campaign: campaign!, tiers, period: '2026-Q3' },
      { locale: 'en' },
    );
    const customerClient = app.client();
    const steps: Array<Record<string, string>> = [{ miss_us: 'very' }, {}, {}, {}];
    for (const [step, answers] of steps.entries()) {
      const body = new URLSearchParams({ step: String(step), intent: 'next', ...answers });
      await customerClient.request(`${customer.path}?step=${step}`, { method: 'POST', body, headers: { Origin: app.base } });
    }
    const page = await (await customerClient.get(customer.path)).text();
    expect(page).toContain('Which channel, Flow Co?');
    // Editing now creates version 2; the campaign's customers keep version 1.
    await addQuestion(client, base, { kind: 'text', textDe: 'Später', textEn: 'Added later' });
    expect((await versionsOf(surveyId)).length).toBe(2);
    expect(await (await customerClient.get(customer.path)).text()).not.toContain('Added later');
    const [stored] = await database.db.select().from(campaigns).where(and(eq(campaigns.id, campaign!.id)));
    expect(stored!.surveyVersionId).toBe(version!.id);
  });
});
