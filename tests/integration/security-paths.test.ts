import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { changedTables, dataTables, tableDigests } from '../support/security';

// Decisions about a path are made on the path the router serves, not on the
// text of the request line: `/api/../app/settings/members` is the members
// form, which takes no post from another site. Browsers normalise such paths
// before sending, so these requests are written by hand.

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

/** A POST with the request line exactly as given (fetch would resolve the dots). */
function rawPost(rawPath: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${app.base}/`, { method: 'POST', path: rawPath, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('paths with dot segments', () => {
  it('get the origin check of the page they reach', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Dotted Paths');
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    const tables = await dataTables(database.db);
    const before = await tableDigests(database.db, tables);
    const forged = { Cookie: client.cookieHeader, Origin: 'https://evil.example' };
    const body = new URLSearchParams({ email: 'intruder@evil.example', role: 'owner' }).toString();
    const answers: Record<string, number> = {};
    for (const path of ['/api/../app/settings/members', '/webhooks/../app/settings/members', '/api/%2e%2e/app/settings/members', '/api/v1/../../app/settings/members']) {
      answers[path] = await rawPost(path, forged, body);
    }
    expect(Object.entries(answers).filter(([, status]) => status !== 403)).toEqual([]);
    expect(changedTables(before, await tableDigests(database.db, tables))).toEqual([]);
    // The same form from the app's own page still works through the dotted path.
    expect(await rawPost('/api/../app/settings/members', { Cookie: client.cookieHeader, Origin: app.base }, body)).toBe(200);
  });
});
