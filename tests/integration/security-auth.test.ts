import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportJob } from '../../app/customers/import-jobs.server';
import { invite } from '../../app/auth/members.server';
import { listOutbox } from '../../app/email/outbox.server';
import { flags, sessions, surveys } from '../../db/schema';
import { startTestApp, TestClient } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createSurveyedCustomer, createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { createSurveyWorkspace, inviteCustomer } from '../support/survey-fixtures';
import { actionUrl, buildRoutes, changedTables, dataTables, fillPath, tableDigests, type AppRoute } from '../support/security';

// Every staff route needs a live session; a dead, forged or garbled session
// cookie counts as none; and no action takes a form posted from another site.
// The routes come from the build, so a new route is covered by itself.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let routes: AppRoute[];
let tables: string[];
/** Real ids of one workspace for every route parameter, so a refused request had something to act on. */
let params: Record<string, string>;
let owner: Awaited<ReturnType<typeof createWorkspaceWithOwner>>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
  routes = await buildRoutes();
  tables = await dataTables(database.db);
  const db = database.db;
  owner = await createWorkspaceWithOwner(db, 'Guarded Goods');
  const surveyed = await createSurveyedCustomer(db, owner.workspaceId, 'Guarded Customer');
  await invite(db, { workspaceId: owner.workspaceId, email: 'new@guarded.example', role: 'marketing', invitedBy: { id: owner.userId, name: 'O' }, locale: 'en' });
  const [message] = await listOutbox(db, { workspaceId: owner.workspaceId });
  const [flag] = await db
    .insert(flags)
    .values({ workspaceId: owner.workspaceId, customerId: surveyed.customer.id, campaignId: surveyed.campaign.id, kind: 'at_risk', severity: 'high', reasons: ['would_not_miss'] })
    .returning();
  const [survey] = await db.select().from(surveys).where(eq(surveys.workspaceId, owner.workspaceId));
  const jobId = await createImportJob(db, { workspaceId: owner.workspaceId, createdBy: owner.userId, fileName: 'guarded.csv', period: '2026-Q4', tiersBy: 'auto' });
  const surveyWorkspace = await createSurveyWorkspace(db, { name: 'Survey Side' });
  const invited = await inviteCustomer(db, surveyWorkspace, { locale: 'en' });
  params = {
    customerId: surveyed.customer.id,
    campaignId: surveyed.campaign.id,
    messageId: message!.id,
    // The first attachment of the message (a quarterly report's PDF).
    index: '0',
    flagId: flag!.id,
    surveyId: survey!.id,
    key: 'miss_us',
    jobId: String(jobId),
    token: invited.token,
  };
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

/** A body that would do something on most staff forms, if it were accepted. */
const eagerForm = {
  intent: 'delete',
  confirm: 'yes',
  email: 'intruder@evil.example',
  role: 'owner',
  name: 'Intruder',
  label: 'Hacked',
  status: 'resolved',
  note: 'forged',
  locale: 'en',
  password: PASSWORD,
  workspaceName: 'Forged',
};

const staffRoutes = () => routes.filter((route) => route.path === '/app' || route.path.startsWith('/app/'));

/**
 * True for answers that keep a visitor out: a redirect to the login page, 401
 * or 403; or, for a method the route does not handle at all (no loader for
 * GET, no action for POST), Remix's 400 or 405 before any code of the route runs.
 */
function refusedForNoSession(route: AppRoute, method: 'GET' | 'POST', response: Response): boolean {
  if (response.status === 401 || response.status === 403) return true;
  const handled = method === 'GET' ? route.hasLoader : route.hasAction;
  if (!handled && (response.status === 400 || response.status === 405)) return true;
  const location = response.headers.get('Location') ?? '';
  return (response.status === 302 || response.status === 303) && location.startsWith('/login');
}

describe('staff routes without a session', () => {
  it('covers every /app route of the build', () => {
    const paths = staffRoutes().map((route) => route.path);
    expect(paths.length).toBeGreaterThan(30);
    expect(paths).toContain('/app/customers/:customerId');
    expect(paths).toContain('/app/settings/api-keys');
  });

  it('redirects every GET and POST to the login page and changes nothing', async () => {
    const before = await tableDigests(database.db, tables);
    const failures: string[] = [];
    for (const route of staffRoutes()) {
      const path = fillPath(route.path, params);
      const get = await app.client().get(path);
      if (!refusedForNoSession(route, 'GET', get)) failures.push(`GET ${path}: ${get.status} ${get.headers.get('Location') ?? ''}`);
      if (get.status === 302) expect(get.headers.get('Location')).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
      const post = await app.client().post(actionUrl(route, params), eagerForm);
      if (!refusedForNoSession(route, 'POST', post)) failures.push(`POST ${path}: ${post.status} ${post.headers.get('Location') ?? ''}`);
    }
    expect(failures).toEqual([]);
    expect(changedTables(before, await tableDigests(database.db, tables))).toEqual([]);
  });
});

describe('session cookies', () => {
  it('refuses the cookie of a session that logged out, on every staff route', async () => {
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    expect((await client.get('/app')).status).toBe(200);
    const stolen = client.cookieHeader;
    expect(stolen).toMatch(/wm_session=/);
    expect((await client.post('/logout', {})).status).toBe(302);

    const before = await tableDigests(database.db, tables);
    const replay = new TestClient(app.base);
    const failures: string[] = [];
    for (const route of staffRoutes()) {
      const path = fillPath(route.path, params);
      const get = await replay.get(path, { Cookie: stolen });
      if (!refusedForNoSession(route, 'GET', get)) failures.push(`GET ${path}: ${get.status}`);
      const post = await replay.post(actionUrl(route, params), eagerForm, { Cookie: stolen });
      if (!refusedForNoSession(route, 'POST', post)) failures.push(`POST ${path}: ${post.status}`);
    }
    expect(failures).toEqual([]);
    expect(changedTables(before, await tableDigests(database.db, tables))).toEqual([]);
  });

  it('refuses forged and garbled session cookies', async () => {
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    const real = /wm_session=([^;]+)/.exec(client.cookieHeader)![1]!;
    const token = JSON.parse(Buffer.from(decodeURIComponent(real), 'base64').toString('utf8')) as string;
    const [stored] = await database.db.select().from(sessions).where(eq(sessions.userId, owner.userId));
    const encode = (value: unknown) => encodeURIComponent(Buffer.from(JSON.stringify(value)).toString('base64'));
    const flip = (value: string) => value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A');

    const forged: Record<string, string> = {
      'token with one character changed': encode(flip(token)),
      'the stored hash sent as the token': encode(stored!.tokenHash),
      'the raw token without the cookie encoding': token,
      'a random token': encode('x'.repeat(43)),
      'a token too short': encode(token.slice(0, 10)),
      'a huge token': encode('A'.repeat(4000)),
      'a number instead of a string': encode(12345),
      'an object': encode({ token, userId: owner.userId }),
      'not base64': '%%%not-base64%%%',
      'base64 of garbage': encodeURIComponent(Buffer.from([0xff, 0xfe, 0x00, 0x81]).toString('base64')),
      'empty': '',
      'invalid UTF-8 in the cookie': '%C3%28',
      'SQL in the cookie': encode("' or 1=1 --"),
    };
    const before = await tableDigests(database.db, tables);
    for (const [what, value] of Object.entries(forged)) {
      const response = await fetch(`${app.base}/app`, { headers: { Cookie: `wm_session=${value}` }, redirect: 'manual' });
      expect(response.status, what).toBe(302);
      expect(response.headers.get('Location'), what).toBe('/login?redirectTo=%2Fapp');
      const post = await fetch(`${app.base}/app/settings/members`, {
        method: 'POST',
        headers: { Cookie: `wm_session=${value}`, Origin: app.base },
        body: new URLSearchParams({ email: 'forged@evil.example', role: 'owner' }),
        redirect: 'manual',
      });
      expect(post.status, what).toBe(302);
    }
    // Two cookies of the same name: the forged one must not win over nothing.
    const doubled = await fetch(`${app.base}/app`, { headers: { Cookie: `wm_session=${encode('y'.repeat(43))}; wm_session=${encode('z'.repeat(43))}` }, redirect: 'manual' });
    expect(doubled.status).toBe(302);
    expect(changedTables(before, await tableDigests(database.db, tables))).toEqual([]);
    // The real cookie still works: the refusals were about the cookies, not the route.
    expect((await client.get('/app')).status).toBe(200);
  });
});

describe('cross-origin form posts', () => {
  it('are refused on every action of the build, even with a valid session', async () => {
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    const formRoutes: Array<Pick<AppRoute, 'path' | 'isIndex'>> = routes.filter((route) => route.hasAction && !/^\/(api|webhooks)\//.test(route.path));
    // The customer's survey is answered by its own handler in front of Remix, so it may be missing from the build's list.
    if (!formRoutes.some((route) => route.path === '/s/:token')) formRoutes.push({ path: '/s/:token', isIndex: false });
    expect(formRoutes.map((route) => route.path)).toEqual(expect.arrayContaining(['/login', '/signup', '/logout', '/s/:token', '/u/:token', '/join/:token', '/language']));
    const port = new URL(app.base).port;
    const otherSites: Array<[string, Record<string, string>]> = [
      ['another site', { Origin: 'https://evil.example' }],
      ['another port of the same host', { Origin: `http://127.0.0.1:${Number(port) + 1}` }],
      ['a look-alike host', { Origin: `http://127.0.0.1.evil.example:${port}` }],
      ['Origin: null from another site', { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }],
      ['Origin: null from a sibling site', { Origin: 'null', 'Sec-Fetch-Site': 'same-site' }],
      ['no Origin, cross-site fetch metadata', { 'Sec-Fetch-Site': 'cross-site' }],
    ];
    const before = await tableDigests(database.db, tables);
    const failures: string[] = [];
    for (const route of formRoutes) {
      const path = actionUrl(route, params);
      for (const [what, headers] of otherSites) {
        const response = await client.request(path, { method: 'POST', body: new URLSearchParams({ ...eagerForm, miss_us: 'not', step: '0' }), headers });
        if (response.status !== 403) failures.push(`POST ${path} with ${what}: ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(changedTables(before, await tableDigests(database.db, tables))).toEqual([]);
    // The session survived every forged logout, and the same post from the app's own page goes through.
    expect((await client.get('/app')).status).toBe(200);
    expect((await client.post('/app/settings/members', { email: 'colleague@guarded.example', role: 'marketing' })).status).toBe(200);
    expect(changedTables(before, await tableDigests(database.db, tables))).toContain('member_invitations');
  });
});
