import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimitFor } from '../../app/http/body-limit.server';
import { MAX_FORM_BYTES } from '../../app/http/request.server';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { createSurveyWorkspace, inviteCustomer } from '../support/survey-fixtures';
import { postOversized, type OversizedAnswer } from '../support/oversized-body';
import { actionUrl, buildRoutes, type AppRoute } from '../support/security';

// A body larger than its route accepts is refused with 413 after at most the
// limit was read, whether it comes chunked or with a Content-Length that
// promises more than the server takes. The routes come from the build, so a
// new action is covered by itself. Requests are sent as a signed-in owner, so
// that no route turns the request away for want of a session before its body matters.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let targets: Array<Pick<AppRoute, 'path' | 'isIndex'>>;
let headers: Record<string, string>;

/** Any value fits a parameter (the body is refused before a route looks at it), except a survey token, which is checked first. */
let params: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
  const owner = await createWorkspaceWithOwner(database.db, 'Body Limits');
  const client = app.client();
  expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
  headers = { Origin: app.base, Cookie: client.cookieHeader };
  const invited = await inviteCustomer(database.db, await createSurveyWorkspace(database.db, { name: 'Survey Side' }), { locale: 'en' });
  params = new Proxy({ token: invited.token } as Record<string, string>, { get: (values, name) => values[String(name)] ?? `param-${String(name)}` });
  const routes = await buildRoutes();
  targets = routes.filter((route) => route.hasAction);
  // The customer's survey is answered by its own handler in front of Remix.
  if (!targets.some((route) => route.path === '/s/:token')) targets.push({ path: '/s/:token', isIndex: false });
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

const limitOf = (path: string) => (path.startsWith('/s/') ? MAX_FORM_BYTES : bodyLimitFor(path).bytes);

/** A multipart file part, so that the upload route starts storing the file. */
const boundary = 'wouldmiss-body-limit';
const uploadPrefix = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nexternal_id,email\r\n`;

function bodyOptions(path: string) {
  return path === '/app/customers/import'
    ? // The upload is stored as it arrives (32 MB into the database), which takes a while on a busy machine.
      { prefix: uploadPrefix, headers: { ...headers, 'Content-Type': `multipart/form-data; boundary=${boundary}` }, timeoutMs: 120_000 }
    : { headers };
}

const describeAnswer = (path: string, answer: OversizedAnswer) =>
  `${path}: ${answer.status} ${answer.error ?? ''} connection=${answer.connection} after ${(answer.sent / 1024).toFixed(0)} KB ${answer.body.slice(0, 80)}`;

/** Runs `send` while sampling the process's resident memory; returns the peak growth in MB. */
async function peakMemoryGrowth<T>(send: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await send();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMb: (peak - before) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

describe('request bodies over the limit', () => {
  it('covers every action of the build, the API and the webhook', () => {
    const paths = targets.map((target) => target.path);
    expect(paths.length).toBeGreaterThan(25);
    expect(paths).toEqual(expect.arrayContaining(['/login', '/signup', '/s/:token', '/api/v1/customers', '/webhooks/resend', '/app/customers/import']));
  });

  it('get 413 and a closed connection when sent chunked, on every action', { timeout: 300_000 }, async () => {
    const failures: string[] = [];
    for (const target of targets) {
      const url = app.base + actionUrl(target, params);
      // One megabyte past the limit: enough that a server reading it whole is caught answering something else.
      const answer = await postOversized(url, { size: limitOf(target.path) + 1024 * 1024, ...bodyOptions(target.path) });
      if (answer.status !== 413 || answer.connection !== 'close') failures.push(describeAnswer(target.path, answer));
    }
    expect(failures).toEqual([]);
  });

  it('get 413 at once when the Content-Length promises more than the limit, on every action', { timeout: 300_000 }, async () => {
    const failures: string[] = [];
    for (const target of targets) {
      const url = app.base + actionUrl(target, params);
      // The client declares a gigabyte and sends 64 KB: the server must not wait for the rest.
      const answer = await postOversized(url, { size: 64 * 1024, declaredLength: 1024 ** 3, ...bodyOptions(target.path), timeoutMs: 5_000 });
      if (answer.status !== 413 || answer.connection !== 'close') failures.push(describeAnswer(target.path, answer));
    }
    expect(failures).toEqual([]);
  });

  it('keep memory flat while 200 MB are streamed at the login and the webhook', { timeout: 120_000 }, async () => {
    const size = 200 * 1024 * 1024;
    for (const path of ['/login', '/webhooks/resend']) {
      const { result, growthMb } = await peakMemoryGrowth(() => postOversized(app.base + path, { size, ...bodyOptions(path) }));
      console.info(`[body limits] ${path}: ${result.status} after ${(result.sent / 1024 / 1024).toFixed(1)} MB sent, memory +${growthMb.toFixed(0)} MB`);
      expect(result.status, describeAnswer(path, result)).toBe(413);
      // The server stopped reading near the limit, so the client could not write the 200 MB.
      expect(result.sent).toBeLessThan(limitOf(path) + 32 * 1024 * 1024);
      expect(growthMb, path).toBeLessThan(limitOf(path) / 1024 / 1024 + 48);
    }
  });

  it('still take bodies within the limit', async () => {
    const client = app.client();
    const login = await client.post('/login', { email: 'nobody@example.com', password: 'x'.repeat(MAX_FORM_BYTES - 200) });
    expect(login.status).not.toBe(413);
    expect(login.status).toBeLessThan(500);
  });
});
