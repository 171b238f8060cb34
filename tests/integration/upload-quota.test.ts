import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_MEGABYTES_PER_DAY, UPLOADS_PER_DAY } from '../../app/customers/upload-quota.server';
import { importJobs, rateLimits } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

// A workspace uploads at most UPLOADS_PER_DAY files and
// UPLOAD_MEGABYTES_PER_DAY megabytes a day; past that, a clear message and
// 429, and other workspaces go on uploading.

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

function upload(client: TestClient) {
  const form = new FormData();
  form.set('period', '2026-Q4');
  form.set('tiersBy', 'auto');
  form.set('file', new Blob(['external_id,email,tier\nK-1,a@example.com,A\n'], { type: 'text/csv' }), 'c.csv');
  return client.request('/app/customers/import?index', { method: 'POST', body: form, headers: { Origin: client.base, 'Accept-Language': 'en' } });
}

describe('daily upload limits', () => {
  it('refuses the upload after the day’s count, with a message, and only for that workspace', async () => {
    const busy = await owner('Busy Uploads GmbH');
    const other = await owner('Other Uploads GmbH');
    // The day's uploads but one are made; the last one allowed goes through.
    await database.db.insert(rateLimits).values({ key: `quota:uploads:${busy.workspaceId}`, count: UPLOADS_PER_DAY - 1 });
    expect((await upload(busy.client)).status).toBe(302);
    const refused = await upload(busy.client);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await refused.text()).toContain(`This workspace has reached today’s upload limit (${UPLOADS_PER_DAY} files or ${UPLOAD_MEGABYTES_PER_DAY} MB a day).`);
    expect(await database.db.select().from(importJobs).where(eq(importJobs.workspaceId, busy.workspaceId))).toHaveLength(1);
    expect((await upload(other.client)).status).toBe(302);
  });

  it('counts the stored bytes, and refuses once the day’s megabytes are used', async () => {
    const heavy = await owner('Heavy Uploads GmbH');
    expect((await upload(heavy.client)).status).toBe(302);
    const [bytes] = await database.db.select().from(rateLimits).where(eq(rateLimits.key, `quota:upload-bytes:${heavy.workspaceId}`));
    expect(bytes!.count).toBe(new TextEncoder().encode('external_id,email,tier\nK-1,a@example.com,A\n').length);
    await database.db.update(rateLimits).set({ count: UPLOAD_MEGABYTES_PER_DAY * 1024 * 1024 }).where(eq(rateLimits.key, `quota:upload-bytes:${heavy.workspaceId}`));
    expect((await upload(heavy.client)).status).toBe(429);
    // A new day: the window ends and uploads go through again.
    await database.db.update(rateLimits).set({ windowStartedAt: sql`now() - interval '25 hours'` }).where(sql`${rateLimits.key} like ${`quota:%${heavy.workspaceId}`}`);
    expect((await upload(heavy.client)).status).toBe(302);
  });
});
