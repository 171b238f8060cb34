import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailWorker } from '../../app/campaigns/worker.server';
import { parseEnv } from '../../app/config/env.server';
import { createImportJob, storeUpload } from '../../app/customers/import-jobs.server';
import { emailSettings } from '../../app/email/settings.server';
import { importJobChunks, importJobs, rateLimits } from '../../db/schema';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner } from '../support/fixtures';

// The worker clears out on its own what nobody needs any more: rate-limit
// counters that ran out (each keeps an email address someone typed into the
// login) and uploads nobody confirmed within a day, even when no one uploads again.

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

async function until(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('Not done in time');
}

describe('housekeeping in the worker', () => {
  it('deletes expired rate-limit counters and unconfirmed uploads, and keeps the rest', async () => {
    const { db } = database;
    await db.insert(rateLimits).values([
      { key: 'login:email:gone@example.com', count: 3, windowStartedAt: sql`now() - interval '26 hours'` },
      { key: 'login:pair:gone@example.com|203.0.113.1', count: 9, windowStartedAt: sql`now() - interval '3 days'` },
      { key: 'login:email:recent@example.com', count: 1, windowStartedAt: sql`now() - interval '10 minutes'` },
    ]);
    const owner = await createWorkspaceWithOwner(db, 'Tidy GmbH');
    const job = (createdAgo: string) =>
      createImportJob(db, { workspaceId: owner.workspaceId, createdBy: owner.userId, fileName: 'c.csv', period: '2026-Q4', tiersBy: 'auto' }).then(async (id) => {
        await storeUpload(db, id, (async function* () {
          yield new TextEncoder().encode('external_id,email\nK-1,a@example.com\n');
        })());
        await db.update(importJobs).set({ createdAt: sql`now() - ${createdAgo}::interval` }).where(eq(importJobs.id, id));
        return id;
      });
    const abandoned = await job('25 hours');
    const fresh = await job('1 hour');
    const imported = await job('3 days');
    await db.update(importJobs).set({ status: 'imported' }).where(eq(importJobs.id, imported));

    const worker = createEmailWorker(db, emailSettings(parseEnv({ DEMO_SEED: 'false' })), { tickMs: 50, housekeepingMs: 0 }).start();
    try {
      await until(async () => (await db.select().from(rateLimits).where(eq(rateLimits.key, 'login:email:gone@example.com'))).length === 0);
      await until(async () => (await db.select().from(importJobs).where(eq(importJobs.id, abandoned))).length === 0);
    } finally {
      await worker.stop();
    }
    const keys = (await db.select({ key: rateLimits.key }).from(rateLimits)).map((row) => row.key);
    expect(keys).toEqual(['login:email:recent@example.com']);
    const jobs = (await db.select({ id: importJobs.id }).from(importJobs).where(inArray(importJobs.id, [abandoned, fresh, imported]))).map((row) => row.id);
    expect(jobs.sort()).toEqual([fresh, imported].sort());
    expect(await db.select().from(importJobChunks).where(eq(importJobChunks.jobId, abandoned))).toEqual([]);
  });
});
