import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { listOutbox } from '../../app/email/outbox.server';
import { startTestApp, type TestClient } from '../support/app';
import { letDaysPass, testEmailSettings } from '../support/campaign-fixtures';
import { importCsv, marketingClient } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { postStep } from '../support/survey-fixtures';

// The workspace's contact rule ("ask each customer at most once per N days")
// across campaigns, from an empty database: the preview holds back whom
// another campaign asked, reminders do not follow another campaign's
// invitation, and the review lists the top tier's invited non-responders.

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

/** The page's text without React's text separators. */
const text = async (response: Response) => (await response.text()).replaceAll('<!-- -->', '');

/** A draft through the campaign form: everyone, or one tier by its label; returns its path and preview. */
async function draft(client: TestClient, name: string, options: { tier?: string; maxReminders?: string } = {}) {
  const form = await (await client.get('/app/campaigns/new', en)).text();
  const surveyVersionId = /<option value="([0-9a-f-]{36})"/.exec(form)![1]!;
  const tierId = options.tier ? new RegExp(`value="([0-9a-f-]{36})"[^>]*/?>${options.tier}</label>`).exec(form)![1]! : '';
  const closesOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const created = await client.post(
    '/app/campaigns/new',
    {
      name, surveyVersionId, period: '2026-Q4', audience: tierId ? 'tiers' : 'all', ...(tierId ? { tierIds: tierId } : {}),
      scheduledAt: '', closesOn, reminderDelayDays: '1', maxReminders: options.maxReminders ?? '1', cooldownDays: '', senderName: '',
    },
    en,
  );
  expect(created.status).toBe(302);
  const path = created.headers.get('Location')!.split('?')[0]!;
  return { path, preview: await text(await client.get(path, en)) };
}

/** Confirms a draft with the number its preview shows, and sends it to the outbox. */
async function send(client: TestClient, path: string, preview: string) {
  const eligible = /data-testid="eligible">(\d+)</.exec(preview)![1]!;
  expect((await client.post(path, { intent: 'schedule', expected: eligible, confirm: 'yes' }, en)).status).toBe(302);
  await campaignTick(database.db, settings);
  await new Dispatcher({ db: database.db, settings }).drain();
}

/** A customer answers the whole survey from the link in their email. */
async function answer(workspaceId: string, email: string) {
  const message = (await listOutbox(database.db, { workspaceId })).find((m) => m.to === email && m.kind === 'invitation')!;
  const path = new URL(message.link!).pathname;
  const customer = app.client();
  const steps: Array<Record<string, string>> = [{ miss_us: 'very' }, {}, {}, {}, {}];
  for (const [step, answers] of steps.entries()) expect((await postStep(customer, path, step, answers, { lang: 'en' })).status, `step ${step}`).toBe(303);
}

describe('contact rules across campaigns', () => {
  it('hold back whom another campaign asked, in the preview and in reminders, and the review lists the A customers to call', { timeout: 60_000 }, async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Kontakt & Regel GmbH');
    const workspaceId = owner.workspaceId;
    const imported = await importCsv(
      database.db,
      workspaceId,
      [
        'external_id,email,name,company,tier,account_owner',
        `K-1,anna@kunde.example,Anna Answer,Answer AG,A,${owner.email}`,
        `K-2,bert@kunde.example,Bert Busy,Busy GmbH,A,${owner.email}`,
        'K-3,cora@kunde.example,Cora Calm,,A,',
        'K-4,dirk@kunde.example,Dirk Door,Door KG,B,',
      ].join('\n'),
    );
    expect(imported).toMatchObject({ imported: true, tiers: { A: 3, B: 1 } });
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    const today = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'Europe/Berlin' }).format(new Date());

    // The first campaign reaches everyone: nobody was asked before.
    const autumn = await draft(client, 'Autumn');
    expect(autumn.preview).toContain('data-testid="eligible">4<');
    expect(autumn.preview).not.toContain('data-testid="held-back"');
    await send(client, autumn.path, autumn.preview);
    await answer(workspaceId, 'anna@kunde.example');

    // A second campaign within 90 days holds everyone back, per tier and each with the invitation that does it.
    const winter = await draft(client, 'Winter');
    expect(winter.preview).toContain('data-testid="eligible">0<');
    expect(winter.preview).toContain('Surveyed in the last 90 days');
    const held = /data-testid="held-back"[\s\S]*?<\/section>/.exec(winter.preview)![0];
    expect(held).toContain('Invited by another campaign in the last 90 days');
    expect(held).toContain('Held back: 4');
    const tiers = /data-testid="held-back-tiers"[\s\S]*?<\/table>/.exec(held)![0];
    expect([...tiers.matchAll(/<th scope="row">([^<]+)<\/th><td class="num">(\d+)<\/td>/g)].map(([, tier, n]) => `${tier}: ${n}`)).toEqual(['A: 3', 'B: 1']);
    const rows = [...held.matchAll(/<tr><th scope="row"><a [^>]*href="\/app\/customers\/[0-9a-f-]{36}">([^<]+)<\/a>[\s\S]*?<\/tr>/g)];
    expect(rows.map(([, name]) => name).sort()).toEqual(['Anna Answer', 'Bert Busy', 'Cora Calm', 'Dirk Door']);
    for (const [row] of rows) {
      expect(row).toContain(`<td>${today}</td>`);
      expect(row).toMatch(/<a [^>]*href="\/app\/campaigns\/[0-9a-f-]{36}">Autumn<\/a>/);
    }

    // Only owners change the rule, and only to whole days from 0 to 365.
    const marketing = await marketingClient(database.db, app.client(), workspaceId);
    expect((await marketing.post('/app/settings/contact', { limit: 'off' }, en)).status).toBe(403);
    expect(await text(await marketing.get('/app/settings/contact', en))).toContain('Now: each customer at most once per 90 days.');
    for (const days of ['abc', '400', '-1', '']) {
      const refused = await client.post('/app/settings/contact', { limit: 'on', days }, en);
      expect(refused.status, days).toBe(400);
      expect(await text(refused)).toContain('Enter a whole number of days from 0 to 365 (0: no limit).');
    }
    expect((await client.post('/app/settings/contact', { limit: 'sometimes', days: '30' }, en)).status).toBe(400);

    // Without a limit, the same preview includes everyone.
    const off = await client.post('/app/settings/contact', { limit: 'on', days: '0' }, en);
    expect(off.status).toBe(200);
    expect(await text(off)).toContain('Now: no limit.');
    const open = await text(await client.get(winter.path, en));
    expect(open).toContain('data-testid="eligible">4<');
    expect(open).not.toContain('data-testid="held-back"');

    // Tier A hears from the second campaign; then the rule is back at 90 days.
    const winterA = await draft(client, 'Winter A', { tier: 'A', maxReminders: '0' });
    expect(winterA.preview).toContain('data-testid="eligible">3<');
    await send(client, winterA.path, winterA.preview);
    expect((await client.post('/app/settings/contact', { limit: 'on', days: '90' }, en)).status).toBe(200);

    // Two days on, the first campaign's reminders are due: Anna answered, Bert and Cora were asked by
    // Winter A since, so only Dirk is reminded (a reminder of the campaign that asked him is no new ask).
    await letDaysPass(database.db, /[0-9a-f-]{36}$/.exec(autumn.path)![0], 2);
    await campaignTick(database.db, settings);
    await new Dispatcher({ db: database.db, settings }).drain();
    const reminders = (await listOutbox(database.db, { workspaceId, kinds: ['reminder'] })).map((m) => m.to);
    expect(reminders).toEqual(['dirk@kunde.example']);

    // The review lists the A customers who were invited and did not answer, for a call; not Anna, not Dirk (tier B).
    const review = await text(await client.get('/app/results?from=2026-Q4&to=2026-Q4', en));
    const calls = /data-testid="non-responders"[\s\S]*?<\/section>/.exec(review)![0];
    expect(calls).toContain('Call them: A customers without an answer');
    expect(calls).toContain('A customers without an answer: 2');
    const listed = [...calls.matchAll(/<tr><th scope="row"><a [^>]*href="(\/app\/customers\/[0-9a-f-]{36})">([^<]+)<\/a><\/th>((?:<td>[^<]*<\/td>)+)<\/tr>/g)].map(
      ([, href, name, cells]) => [name, [...cells!.matchAll(/<td>([^<]*)<\/td>/g)].map(([, cell]) => cell)] as const,
    );
    expect(listed).toEqual([
      ['Bert Busy', ['Busy GmbH', `Owner of Kontakt &amp; Regel GmbH`, today, 'Winter A']],
      ['Cora Calm', ['–', '–', today, 'Winter A']],
    ]);
    expect(calls).not.toContain('Anna Answer');
    expect(calls).not.toContain('Dirk Door');
    expect((await client.get(/href="(\/app\/customers\/[0-9a-f-]{36})"/.exec(calls)![1]!, en)).status).toBe(200);

    // Bert unsubscribes with the one-click link of each email that invited him (Autumn and Winter A): he leaves the list at once.
    const invitationsOfBert = (await listOutbox(database.db, { workspaceId })).filter((m) => m.to === 'bert@kunde.example' && m.kind === 'invitation');
    expect(invitationsOfBert).toHaveLength(2);
    for (const message of invitationsOfBert) {
      const unsubscribe = await fetch(`${app.base}/u/${message.link!.split('/s/')[1]}`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(unsubscribe.status).toBe(200);
    }
    const unsubscribed = /data-testid="non-responders"[\s\S]*?<\/section>/.exec(await text(await client.get('/app/results?from=2026-Q4&to=2026-Q4', en)))![0];
    expect(unsubscribed).toContain('A customers without an answer: 1');
    expect(unsubscribed).toContain('Cora Calm');
    expect(unsubscribed).not.toContain('Bert Busy');

    // Once Cora has answered, nobody is left to call.
    await answer(workspaceId, 'cora@kunde.example');
    const after = /data-testid="non-responders"[\s\S]*?<\/section>/.exec(await text(await client.get('/app/results?from=2026-Q4&to=2026-Q4', en)))![0];
    expect(after).toContain('No A customer of 2026-Q4 is waiting for a call: everyone invited has answered.');
  });
});
