import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { listOutbox } from '../../app/email/outbox.server';
import { periodTierOverview } from '../../app/reports/overview.server';
import { countVerbatims, listVerbatims } from '../../app/reports/verbatims.server';
import { campaigns, responses } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { createCampaignWorkspace, testEmailSettings } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';
import { postStep } from '../support/survey-fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
const settings = testEmailSettings();
const en = { 'Accept-Language': 'en' };

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

const post = (client: TestClient, path: string, body: Record<string, string>) =>
  client.request(path, { method: 'POST', body: new URLSearchParams(body), headers: { Origin: client.base, ...en } });

/** Creates a campaign for everyone in 2026-Q4 through the form, sends it, and returns its path. */
async function sendCampaign(client: TestClient, name: string): Promise<{ path: string; draft: string }> {
  const form = await (await client.get('/app/campaigns/new', en)).text();
  const surveyVersionId = /<option value="([0-9a-f-]{36})"/.exec(form)![1]!;
  const closesOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const created = await post(client, '/app/campaigns/new', {
    name, surveyVersionId, period: '2026-Q4', audience: 'all', scheduledAt: '', closesOn, reminderDelayDays: '7', maxReminders: '0',
    // No wait of its own: the workspace's contact rule decides.
    cooldownDays: '', senderName: '',
  });
  expect(created.status).toBe(302);
  const path = created.headers.get('Location')!.split('?')[0]!;
  const draft = await (await client.get(path, en)).text();
  const eligible = /data-testid="eligible">(\d+)</.exec(draft)![1]!;
  expect((await post(client, path, { intent: 'schedule', expected: eligible, confirm: 'yes' })).status).toBe(302);
  await campaignTick(database.db, settings);
  await new Dispatcher({ db: database.db, settings }).drain();
  await campaignTick(database.db, settings);
  return { path, draft };
}

/** A customer answers the whole survey from the link in their newest email. */
async function answer(workspaceId: string, email: string, improve = '') {
  const message = (await listOutbox(database.db, { workspaceId })).find((m) => m.to === email)!;
  const path = new URL(message.link!).pathname;
  const client = app.client();
  const steps: Array<Record<string, string>> = [{ miss_us: 'very' }, {}, { treat_valued: '4', treat_responsive: '4', treat_equal: '4', treat_promise: '4' }, { recommend: '9' }, improve ? { improve } : {}];
  for (const [step, answers] of steps.entries()) expect((await postStep(client, path, step, answers, { lang: 'en' })).status, `step ${step}`).toBe(303);
}

describe('two campaigns in one quarter', () => {
  it('count each customer once in the quarter, and the second preview warns who was invited already', async () => {
    const customers = Array.from({ length: 4 }, (_, i) => ({ tier: 'C', email: `quarter-${i}@example.com` }));
    const ws = await createCampaignWorkspace(database.db, 'Two Campaigns GmbH', customers);
    const client = app.client();
    expect((await client.login(ws.email, PASSWORD)).status).toBe(302);

    const first = await sendCampaign(client, 'Spring');
    expect(first.draft).not.toContain('data-testid="invited-this-period"');
    await answer(ws.workspaceId, 'quarter-0@example.com');
    await answer(ws.workspaceId, 'quarter-1@example.com');
    expect(await database.db.select().from(responses).where(eq(responses.workspaceId, ws.workspaceId))).toHaveLength(2);

    // The owner lifts the contact rule, so the second campaign of the quarter reaches the same customers.
    expect((await post(client, '/app/settings/contact', { limit: 'off' })).status).toBe(200);
    const second = await sendCampaign(client, 'Spring, again');
    expect(second.draft.replaceAll('<!-- -->', '')).toContain('4 of these customers were already invited in 2026-Q4 by another campaign.');
    // One of them answers the second campaign too.
    await answer(ws.workspaceId, 'quarter-0@example.com');

    // 4 customers invited (8 invitations), 2 of them answered (3 responses): 50 %, not 3 of 8.
    const [row] = await periodTierOverview(database.db, ws.workspaceId);
    expect(row).toMatchObject({ period: '2026-Q4', tier: 'C', invited: 4, completed: 2, missUsAnswers: 2, veryDisappointed: 2 });
  });
});

describe('the verbatims download', () => {
  it('opens in German Excel with answers in words and dates as TT.MM.JJJJ, or in the international format, formulas defused', async () => {
    const ws = await createCampaignWorkspace(database.db, 'Verbatim Export GmbH', [{ tier: 'A', email: 'words@example.com', name: 'Wanda Words' }]);
    const client = app.client();
    expect((await client.login(ws.email, PASSWORD)).status).toBe(302);
    await sendCampaign(client, 'Autumn');
    await answer(ws.workspaceId, 'words@example.com', 'Schneller;=1+1 zurückrufen');
    const today = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date());
    const iso = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

    const excel = (await (await client.get('/app/results/verbatims.csv')).text()).replace(/^\uFEFF/, '').split('\r\n');
    // The workspace's members read German.
    expect(excel[0]).toBe('Abgeschlossen am;Frage;Antwort;Kunde;Stufe;Würde uns vermissen;Hinweise');
    expect(excel[1]).toBe(`${today};Was sollten wir besser machen?;"Schneller;'=1+1 zurückrufen";Wanda Words;A;Sehr enttäuscht;`);

    // The page's count is what the filters find, also beyond the rows it lists.
    const [campaign] = await database.db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.workspaceId, ws.workspaceId));
    expect(await listVerbatims(database.db, ws.workspaceId, campaign!.id, {}, 0)).toEqual([]);
    expect(await countVerbatims(database.db, ws.workspaceId, campaign!.id, {})).toBe(1);
    expect(await countVerbatims(database.db, ws.workspaceId, campaign!.id, { q: 'nirgends' })).toBe(0);
    expect((await (await client.get('/app/results/verbatims?q=zur%C3%BCck')).text()).replaceAll('<!-- -->', '')).toContain('role="status">1 Antwort</p>');
    const international = (await (await client.get('/app/results/verbatims.csv?format=international')).text()).split('\r\n');
    expect(international[1]).toBe(`${iso},Was sollten wir besser machen?,Schneller;'=1+1 zurückrufen,Wanda Words,A,Sehr enttäuscht,`);
  });
});
