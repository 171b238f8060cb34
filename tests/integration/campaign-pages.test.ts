import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { campaigns } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { createCampaignWorkspace, createTestCampaign, testEmailSettings } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
const settings = testEmailSettings();

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

async function signedIn(name: string, customers: Parameters<typeof createCampaignWorkspace>[2]) {
  const ws = await createCampaignWorkspace(database.db, name, customers);
  const client = app.client();
  expect((await client.login(ws.email, PASSWORD)).status).toBe(302);
  const page = await client.get('/app/campaigns/new', { 'Accept-Language': 'en' });
  expect(page.status).toBe(200);
  const html = await page.text();
  const surveyVersionId = /<option value="([0-9a-f-]{36})"/.exec(html)![1]!;
  return { ws, client, surveyVersionId };
}

const en = { 'Accept-Language': 'en' };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function draftForm(surveyVersionId: string, overrides: Record<string, string> = {}) {
  return {
    name: 'Autumn survey',
    surveyVersionId,
    period: '2026-Q4',
    audience: 'all',
    scheduledAt: '',
    closesOn: day(30),
    reminderDelayDays: '7',
    maxReminders: '1',
    cooldownDays: '',
    senderName: '',
    ...overrides,
  };
}

async function post(client: TestClient, path: string, form: Record<string, string> | URLSearchParams) {
  return client.request(path, { method: 'POST', body: form instanceof URLSearchParams ? form : new URLSearchParams(form), headers: { Origin: client.base, ...en } });
}

describe('the campaign draft form', () => {
  it('answers wrong input with field errors, never a 500', async () => {
    const { client, surveyVersionId } = await signedIn('Form Errors GmbH', 3);
    const cases: Array<[Record<string, string>, string]> = [
      [{ name: '' }, 'Please fill in this field.'],
      [{ name: '   ' }, 'Please enter a name.'],
      [{ audience: 'tiers' }, 'Choose at least one tier.'],
      [{ closesOn: day(-2) }, 'Choose a day in the future.'],
      [{ scheduledAt: `${day(40)}T09:00`, closesOn: day(30) }, 'The survey must close after it is sent.'],
      [{ reminderDelayDays: '99' }, 'Between 1 and 60 days.'],
      [{ maxReminders: 'many' }, 'Enter a whole number.'],
      [{ surveyVersionId: 'not-a-uuid' }, 'Choose a survey.'],
      [{ surveyVersionId: '00000000-0000-4000-8000-000000000000' }, 'Choose a survey.'],
      [{ period: '2026-Q9' }, 'Choose a quarter.'],
    ];
    for (const [change, message] of cases) {
      const response = await post(client, '/app/campaigns/new', draftForm(surveyVersionId, change));
      expect(response.status, JSON.stringify(change)).toBe(400);
      expect(await response.text(), JSON.stringify(change)).toContain(message);
    }
    const tierOfOtherWorkspace = new URLSearchParams({ ...draftForm(surveyVersionId), audience: 'tiers' });
    tierOfOtherWorkspace.append('tierIds', '00000000-0000-4000-8000-000000000000');
    const response = await post(client, '/app/campaigns/new', tierOfOtherWorkspace);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('This tier does not exist.');
  });

  it('creates a draft for one tier, shows who is left out and why, and sends it after confirmation', async () => {
    const { ws, client, surveyVersionId } = await signedIn('Tier C Sending GmbH', [
      { tier: 'C', email: 'c1@example.com' },
      { tier: 'C', email: 'c2@example.com' },
      { tier: 'C', email: null },
      { tier: 'A', email: 'a1@example.com' },
    ]);
    const form = new URLSearchParams({ ...draftForm(surveyVersionId, { audience: 'tiers', name: 'C tier autumn' }) });
    form.append('tierIds', ws.tierId.get('C')!);
    const created = await post(client, '/app/campaigns/new', form);
    expect(created.status).toBe(302);
    const location = created.headers.get('Location')!;
    expect(location).toMatch(/^\/app\/campaigns\/[0-9a-f-]{36}\?notice=created$/);
    const path = location.split('?')[0]!;

    const draft = await (await client.get(location, en)).text();
    expect(draft).toContain('Draft saved.');
    expect(draft).toMatch(/data-testid="eligible">2</);
    expect(draft).toContain('No email address');
    expect(draft).toContain('Tier C Sending GmbH: would you miss us?');
    expect(draft).toContain('The survey goes to 2 customers as soon as you confirm.');

    const unconfirmed = await post(client, path, { intent: 'schedule', expected: '2' });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('Please confirm that you have checked the audience.');
    const stale = await post(client, path, { intent: 'schedule', expected: '5', confirm: 'yes' });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('2 customers would be invited now');

    const confirmed = await post(client, path, { intent: 'schedule', expected: '2', confirm: 'yes' });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get('Location')).toBe(`${path}?notice=sending`);
    const id = path.split('/').pop()!;
    const [scheduled] = await database.db.select().from(campaigns).where(eq(campaigns.id, id));
    expect(scheduled!.status).toBe('scheduled');
    // The edit form is for drafts only.
    expect((await client.get(`${path}/edit`)).headers.get('Location')).toBe(path);

    await campaignTick(database.db, settings);
    const sending = await (await client.get(path, en)).text();
    expect(sending).toContain('The counts update by themselves');
    expect(sending).toContain('<noscript><meta http-equiv="refresh" content="5"/></noscript>');
    expect(sending).toMatch(/data-testid="invitation-queued">2</);
    expect(await (await client.get(`${path}?notice=sending`, en)).text()).toContain('Sending has started.');

    await new Dispatcher({ db: database.db, settings }).drain();
    await campaignTick(database.db, settings);
    const open = await (await client.get(path, en)).text();
    expect(open).toMatch(/data-testid="invitation-sent">2</);
    expect(open).toMatch(/data-testid="funnel-invited">2</);
    expect(open).toMatch(/data-testid="funnel-delivered">2</);
    expect(open).not.toContain('http-equiv="refresh"');
    // The page that said "sending has started" (and keeps its URL while it polls) says it is done.
    const done = await (await client.get(`${path}?notice=sending`, en)).text();
    expect(done).not.toContain('Sending has started.');
    expect(done).toContain('Sending is done: every invitation is in the outbox.');
    // The list shows the same counts as the campaign's page.
    const list = await (await client.get('/app/campaigns', en)).text();
    expect(list).toMatch(/>C tier autumn<\/a><\/th><td>2026-Q4<\/td><td>Open<\/td><td class="num">2<\/td><td class="num">0<\/td><td class="num">0[^<]*%<\/td>/);

    const closed = await post(client, path, { intent: 'close' });
    expect(closed.headers.get('Location')).toBe(`${path}?notice=closed`);
  });

  it('edits and deletes a draft, and hides other workspaces\' campaigns', async () => {
    const { client, surveyVersionId } = await signedIn('Edit Draft KG', 2);
    const created = await post(client, '/app/campaigns/new', draftForm(surveyVersionId));
    const path = created.headers.get('Location')!.split('?')[0]!;
    const edit = await (await client.get(`${path}/edit`, en)).text();
    expect(edit).toContain('value="Autumn survey"');
    const saved = await post(client, `${path}/edit`, draftForm(surveyVersionId, { name: 'Renamed', cooldownDays: '120', senderName: 'Sam' }));
    expect(saved.headers.get('Location')).toBe(`${path}?notice=saved`);
    const page = await (await client.get(path, en)).text();
    expect(page).toContain('Renamed');
    // A campaign may wait longer than the workspace's contact rule (90 days), never shorter.
    expect(page).toContain('120 days');

    const other = await createCampaignWorkspace(database.db, 'Someone Else AG', 1);
    const foreign = await createTestCampaign(database.db, other.workspaceId);
    expect((await client.get(`/app/campaigns/${foreign.id}`)).status).toBe(404);
    expect((await client.get(`/app/campaigns/${foreign.id}/edit`)).status).toBe(404);
    expect((await post(client, `/app/campaigns/${foreign.id}/edit`, draftForm(surveyVersionId))).status).toBe(404);
    expect((await post(client, `/app/campaigns/${foreign.id}`, { intent: 'delete' })).status).toBe(404);

    const deleted = await post(client, path, { intent: 'delete' });
    expect(deleted.headers.get('Location')).toBe('/app/campaigns');
    expect((await client.get(path)).status).toBe(404);
  });
});
