import { readdir } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite } from '../../app/auth/members.server';
import { listOutbox } from '../../app/email/outbox.server';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { deliverToOutbox } from '../../app/email/queue.server';
import { customers, emailMessages } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { createCampaignWorkspace, createTestCampaign, scheduleNow, testEmailSettings } from '../support/campaign-fixtures';
import { marketingClient } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';
import { postStep, setCampaign } from '../support/survey-fixtures';
import { expectSecurityHeaders } from '../support/security';

// A Content-Security-Policy with frame-ancestors, a Referrer-Policy and
// X-Content-Type-Options: nosniff on every kind of response the app gives:
// staff, auth and customer pages, 404 and error pages, redirects, CSV
// downloads, API answers, static files.

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

interface Case {
  what: string;
  status: number;
  request: () => Promise<Response>;
}

async function check(cases: Case[]) {
  const failures: string[] = [];
  for (const { what, status, request } of cases) {
    const response = await request();
    if (response.status !== status) failures.push(`${what}: status ${response.status}, expected ${status}`);
    try {
      expectSecurityHeaders(response, `${what} (${status})`);
    } catch (error) {
      failures.push((error as Error).message.split('\n')[0]!);
    }
    await response.arrayBuffer();
  }
  expect(failures).toEqual([]);
}

describe('security headers', () => {
  it('are sent on every kind of response', async () => {
    const db = database.db;
    const settings = testEmailSettings();
    const ws = await createCampaignWorkspace(db, 'Header Haus', [
      { email: 'one@customer.example', locale: 'en' },
      { email: 'two@customer.example', locale: 'de' },
      { email: 'three@customer.example', locale: 'en' },
      { email: 'four@customer.example', locale: 'en' },
    ]);
    const campaign = await createTestCampaign(db, ws.workspaceId);
    await scheduleNow(db, campaign.id);
    await launchCampaign(db, campaign.id, settings);
    await deliverToOutbox(db);
    const messages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    const surveyPath = (email: string) => new URL(messages.find((m) => m.toAddress === email)!.link!).pathname;
    const one = surveyPath('one@customer.example');
    const two = surveyPath('two@customer.example');
    const four = surveyPath('four@customer.example');
    const unsubscribe = `/u/${surveyPath('three@customer.example').slice('/s/'.length)}`;

    const owner = app.client();
    expect((await owner.login(ws.email, PASSWORD)).status).toBe(302);
    const marketing = await marketingClient(db, app.client(), ws.workspaceId);
    const created = await owner.post('/app/settings/api-keys', { intent: 'create', name: 'Headers', scopes: 'customers:write' });
    const apiKey = /value="(wm_[A-Za-z0-9_-]+)"/.exec(await created.text())![1]!;
    await invite(db, { workspaceId: ws.workspaceId, email: 'join@header.example', role: 'marketing', invitedBy: { id: ws.userId, name: 'O' }, locale: 'en' });
    const joinLink = new URL((await listOutbox(db, { workspaceId: ws.workspaceId })).find((m) => m.kind === 'team_invitation')!.link!).pathname;
    const [{ id: aCustomer }] = (await db.select({ id: customers.id }).from(customers).where(eq(customers.workspaceId, ws.workspaceId)).limit(1)) as [{ id: string }];
    const asset = (await readdir('public/build')).find((name) => name.endsWith('.js'))!;
    const api = (path: string, init: RequestInit = {}) => fetch(app.base + path, { redirect: 'manual', ...init });
    const json = (body: unknown, key = apiKey) => ({ method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const visitor = () => app.client();
    const get = (client: TestClient, path: string) => () => client.get(path);

    await check([
      // Staff pages and downloads.
      { what: 'staff overview', status: 200, request: get(owner, '/app') },
      { what: 'customer list', status: 200, request: get(owner, '/app/customers') },
      { what: 'customer page', status: 200, request: get(owner, `/app/customers/${aCustomer}`) },
      { what: 'campaign page', status: 200, request: get(owner, `/app/campaigns/${campaign.id}`) },
      { what: 'settings', status: 200, request: get(owner, '/app/settings/api-keys') },
      { what: 'staff form refused', status: 400, request: () => owner.post('/app/settings/members', { email: 'nope', role: 'boss' }) },
      { what: 'staff page of another role', status: 403, request: get(marketing, '/app/settings/members') },
      { what: 'staff 404', status: 404, request: get(owner, '/app/customers/00000000-0000-0000-0000-000000000000') },
      { what: 'customers CSV', status: 200, request: get(owner, '/app/customers/export') },
      { what: 'one customer export', status: 200, request: get(owner, `/app/customers/${aCustomer}/export`) },
      { what: 'flags CSV', status: 200, request: get(owner, '/app/flags/export.csv') },
      { what: 'tier review CSV', status: 200, request: get(owner, '/app/results/review.csv') },
      { what: 'verbatims CSV', status: 200, request: get(owner, '/app/results/verbatims.csv') },
      // Auth pages and redirects.
      { what: 'login page', status: 200, request: get(visitor(), '/login') },
      { what: 'sign-up page', status: 200, request: get(visitor(), '/signup') },
      { what: 'login refused', status: 400, request: () => visitor().post('/login', { email: 'x@example.com', password: 'nope' }) },
      { what: 'team invitation page', status: 200, request: get(visitor(), joinLink) },
      { what: 'unknown team invitation', status: 404, request: get(visitor(), `/join/${'j'.repeat(43)}`) },
      { what: 'redirect to login', status: 302, request: get(visitor(), '/app/customers') },
      { what: 'language redirect', status: 302, request: get(visitor(), '/language') },
      { what: 'home page (a redirect)', status: 302, request: get(visitor(), '/') },
      // The customer's pages.
      { what: 'survey page', status: 200, request: get(visitor(), one) },
      { what: 'one-click answer page', status: 200, request: get(visitor(), `${two}?answer=very`) },
      { what: 'survey step saved (redirect)', status: 303, request: () => postStep(visitor(), one, 0, { miss_us: 'very' }) },
      { what: 'survey step refused', status: 400, request: () => postStep(visitor(), four, 0, { miss_us: 'perhaps' }) },
      { what: 'unknown survey link', status: 404, request: get(visitor(), `/s/${'k'.repeat(43)}`) },
      { what: 'unsubscribe page', status: 200, request: get(visitor(), unsubscribe) },
      { what: 'unsubscribe done', status: 200, request: () => visitor().post(unsubscribe, {}) },
      { what: 'unknown unsubscribe link', status: 404, request: get(visitor(), `/u/${'k'.repeat(43)}`) },
      // 404 and error pages in front of the routes.
      { what: 'unknown page', status: 404, request: get(visitor(), '/no/such/page') },
      { what: 'NUL in the address', status: 400, request: get(visitor(), '/app/flags?tier=%00') },
      { what: 'cross-origin post', status: 403, request: () => visitor().post('/login', { email: 'a@b.example' }, { Origin: 'https://evil.example' }) },
      { what: 'form that cannot be read', status: 400, request: () => visitor().request('/login', { method: 'POST', body: 'garbage', headers: { Origin: app.base, 'Content-Type': 'multipart/form-data; boundary=x' } }) },
      // The API.
      { what: 'API without key', status: 401, request: () => api('/api/v1/customers', { method: 'POST', body: '{}' }) },
      { what: 'API accepted', status: 200, request: () => api('/api/v1/customers', json({ customers: [{ externalId: 'H-1', email: 'h1@example.com' }] })) },
      { what: 'API invalid body', status: 422, request: () => api('/api/v1/tiers', json({ period: 'soon' })) },
      { what: 'API not JSON', status: 415, request: () => api('/api/v1/customers', { ...json({}), headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'text/plain' } }) },
      { what: 'API wrong method', status: 405, request: () => api('/api/v1/tiers', { headers: { Authorization: `Bearer ${apiKey}` } }) },
      { what: 'webhook not configured', status: 503, request: () => api('/webhooks/resend', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }) },
      // Everything else.
      { what: 'health check', status: 200, request: () => api('/healthz') },
      { what: 'script file', status: 200, request: () => api(`/build/${asset}`) },
      { what: 'favicon', status: 200, request: () => api('/favicon.svg') },
    ]);

    // The survey's closed page, once the campaign has ended.
    await setCampaign(db, campaign.id, { status: 'closed', closesAt: new Date(Date.now() - 1000) });
    await check([{ what: 'closed survey', status: 410, request: get(visitor(), two) }]);
  });
});
