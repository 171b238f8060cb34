import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagEvents, flags, workspaces } from '../../db/schema';
import { DEMO, ensureDemoWorkspace } from '../../db/seed/demo.server';
import { startTestApp, type TestClient } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let marketing: TestClient;
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureDemoWorkspace(database.db);
  const [workspace] = await database.db.select().from(workspaces).where(eq(workspaces.slug, DEMO.slug));
  workspaceId = workspace!.id;
  app = await startTestApp(database);
  marketing = app.client();
  expect((await marketing.login(DEMO.members[1].email, DEMO.password)).status).toBe(302);
}, 120_000);
afterAll(async () => {
  await app.close();
  await database.dispose();
});

async function openFlag() {
  const [flag] = await database.db
    .select()
    .from(flags)
    .where(and(eq(flags.workspaceId, workspaceId), eq(flags.status, 'open'), eq(flags.kind, 'second_class')))
    .limit(1);
  return flag!;
}

describe('the flag queue', () => {
  it('lists open flags with reasons in plain words, and filters', async () => {
    // The demo's members have chosen German.
    const html = await (await marketing.get('/app/flags')).text();
    const open = await database.db.select().from(flags).where(and(eq(flags.workspaceId, workspaceId), eq(flags.status, 'open')));
    expect(open.length).toBeGreaterThan(0);
    expect(html).toContain(`${open.length} Hinweise`);
    expect(html).toMatch(/fühlt sich nicht so gut behandelt wie andere Kunden|bewertet die Behandlung insgesamt niedrig|schreibt, sich zweitklassig behandelt zu fühlen/);
    // The demo's open flags came in weeks ago: every one is past its service level and marked so.
    expect(html).toContain(`⚠ ${open.length} überfällig`);
    expect(html.match(/überfällig seit/g)).toHaveLength(open.length);
    const resolved = await (await marketing.get('/app/flags?status=resolved&kind=at_risk')).text();
    const resolvedAtRisk = await database.db
      .select()
      .from(flags)
      .where(and(eq(flags.workspaceId, workspaceId), eq(flags.status, 'resolved'), eq(flags.kind, 'at_risk')));
    expect(resolved).toContain(`${resolvedAtRisk.length} Hinweise`);
    // Nonsense filters are ignored, not errors.
    expect((await marketing.get('/app/flags?status=bogus&tier=nope&campaignId=nope')).status).toBe(200);
    // A NUL byte cannot reach PostgreSQL: a clear 400, not a 500.
    expect((await marketing.get('/app/flags?tier=%00')).status).toBe(400);
  });

  it('works a flag from open to resolved, with its history', async () => {
    const flag = await openFlag();
    const url = `/app/flags/${flag.id}`;
    expect((await marketing.get(url)).status).toBe(200);
    const members = await (await marketing.get(url)).text();
    const marketingId = /<option value="([0-9a-f-]{36})">Max Marketing<\/option>/.exec(members)?.[1];
    expect(marketingId).toBeDefined();

    expect((await marketing.post(url, { intent: 'assign', assigneeId: marketingId! })).status).toBe(200);
    expect((await marketing.post(url, { intent: 'contacted', note: 'Called, will visit next week.' })).status).toBe(200);
    const withoutNote = await marketing.post(url, { intent: 'resolved', note: '  ' });
    expect(withoutNote.status).toBe(400);
    expect(await withoutNote.text()).toContain('Bitte schreiben Sie zuerst eine Notiz.');
    expect((await marketing.post(url, { intent: 'resolved', note: 'Visited; service level explained.' })).status).toBe(200);

    const [stored] = await database.db.select().from(flags).where(eq(flags.id, flag.id));
    expect(stored).toMatchObject({ status: 'resolved', assignedTo: marketingId });
    const history = await database.db.select().from(flagEvents).where(eq(flagEvents.flagId, flag.id));
    expect(history.map((event) => event.action)).toEqual(['raised', 'assigned', 'contacted', 'resolved']);
    expect(history.every((event) => event.action === 'raised' || event.actorUserId === marketingId)).toBe(true);

    const again = await marketing.post(url, { intent: 'dismissed', note: 'again' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Dieser Hinweis ist schon geschlossen.');
    expect((await marketing.post(url, { intent: 'noted', note: 'Follow-up in Q1.' })).status).toBe(200);
    const page = await (await marketing.get(url)).text();
    expect(page).toContain('Visited; service level explained.');
    expect(page).toContain('Follow-up in Q1.');
  });

  it('refuses tampered forms and other workspaces', async () => {
    const flag = await openFlag();
    const url = `/app/flags/${flag.id}`;
    expect((await marketing.post(url, { intent: 'explode' })).status).toBe(400);
    expect((await marketing.post(url, { intent: 'assign', assigneeId: 'not-a-uuid' })).status).toBe(400);
    expect((await marketing.post(url, { intent: 'assign', assigneeId: '00000000-0000-4000-8000-000000000000' })).status).toBe(409);
    expect((await marketing.post(url, { intent: 'noted', note: 'x'.repeat(5001) })).status).toBe(400);

    const other = await createWorkspaceWithOwner(database.db, 'Elsewhere');
    const stranger = app.client();
    await stranger.login(other.email, PASSWORD);
    expect((await stranger.get(url)).status).toBe(404);
    expect((await stranger.post(url, { intent: 'resolved', note: 'not mine' })).status).toBe(404);
    const [unchanged] = await database.db.select().from(flags).where(eq(flags.id, flag.id));
    expect(unchanged?.status).toBe('open');
  });

  it('downloads the queue as CSV', async () => {
    const response = await marketing.get('/app/flags/export.csv?status=all');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\r\n');
    const all = await database.db.select().from(flags).where(eq(flags.workspaceId, workspaceId));
    expect(lines).toHaveLength(all.length + 1);
    expect(lines[0]).toContain('customer_number');
  });
});

describe('the loop on the flag queue', () => {
  it('shows per quarter and tier how flags were worked, and downloads it', async () => {
    const html = await (await marketing.get('/app/flags')).text();
    expect(html).toContain('Wie die Bearbeitung wirkt');
    const csv = await marketing.get('/app/flags/loop.csv?format=international');
    expect(csv.status).toBe(200);
    const [header, ...rows] = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header).toBe('period,tier,raised,due,contacted_in_time,contacted_in_time_share,closed,median_days_to_close,resolved,answered_again,recovered,recovery_share,mean_pti_change');
    // The demo's past quarters were worked: every flag closed 30 days after the invitations went out.
    const closedQuarter = rows.map((row) => row.split(',')).find((cells) => Number(cells[6]) >= 10);
    expect(closedQuarter).toBeDefined();
    expect(Number(closedQuarter![7])).toBeGreaterThan(0);
    expect(Number(closedQuarter![7])).toBeLessThanOrEqual(30);
  });
});

describe('verbatims', () => {
  it('lists what customers wrote, searchable and filterable, with frequent words', async () => {
    const page = await (await marketing.get('/app/results/verbatims')).text();
    expect(page).toContain('Häufige Wörter');
    const count = (html: string) => Number(/(\d+) Antworten<\/p>/.exec(html)?.[1]);
    const all = count(page);
    expect(all).toBeGreaterThan(20);

    const [campaignId] = /campaignId=([0-9a-f-]{36})/.exec(page)!.slice(1);
    const searched = await (await marketing.get(`/app/results/verbatims?campaignId=${campaignId}&q=Betreuung`)).text();
    expect(count(searched)).toBeGreaterThan(0);
    expect(count(searched)).toBeLessThan(all);
    const flagged = await (await marketing.get(`/app/results/verbatims?campaignId=${campaignId}&flagged=second_class&item=improve`)).text();
    const unflagged = await (await marketing.get(`/app/results/verbatims?campaignId=${campaignId}&flagged=none&item=improve`)).text();
    const improve = await (await marketing.get(`/app/results/verbatims?campaignId=${campaignId}&item=improve`)).text();
    expect(count(flagged) + count(unflagged)).toBeLessThanOrEqual(count(improve));
    // Wildcards in the search are taken literally.
    expect(count(await (await marketing.get(`/app/results/verbatims?campaignId=${campaignId}&q=%25`)).text())).toBe(0);

    const csv = await marketing.get(`/app/results/verbatims.csv?campaignId=${campaignId}`);
    expect(csv.status).toBe(200);
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(all + 1);
  });
});
