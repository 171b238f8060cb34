import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignsPage } from '../../app/campaigns/campaigns.server';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { listOutbox } from '../../app/email/outbox.server';
import { evaluateAllQueuedFlags } from '../../app/flags/evaluate.server';
import { flagPage, listFlags, type FlagFilters } from '../../app/flags/flags.server';
import { serviceLevelOf } from '../../app/flags/settings.server';
import { startTestApp, type TestClient } from '../support/app';
import { createCampaignWorkspace, testEmailSettings, TEST_PERIOD } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';
import { postStep } from '../support/survey-fixtures';

// The flag queue and the campaign list page with keyset cursors and search,
// on a workspace that starts empty: campaigns made through the form, flags
// raised by customers' answers.

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

/** A draft made through the form; returns the campaign's path. */
async function createDraft(client: TestClient, name: string): Promise<string> {
  const form = await (await client.get('/app/campaigns/new', en)).text();
  const surveyVersionId = /<option value="([0-9a-f-]{36})"/.exec(form)![1]!;
  expect(form).toContain('name="name"');
  const closesOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const created = await post(client, '/app/campaigns/new', {
    name, surveyVersionId, period: TEST_PERIOD, audience: 'all', scheduledAt: '', closesOn, reminderDelayDays: '7', maxReminders: '0', cooldownDays: '0', senderName: '',
  });
  expect(created.status, name).toBe(302);
  return created.headers.get('Location')!.split('?')[0]!;
}

/** Sends a draft to the outbox as confirming it does. */
async function send(client: TestClient, path: string) {
  const eligible = /data-testid="eligible">(\d+)</.exec(await (await client.get(path, en)).text())![1]!;
  expect((await post(client, path, { intent: 'schedule', expected: eligible, confirm: 'yes' })).status).toBe(302);
  await campaignTick(database.db, settings);
  await new Dispatcher({ db: database.db, settings }).drain();
  await campaignTick(database.db, settings);
}

/** A customer answers the survey from their email: miss-us answer and the four treatment items. */
async function answer(workspaceId: string, email: string, missUs: string, treatment: [number, number, number, number]) {
  const message = (await listOutbox(database.db, { workspaceId })).find((m) => m.to === email)!;
  const path = new URL(message.link!).pathname;
  const client = app.client();
  const [valued, responsive, equal, promise] = treatment.map(String);
  const steps: Array<Record<string, string>> = [{ miss_us: missUs }, {}, { treat_valued: valued!, treat_responsive: responsive!, treat_equal: equal!, treat_promise: promise! }, {}, {}];
  for (const [step, answers] of steps.entries()) expect((await postStep(client, path, step, answers, { lang: 'en' })).status, `step ${step}`).toBe(303);
}

/** The rows of the page's table (the link text of each row's first cell). */
function tableRows(html: string): string[] {
  const body = /<tbody>(.*?)<\/tbody>/s.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*><th scope="row"><a[^>]*>([^<]*)<\/a>/g)].map((match) => match[1]!);
}

const text = (html: string) => html.replaceAll('<!-- -->', '');
/** The next page's link as a path (a search-only link is relative to the list). */
function nextHref(html: string, list: string): string | null {
  const href = /<a[^>]*href="([^"]*)"[^>]*rel="next"|<a[^>]*rel="next"[^>]*href="([^"]*)"/.exec(html)?.slice(1).find(Boolean)?.replaceAll('&amp;', '&');
  return href ? (href.startsWith('?') ? `${list}${href}` : href) : null;
}

/** Malformed and foreign cursors, as anyone can type them into the URL. */
function hostileCursors(foreign: string): string[] {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return [
    'garbage',
    '%E2%80%AE',
    b64('not an array'),
    b64([0, "2026-01-01T00:00:00.000000Z'; drop table flags; --", '11111111-1111-4111-8111-111111111111']),
    b64([0, '2026-13-45T99:00:00.000000Z', '11111111-1111-4111-8111-111111111111']),
    b64([7, '2026-01-01T00:00:00.000000Z', 'not-a-uuid']),
    b64({ at: '2026-01-01T00:00:00.000000Z', id: '11111111-1111-4111-8111-111111111111' }),
    'A'.repeat(5000),
    foreign,
  ];
}

describe('the flag queue in pages', () => {
  it('pages through every flag once in the queue’s order, counts what filters and search find, and refuses a bad cursor with a 400', async () => {
    // 4 top-tier customers who would not miss us (high), 4 C customers treated badly on every item (high), 4 only overall (medium).
    const specs = [
      ...Array.from({ length: 4 }, (_, i) => ({ tier: 'A', email: `top${i}@flags.example`, name: `Anna Top ${i}` })),
      ...Array.from({ length: 8 }, (_, i) => ({ tier: 'C', email: `low${i}@flags.example`, name: `Carl Low ${i}` })),
    ];
    const ws = await createCampaignWorkspace(database.db, 'Paged Flags GmbH', specs);
    const client = app.client();
    expect((await client.login(ws.email, PASSWORD)).status).toBe(302);
    const empty = text(await (await client.get('/app/flags', en)).text());
    expect(empty).not.toContain('rel="next"');
    await send(client, await createDraft(client, 'Flag source'));
    for (let i = 0; i < 4; i++) await answer(ws.workspaceId, `top${i}@flags.example`, 'not', [5, 5, 5, 5]);
    for (let i = 0; i < 4; i++) await answer(ws.workspaceId, `low${i}@flags.example`, 'somewhat', [1, 1, 1, 1]);
    for (let i = 4; i < 8; i++) await answer(ws.workspaceId, `low${i}@flags.example`, 'somewhat', [2, 2, 3, 2]);
    await evaluateAllQueuedFlags(database.db);

    const level = await serviceLevelOf(database.db, ws.workspaceId);
    const pageThrough = async (filters: FlagFilters, limit: number) => {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await flagPage(database.db, ws.workspaceId, filters, { after, limit, level });
        expect(page.rows.length).toBeLessThanOrEqual(limit);
        seen.push(...page.rows.map((row) => row.id));
        pages += 1;
        if (!page.next) return { seen, pages, total: page.total };
        after = page.next;
      }
    };
    for (const [filters, expected] of [
      [{ status: 'open' }, 12],
      [{ status: 'open', severity: 'medium' }, 4],
      [{ status: 'open', tier: 'C' }, 8],
      [{ status: 'open', q: 'Carl Low' }, 8],
      [{ q: 'top2@flags' }, 1],
      [{ q: 'C-1' }, 3],
      // Both joins at once (each is made only for its filter).
      [{ tier: 'A', q: 'Anna Top' }, 4],
      [{ tier: 'C', q: 'Anna Top' }, 0],
    ] as Array<[FlagFilters, number]>) {
      const all = (await listFlags(database.db, ws.workspaceId, filters, 1000)).map((flag) => flag.id);
      const { seen, pages, total } = await pageThrough(filters, 5);
      // Page 2 continues page 1: the pages together are the whole list, in its order, without repeats or gaps.
      expect(seen, JSON.stringify(filters)).toEqual(all);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length, JSON.stringify(filters)).toBe(expected);
      expect(total, JSON.stringify(filters)).toBe(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(expected / 5)));
    }
    // High severity first across the page boundary.
    const severities = (await listFlags(database.db, ws.workspaceId, { status: 'open' }, 1000)).map((flag) => flag.severity);
    expect(severities).toEqual([...Array(8).fill('high'), ...Array(4).fill('medium')]);

    // The page: the count says what the search finds, and the table shows as many.
    const all = text(await (await client.get('/app/flags', en)).text());
    expect(all).toContain('12 flags');
    expect(tableRows(all)).toHaveLength(12);
    for (const [q, n] of [['Carl Low 1', 1], ['low', 8], ['C-1', 3], ['nobody-such', 0]] as const) {
      const html = text(await (await client.get(`/app/flags?${new URLSearchParams({ q })}`, en)).text());
      expect(tableRows(html), q).toHaveLength(n);
      if (n > 0) expect(html, q).toContain(`${n} flag${n === 1 ? '' : 's'}`);
      else expect(html, q).toContain('No flags match these filters.');
      expect(html, q).toContain(`value="${q}"`);
    }
    // A cursor of the queue continues there; the page offers the way back to the first page.
    const first = await flagPage(database.db, ws.workspaceId, { status: 'open' }, { limit: 5, level });
    const second = text(await (await client.get(`/app/flags?${new URLSearchParams({ after: first.next! })}`, en)).text());
    expect(tableRows(second)).toHaveLength(7);
    expect(second).toContain('← First page');
    // The download takes the filters and the search, not the cursor.
    expect(second).toContain('href="/app/flags/export.csv"');

    const foreign = Buffer.from(JSON.stringify(['2026-Q4', '2026-01-01T00:00:00.000000Z', '11111111-1111-4111-8111-111111111111'])).toString('base64url');
    for (const after of hostileCursors(foreign)) {
      const response = await client.get(`/app/flags?${new URLSearchParams({ after })}`, en);
      expect(response.status, after.slice(0, 40)).toBe(400);
      const html = text(await response.text());
      expect(html).toContain('This page link is damaged or out of date');
      // The first page instead, still usable.
      expect(tableRows(html)).toHaveLength(12);
    }
  });
});

describe('the campaign list in pages', () => {
  it('pages through every campaign once, newest quarter first, counts what the search finds, and refuses a bad cursor with a 400', async () => {
    const ws = await createCampaignWorkspace(database.db, 'Paged Campaigns KG', [{ tier: 'A', email: 'one@campaigns.example' }]);
    const client = app.client();
    expect((await client.login(ws.email, PASSWORD)).status).toBe(302);
    const names = Array.from({ length: 62 }, (_, i) => (i % 6 === 0 ? `Herbst ${i}` : `Spring ${i}`));
    for (const name of names) await createDraft(client, name);

    // The page: 50, then the rest behind the next link, with the way back.
    const first = text(await (await client.get('/app/campaigns', en)).text());
    expect(first).toContain('62 campaigns');
    const page1 = tableRows(first);
    expect(page1).toHaveLength(50);
    const next = nextHref(first, '/app/campaigns');
    expect(next).toMatch(/^\/app\/campaigns\?after=/);
    const second = text(await (await client.get(next!, en)).text());
    const page2 = tableRows(second);
    expect(page2).toHaveLength(12);
    expect(second).toContain('← First page');
    expect(nextHref(second, '/app/campaigns')).toBeNull();
    // Page 2 continues page 1: newest first, every campaign once.
    expect([...page1, ...page2]).toEqual([...names].reverse());

    // Under a search the count is the rows, and the next page keeps the search.
    const herbst = names.filter((name) => name.startsWith('Herbst'));
    const searched = text(await (await client.get('/app/campaigns?q=herbst', en)).text());
    expect(searched).toContain(`${herbst.length} campaigns`);
    expect(tableRows(searched)).toEqual([...herbst].reverse());
    expect(nextHref(searched, '/app/campaigns')).toBeNull();
    const springNames = names.filter((name) => name.startsWith('Spring'));
    const spring = text(await (await client.get('/app/campaigns?q=Spring', en)).text());
    expect(spring).toContain(`${springNames.length} campaigns`);
    const springNext = nextHref(spring, '/app/campaigns')!;
    expect(springNext).toContain('q=Spring');
    const springRest = text(await (await client.get(springNext, en)).text());
    expect(springRest).toContain(`${springNames.length} campaigns`);
    expect([...tableRows(spring), ...tableRows(springRest)]).toEqual([...springNames].reverse());
    const none = text(await (await client.get('/app/campaigns?q=100%25', en)).text());
    expect(none).toContain('No campaign has this in its name.');
    expect(tableRows(none)).toHaveLength(0);

    // The domain's pages agree with the page's, at any size.
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await campaignsPage(database.db, ws.workspaceId, { after, limit: 8 });
      expect(page.total).toBe(62);
      seen.push(...page.rows.map((row) => row.name));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual([...names].reverse());

    const foreignFlagCursor = Buffer.from(JSON.stringify([0, '2026-01-01T00:00:00.000000Z', '11111111-1111-4111-8111-111111111111'])).toString('base64url');
    for (const bad of hostileCursors(foreignFlagCursor)) {
      const response = await client.get(`/app/campaigns?${new URLSearchParams({ after: bad })}`, en);
      expect(response.status, bad.slice(0, 40)).toBe(400);
      const html = text(await response.text());
      expect(html).toContain('This page link is damaged or out of date');
      expect(tableRows(html)).toHaveLength(50);
    }
  });
});
