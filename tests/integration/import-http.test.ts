import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJobChunks, importJobs, workspaces } from '../../db/schema';
import { createDemoWorkspace, DEMO } from '../../db/seed/demo.server';
import { startTestApp, type TestClient } from '../support/app';
import { customerCount, fixture, marketingClient, tiersIn } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

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

async function owner(name: string) {
  const created = await createWorkspaceWithOwner(database.db, name);
  const client = app.client();
  expect((await client.login(created.email, PASSWORD)).status).toBe(302);
  return { ...created, client };
}

/** Posts the upload form as a browser does (multipart, same origin). */
function upload(client: TestClient, file: Uint8Array | Blob, fields: Record<string, string> = { period: '2026-Q4', tiersBy: 'auto' }, name = 'customers.csv') {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set('file', file instanceof Blob ? file : new Blob([Uint8Array.from(file)], { type: 'text/csv' }), name);
  return client.request('/app/customers/import?index', { method: 'POST', body: form, headers: { Origin: client.base, 'Accept-Language': 'en' } });
}

function confirm(client: TestClient, jobId: string, headers: Record<string, string> = {}) {
  return client.request('/app/customers/import/run', {
    method: 'POST',
    body: new URLSearchParams({ jobId }),
    headers: { Origin: client.base, ...headers },
  });
}

const jobIdOf = (response: Response) => /\/app\/customers\/import\/([0-9a-f-]{36})$/.exec(response.headers.get('Location') ?? '')?.[1];

describe('importing in the browser', () => {
  it('uploads, previews, streams the progress while importing, and shows the result', async () => {
    const { client, workspaceId } = await owner('Browser Import GmbH');
    const uploaded = await upload(client, await fixture('german-excel.csv'));
    expect(uploaded.status).toBe(302);
    const jobId = jobIdOf(uploaded)!;
    expect(jobId).toBeDefined();

    const preview = await (await client.get(`/app/customers/import/${jobId}`, { 'Accept-Language': 'en' })).text();
    expect(preview).toContain('Preview');
    expect(preview).toContain('Import 4 customers for 2026-Q4?');
    expect(preview).toContain('windows-1252');
    expect(await customerCount(database.db, workspaceId)).toBe(0);

    const run = await confirm(client, jobId, { Accept: 'application/x-ndjson' });
    expect(run.status).toBe(200);
    expect(run.headers.get('Content-Type')).toContain('application/x-ndjson');
    const lines = (await run.text()).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ phase: 'checking' }));
    expect(lines).toContainEqual({ phase: 'writing', done: 4, total: 4 });
    expect(lines.at(-1)).toEqual({ done: true, imported: true });
    expect(await customerCount(database.db, workspaceId)).toBe(4);

    const result = await (await client.get(`/app/customers/import/${jobId}`, { 'Accept-Language': 'en' })).text();
    expect(result).toContain('Imported 4 customers for 2026-Q4: 4 new, 0 updated.');
    // The uploaded file is gone once imported.
    expect(await database.db.select().from(importJobChunks).where(eq(importJobChunks.jobId, jobId))).toEqual([]);
  });

  it('works without JavaScript, and a second confirmation imports nothing twice', async () => {
    const { client, workspaceId } = await owner('No Script GmbH');
    const jobId = jobIdOf(await upload(client, await fixture('english-bom.csv')))!;
    const first = await confirm(client, jobId);
    expect(first.status).toBe(302);
    expect(first.headers.get('Location')).toBe(`/app/customers/import/${jobId}`);
    const again = await confirm(client, jobId);
    expect(again.status).toBe(302);
    const [job] = await database.db.select().from(importJobs).where(eq(importJobs.id, jobId));
    expect(job?.status).toBe('imported');
    expect(await tiersIn(database.db, workspaceId, '2026-Q4')).toMatchObject({ 'C-1': 'A', 'C-6': 'C' });
  });

  it('lets marketing import', async () => {
    const { workspaceId } = await owner('Marketing Imports GmbH');
    const marketing = await marketingClient(database.db, app.client(), workspaceId);
    const jobId = jobIdOf(await upload(marketing, await fixture('german-excel.csv')))!;
    expect((await confirm(marketing, jobId)).status).toBe(302);
    expect(await customerCount(database.db, workspaceId)).toBe(4);
  });

  it('says before confirming that the ABC analysis ranks the whole quarter, and whom else the file moves', async () => {
    const { client } = await owner('Quarter Preview GmbH');
    const first = jobIdOf(await upload(client, new TextEncoder().encode('id,email,revenue\nQ-1,q1@quarter.example,500000\nQ-2,q2@quarter.example,300000\n')))!;
    expect((await confirm(client, first)).status).toBe(302);
    const second = jobIdOf(await upload(client, new TextEncoder().encode('id,email,revenue\nQ-9,q9@quarter.example,2000000\n')))!;
    const html = (await (await client.get(`/app/customers/import/${second}`, { 'Accept-Language': 'en' })).text()).replaceAll('<!-- -->', '');
    expect(html).toContain('The ABC analysis ranks these customers together with every customer already in 2026-Q4');
    // Q-2's share before becomes 2,500,000 / 2,800,000 (89 %): from A to B.
    expect(html).toContain('Importing moves 1 customer of the quarter who is not in this file to another tier.');
  });

  it('shows every bad row with its line and imports nothing', async () => {
    const { client, workspaceId } = await owner('Bad Upload GmbH');
    const jobId = jobIdOf(await upload(client, await fixture('bad-rows.csv')))!;
    const html = await (await client.get(`/app/customers/import/${jobId}`, { 'Accept-Language': 'en' })).text();
    expect(html).toContain('Nothing can be imported.');
    expect(html).toContain('5 of 6 lines have problems.');
    for (const text of ['“not-an-email” is not a valid email address.', '“Platinum” is not a tier of this workspace', '“-250” is negative', '“a lot” is not a number.', 'appears more than once in the file (first in line 2)']) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain('Import now');
    // Confirming anyway changes nothing.
    await confirm(client, jobId);
    expect(await customerCount(database.db, workspaceId)).toBe(0);
    // The rejected upload is said to be so, on its page and in the list of uploads; never "waiting for confirmation".
    expect(await (await client.get(`/app/customers/import/${jobId}`, { 'Accept-Language': 'en' })).text()).toContain('Not imported: the file has problems');
    const list = await (await client.get('/app/customers/import', { 'Accept-Language': 'en' })).text();
    expect(list).toMatch(/>customers\.csv<\/a><\/th><td>2026-Q4<\/td><td>Not imported: the file has problems<\/td>/);
    expect(list).not.toContain('Waiting for confirmation');
  });

  it('explains a PDF and an empty file, in the member’s language', async () => {
    const { client } = await owner('Wrong Files GmbH');
    const pdf = jobIdOf(await upload(client, await fixture('report.pdf.csv'), undefined, 'report.csv'))!;
    expect(await (await client.get(`/app/customers/import/${pdf}`, { 'Accept-Language': 'en' })).text()).toContain('This is a PDF document, not a CSV file.');
    const empty = jobIdOf(await upload(client, new Uint8Array(0)))!;
    expect(await (await client.get(`/app/customers/import/${empty}`, { 'Accept-Language': 'de' })).text()).toContain('Die Datei ist leer.');
  });

  it('refuses a 50 MB upload with a clear message, keeping nothing', async () => {
    const { client, workspaceId } = await owner('Huge Upload GmbH');
    const response = await upload(client, new Blob([new Uint8Array(50 * 1000 * 1000).fill(0x41)]));
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('The file is larger than 32 MB.');
    expect(await database.db.select().from(importJobs).where(eq(importJobs.workspaceId, workspaceId))).toEqual([]);
  });

  it('asks for a file and a quarter', async () => {
    const { client } = await owner('Form Errors GmbH');
    const form = new FormData();
    form.set('period', 'sometime');
    const response = await client.request('/app/customers/import?index', { method: 'POST', body: form, headers: { Origin: client.base, 'Accept-Language': 'en' } });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Choose a CSV file.');
    expect(html).toContain('Choose a quarter.');
  });

  it('keeps uploads to their workspace, and can discard one', async () => {
    const alpha = await owner('Alpha Uploads');
    const beta = await owner('Beta Uploads');
    const jobId = jobIdOf(await upload(alpha.client, await fixture('german-excel.csv')))!;
    expect((await beta.client.get(`/app/customers/import/${jobId}`)).status).toBe(404);
    expect((await confirm(beta.client, jobId)).status).toBe(404);
    expect(await customerCount(database.db, beta.workspaceId)).toBe(0);
    const discarded = await alpha.client.post(`/app/customers/import/${jobId}`, { intent: 'discard' });
    expect(discarded.status).toBe(302);
    expect(await database.db.select().from(importJobs).where(and(eq(importJobs.id, jobId)))).toEqual([]);
  });
});

async function demoWorkspaceId() {
  const [row] = await database.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, DEMO.slug));
  return row?.id;
}

describe('the demo', () => {
  it('marketing downloads the demo’s customers and imports them again for the next quarter, then sees the migration table', async () => {
    await createDemoWorkspace(database.db);
    const marketing = app.client();
    expect((await marketing.login(DEMO.members[1].email, DEMO.password)).status).toBe(302);
    const exported = await marketing.get('/app/customers/export?period=2026-Q4');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('Content-Type')).toContain('text/csv');
    const csv = new Uint8Array(await exported.arrayBuffer());
    const jobId = jobIdOf(await upload(marketing, csv, { period: '2027-Q1', tiersBy: 'auto' }, 'export.csv'))!;
    const preview = await (await marketing.get(`/app/customers/import/${jobId}`, { 'Accept-Language': 'en' })).text();
    // The demo's members use German.
    expect(preview).toContain('600 Kunden für 2027-Q1 importieren?');
    expect((await confirm(marketing, jobId)).status).toBe(302);
    const result = await (await marketing.get(`/app/customers/import/${jobId}`, { 'Accept-Language': 'en' })).text();
    expect(result).toContain('600 Kunden für 2027-Q1 importiert: 0 neu, 600 aktualisiert.');
    expect(result).toContain('Kunden nach Stufe in 2026-Q4 (Zeilen) und 2027-Q1 (Spalten)');
    expect(await tiersIn(database.db, (await demoWorkspaceId())!, '2027-Q1')).toEqual(await tiersIn(database.db, (await demoWorkspaceId())!, '2026-Q4'));
  }, 90_000); // the demo (six quarters, 1,650 answers judged for flags) is built first
});
