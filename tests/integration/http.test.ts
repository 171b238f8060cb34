import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite } from '../../app/auth/members.server';
import { createImportJob } from '../../app/customers/import-jobs.server';
import { listOutbox } from '../../app/email/outbox.server';
import { setDatabase } from '../../app/db.server';
import { eq } from 'drizzle-orm';
import { flags, surveys } from '../../db/schema';
import { createTestDatabase } from '../support/db';
import { startTestApp, type TestClient } from '../support/app';
import { createSurveyedCustomer, createWorkspaceWithOwner, PASSWORD, verificationLink } from '../support/fixtures';

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

async function signedInOwner(name: string): Promise<{ client: TestClient; owner: Awaited<ReturnType<typeof createWorkspaceWithOwner>> }> {
  const owner = await createWorkspaceWithOwner(database.db, name);
  const client = app.client();
  const response = await client.login(owner.email, PASSWORD);
  expect(response.status).toBe(302);
  return { client, owner };
}

describe('pages and headers', () => {
  it('answers /healthz with the database status', async () => {
    const response = await app.client().get('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('sends security headers and a per-request CSP nonce', async () => {
    const first = await app.client().get('/login');
    const second = await app.client().get('/login');
    const csp = first.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toEqual(second.headers.get('Content-Security-Policy'));
    expect(first.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(first.headers.get('Referrer-Policy')).toBe('same-origin');
    expect(first.headers.get('X-Powered-By')).toBeNull();
  });

  it('speaks the browser language', async () => {
    const english = await (await app.client().get('/login', { 'Accept-Language': 'en-GB,en;q=0.9' })).text();
    expect(english).toContain('<html lang="en"');
    expect(english).toContain('Log in to your workspace.');
    const german = await (await app.client().get('/login', { 'Accept-Language': 'de-DE' })).text();
    expect(german).toContain('Melden Sie sich bei Ihrem Arbeitsbereich an.');
  });

  it('refuses cross-origin form posts', async () => {
    const response = await app.client().post('/login', { email: 'a@b.example', password: 'x' }, { Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
  });

  it('sends visitors without a session to the login page, keeping where they wanted to go', async () => {
    for (const path of ['/app', '/app/customers', '/app/settings/members', '/app/outbox']) {
      const response = await app.client().get(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get('Location')).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
  });

  it('answers an unknown page with a 404 page', async () => {
    const response = await app.client().get('/no/such/page');
    expect(response.status).toBe(404);
  });
});

describe('sign-up and login through the forms', () => {
  it('shows field errors for wrong input instead of failing', async () => {
    const client = app.client();
    const response = await client.post('/signup', { workspaceName: '', name: 'Ann', email: 'not-an-email', password: 'short' }, { 'Accept-Language': 'en' });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Please enter a valid email address.');
    expect(html).toContain('Use at least 10 characters.');
    // The error takes the hint's place: the rule is said once, not twice.
    expect(html.match(/10 characters/g)).toHaveLength(1);
    expect(html).toContain('aria-invalid="true"');
  });

  it('signs up, follows the emailed link into the empty workspace, logs out and in again', async () => {
    const client = app.client();
    const signup = await client.post(
      '/signup',
      { workspaceName: 'Fresh Start GmbH', name: 'Fiona', email: 'fiona@fresh.example', password: PASSWORD },
      { 'Accept-Language': 'en' },
    );
    expect(signup.status).toBe(200);
    expect(await signup.text()).toContain('We sent an email to fiona@fresh.example.');
    expect((await client.get('/app')).status).toBe(302);
    const link = new URL(await verificationLink(database.db, 'fiona@fresh.example'));
    expect((await client.get(link.pathname, { 'Accept-Language': 'en' })).status).toBe(200);
    const overview = await (await client.get('/app', { 'Accept-Language': 'en' })).text();
    expect(overview).toContain('Your workspace is ready');
    expect(overview).toContain('Fresh Start GmbH');

    const logout = await client.post('/logout', {});
    expect(logout.headers.get('Location')).toBe('/login');
    expect((await client.get('/app')).status).toBe(302);

    expect((await client.login('FIONA@fresh.example', PASSWORD)).status).toBe(302);
    expect((await client.get('/app')).status).toBe(200);
  });

  it('gives the same answer for a wrong password and an unknown email, then 429', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Guarded');
    const client = app.client();
    const unknown = await client.post('/login', { email: 'nobody@nowhere.example', password: 'whatever' }, { 'Accept-Language': 'en' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Email or password is wrong.');
    for (let i = 0; i < 5; i++) {
      const wrong = await client.post('/login', { email: owner.email, password: 'wrong' }, { 'Accept-Language': 'en' });
      expect(wrong.status).toBe(400);
    }
    const limited = await client.post('/login', { email: owner.email, password: PASSWORD }, { 'Accept-Language': 'en' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many attempts');
  });

  it('answers a body that is not a form with 400, not 500', async () => {
    const response = await app.client().request('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=nothing', Origin: app.base },
      body: 'garbage',
    });
    expect(response.status).toBe(400);
  });
});

describe('roles', () => {
  it('keeps marketing members out of member and tier management', async () => {
    const { client: ownerClient, owner } = await signedInOwner('Roles');
    const invited = await invite(database.db, {
      workspaceId: owner.workspaceId,
      email: 'mia@roles.example',
      role: 'marketing',
      invitedBy: { id: owner.userId, name: 'Owner' },
      locale: 'en',
    });
    expect(invited.ok).toBe(true);
    const link = (await listOutbox(database.db, { workspaceId: owner.workspaceId }))[0]!.link!;
    const marketing = app.client();
    const join = await marketing.post(new URL(link).pathname, { name: 'Mia', password: PASSWORD });
    expect(join.status).toBe(302);

    for (const path of ['/app/settings/members', '/app/settings/tiers']) {
      expect((await marketing.get(path)).status, path).toBe(403);
      expect((await ownerClient.get(path)).status, path).toBe(200);
    }
    // Marketing reads the survey emails in the outbox, never team invitations (their links let someone join).
    const teamMessage = (await listOutbox(database.db, { workspaceId: owner.workspaceId }))[0]!;
    const outbox = await marketing.get('/app/outbox');
    expect(outbox.status).toBe(200);
    expect(await outbox.text()).not.toContain('mia@roles.example');
    expect((await marketing.get(`/app/outbox/${teamMessage.id}`)).status).toBe(404);
    expect((await ownerClient.get(`/app/outbox/${teamMessage.id}`)).status).toBe(200);
    const post = await marketing.post('/app/settings/members', { email: 'x@roles.example', role: 'owner' });
    expect(post.status).toBe(403);
    expect((await marketing.get('/app')).status).toBe(200);
  });

  it('validates the invitation form', async () => {
    const { client } = await signedInOwner('Invites');
    const bad = await client.post('/app/settings/members', { email: 'nope', role: 'boss' }, { 'Accept-Language': 'en' });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('Please enter a valid email address.');
    expect(html).toContain('Choose a role.');
    const good = await client.post('/app/settings/members', { email: 'Sam@Invites.example', role: 'marketing' }, { 'Accept-Language': 'en' });
    expect(good.status).toBe(200);
    expect(await good.text()).toContain('Invitation sent to sam@invites.example.');
  });
});

describe('workspace isolation', () => {
  it('answers 404 for every resource of another workspace', async () => {
    const { client, owner } = await signedInOwner('Alpha');
    const beta = await createWorkspaceWithOwner(database.db, 'Beta');
    const betaData = await createSurveyedCustomer(database.db, beta.workspaceId, 'Beta Secret Customer');
    await createSurveyedCustomer(database.db, owner.workspaceId, 'Alpha Customer');
    await invite(database.db, { workspaceId: beta.workspaceId, email: 'b@beta.example', role: 'marketing', invitedBy: { id: beta.userId, name: 'B' }, locale: 'en' });
    const betaMessage = (await listOutbox(database.db, { workspaceId: beta.workspaceId }))[0]!;
    const [betaFlag] = await database.db
      .insert(flags)
      .values({ workspaceId: beta.workspaceId, customerId: betaData.customer.id, campaignId: betaData.campaign.id, kind: 'second_class', severity: 'high', reasons: ['lexicon'] })
      .returning();
    const [betaSurvey] = await database.db.select().from(surveys).where(eq(surveys.workspaceId, beta.workspaceId));
    const betaImport = await createImportJob(database.db, { workspaceId: beta.workspaceId, createdBy: beta.userId, fileName: 'beta.csv', period: '2026-Q4', tiersBy: 'auto' });

    // Every staff route with an id in its path, filled with the other workspace's id.
    const foreign: Record<string, string> = {
      '/app/customers/:customerId': `/app/customers/${betaData.customer.id}`,
      '/app/campaigns/:campaignId': `/app/campaigns/${betaData.campaign.id}`,
      '/app/outbox/:messageId': `/app/outbox/${betaMessage.id}`,
      '/app/outbox/:messageId/attachments/:index': `/app/outbox/${betaMessage.id}/attachments/0`,
      '/app/flags/:flagId': `/app/flags/${betaFlag!.id}`,
      '/app/surveys/:surveyId': `/app/surveys/${betaSurvey!.id}`,
      '/app/surveys/:surveyId/preview': `/app/surveys/${betaSurvey!.id}/preview`,
      '/app/surveys/:surveyId/questions/:key': `/app/surveys/${betaSurvey!.id}/questions/q1`,
      '/app/campaigns/:campaignId/edit': `/app/campaigns/${betaData.campaign.id}/edit`,
      '/app/customers/:customerId/erase': `/app/customers/${betaData.customer.id}/erase`,
      '/app/customers/:customerId/export': `/app/customers/${betaData.customer.id}/export`,
      '/app/customers/import/:jobId': `/app/customers/import/${betaImport}`,
    };
    const build = (await import(`${process.cwd()}/build/index.js`)) as { routes: Record<string, { path?: string; parentId?: string }> };
    const dynamicStaffRoutes = Object.values(build.routes)
      .map((route) => fullPath(build.routes, route))
      .filter((path) => path.startsWith('/app/') && path.includes(':'));
    expect(dynamicStaffRoutes.sort()).toEqual(Object.keys(foreign).sort());

    for (const path of Object.values(foreign)) {
      const response = await client.get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('Beta Secret Customer');
    }
    for (const path of ['/app/customers/not-a-uuid', '/app/campaigns/00000000-0000-0000-0000-000000000000']) {
      expect((await client.get(path)).status, path).toBe(404);
    }
    for (const path of ['/app', '/app/customers', '/app/customers?q=Beta', '/app/campaigns', '/app/results', '/app/flags', '/app/flags?status=all', '/app/outbox']) {
      const html = await (await client.get(path)).text();
      expect(html, path).not.toContain('Beta Secret Customer');
      expect(html, path).not.toContain(betaMessage.subject);
    }
  });
});

function fullPath(routes: Record<string, { path?: string; parentId?: string }>, route: { path?: string; parentId?: string }): string {
  const parts: string[] = [];
  for (let current: typeof route | undefined = route; current; current = current.parentId ? routes[current.parentId] : undefined) {
    if (current.path) parts.unshift(current.path);
  }
  return `/${parts.join('/')}`;
}

describe('health when the database is gone', () => {
  it('answers 503', async () => {
    const broken = await createTestDatabase();
    await broken.close();
    setDatabase(broken);
    try {
      const response = await app.client().get('/healthz');
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'error', database: 'unavailable' });
    } finally {
      setDatabase(database);
      await broken.dispose().catch(() => {});
    }
  });
});
