import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestClient } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

// One member's upload must not hold up everyone else: while a file built to
// be slow to check is uploaded and previewed, the health check keeps
// answering promptly. (Three rows with 60,000 spaces in an amount cell once
// froze the whole server, health check included, for 10 s.)

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

function upload(client: TestClient, text: string) {
  const form = new FormData();
  form.set('period', '2026-Q4');
  form.set('tiersBy', 'auto');
  form.set('file', new Blob([text], { type: 'text/csv' }), 'slow.csv');
  return client.request('/app/customers/import?index', { method: 'POST', body: form, headers: { Origin: client.base, 'Accept-Language': 'en' } });
}

/** Asks /healthz every 25 ms until `stop` resolves; returns the slowest answer in ms. */
async function slowestHealthCheck(stop: Promise<unknown>): Promise<{ slowest: number; checks: number }> {
  let done = false;
  void stop.finally(() => (done = true));
  let slowest = 0;
  let checks = 0;
  while (!done) {
    const started = performance.now();
    const response = await fetch(`${app.base}/healthz`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    slowest = Math.max(slowest, performance.now() - started);
    checks++;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { slowest, checks };
}

describe('an upload built to be slow to check', () => {
  it('is previewed while other requests keep being answered', { timeout: 120_000 }, async () => {
    const created = await createWorkspaceWithOwner(database.db, 'Stall GmbH');
    const client = app.client();
    expect((await client.login(created.email, PASSWORD)).status).toBe(302);
    const hostile = Array.from({ length: 10 }, (_, i) => `H-${i};h${i}@example.com;1${' '.repeat(60_000)}x`);
    const ordinary = Array.from({ length: 20_000 }, (_, i) => `K-${i};k${i}@example.com;${(i * 37) % 10_000},50`);
    const file = ['Kundennummer;E-Mail;Umsatz', ...hostile, ...ordinary].join('\r\n');

    // The first request of a fresh app is slow for reasons of its own.
    expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
    const started = performance.now();
    const uploading = upload(client, file);
    const { slowest, checks } = await slowestHealthCheck(uploading);
    const response = await uploading;
    console.info(`[import stall] ${(file.length / 1024 / 1024).toFixed(1)} MB previewed in ${((performance.now() - started) / 1000).toFixed(1)} s; slowest of ${checks} health checks ${slowest.toFixed(0)} ms`);
    expect(response.status).toBe(302);
    const preview = await (await client.get(response.headers.get('Location')!, { 'Accept-Language': 'en' })).text();
    // The hostile rows are reported, not read.
    expect(preview).toContain('The text is longer than 1000 characters.');
    expect(checks).toBeGreaterThan(3);
    // Generous for a busy shared machine (about 200 ms on a quiet one); before the fix the health check waited 120 s.
    expect(slowest).toBeLessThan(3_000);
  });
});
