import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { eq } from 'drizzle-orm';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite } from '../../app/auth/members.server';
import { createImportJob } from '../../app/customers/import-jobs.server';
import { listOutbox } from '../../app/email/outbox.server';
import { flags, surveys } from '../../db/schema';
import { createKeyThroughPage } from '../support/api-keys';
import { startTestApp, type TestClient } from '../support/app';
import { createTestCampaign } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { createSurveyedCustomer, createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { mutateForm, mutateJson, pageForms, postOnNewConnection, type FuzzBody, type Pairs } from '../support/fuzz';
import { createSurveyWorkspace, inviteCustomer } from '../support/survey-fixtures';
import { actionUrl, buildRoutes, changedTables, dataTables, fillPath, runSeed, seededRandom, tableDigests, type AppRoute } from '../support/security';

// Every action of the build and every API endpoint gets malformed input:
// wrong types, huge and invalid UTF-8 values, missing, extra and duplicate
// fields, wrong content types, broken multipart, JSON for forms and forms
// for JSON. No answer may be a 5xx, a refusal must say why, and a refused
// request must leave every table as it was. The seed is printed; replay a
// failure with SECURITY_SEED=<seed>.

// The webhook checks signatures only when a secret is configured; read once when the build loads.
const WEBHOOK_SECRET = `whsec_${Buffer.from('wouldmiss fuzzing webhook secret!').toString('base64')}`;
process.env.RESEND_WEBHOOK_SECRET = WEBHOOK_SECRET;

/** Requests per route; with about 25 routes this keeps the file well under a minute per driver. */
const REQUESTS_PER_ROUTE = Number(process.env.SECURITY_FUZZ_REQUESTS ?? 10);

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

/** Forms of routes that render no page of their own: what their callers post. */
const fallbackForms: Record<string, (params: Record<string, string>) => Pairs[]> = {
  '/language': () => [[['locale', 'en'], ['redirectTo', '/app']]],
  '/logout': () => [[]],
  '/app/customers/import/run': (params) => [[['jobId', params.jobId!]]],
  // "Email me this report" is a button on the review; a visit to its own address goes to the review.
  '/app/results/report': () => [[['from', '2026-Q4'], ['to', '2026-Q4']]],
  // The editor shows move and delete buttons only next to custom questions; the standard survey has none.
  '/app/surveys/:surveyId': () => [[['intent', 'up'], ['key', 'q1']], [['intent', 'delete'], ['key', 'q1']]],
  // A reset link whose token is unknown shows no form; this is what its form posts.
  '/password/reset/:token': () => [[['password', 'a new password 123'], ['confirm', 'a new password 123']]],
};

/** Valid bodies of the API and the webhook, the starting points of their mutations. */
const jsonBodies: Record<string, Record<string, unknown>> = {
  '/api/v1/customers': { customers: [{ externalId: 'F-1', email: 'f1@example.com', name: 'Fuzz', locale: 'en' }] },
  '/api/v1/tiers': { period: '2026-Q4', assignments: [{ externalId: 'F-1', tier: 'A', revenue: 10, margin: 1 }] },
  '/api/v1/flags/:flagId/actions': { action: 'contacted', note: 'Called from the CRM' },
  '/webhooks/resend': { type: 'email.delivered', created_at: new Date().toISOString(), data: { email_id: randomUUID(), to: ['x@example.com'] } },
};

interface Outcome {
  route: string;
  what: string;
  status: number;
  changed: string[];
  body: string;
  connection?: string | null;
  /** Bytes sent, where known. */
  size: number | null;
}

function bodySize(body: BodyInit): number | null {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (Buffer.isBuffer(body)) return body.length;
  return null;
}

describe('fuzzing every action and API endpoint', () => {
  it('never answers 5xx, explains refusals, and changes nothing on a refused request', async () => {
    const started = process.cpuUsage();
    const startedAt = Date.now();
    const seed = runSeed('security-fuzz');
    const random = seededRandom(seed);
    const db = database.db;
    const tables = await dataTables(db);

    // A workspace with one of everything a route can name.
    const owner = await createWorkspaceWithOwner(db, 'Fuzz Factory');
    const surveyed = await createSurveyedCustomer(db, owner.workspaceId, 'Fuzzy Customer');
    const draft = await createTestCampaign(db, owner.workspaceId, { name: 'Draft to edit' });
    await invite(db, { workspaceId: owner.workspaceId, email: 'joiner@fuzz.example', role: 'marketing', invitedBy: { id: owner.userId, name: 'O' }, locale: 'en' });
    const message = (await listOutbox(db, { workspaceId: owner.workspaceId }))[0]!;
    const [flag] = await db
      .insert(flags)
      .values({ workspaceId: owner.workspaceId, customerId: surveyed.customer.id, campaignId: surveyed.campaign.id, kind: 'at_risk', severity: 'high', reasons: ['would_not_miss'] })
      .returning();
    const [survey] = await db.select().from(surveys).where(eq(surveys.workspaceId, owner.workspaceId));
    const jobId = await createImportJob(db, { workspaceId: owner.workspaceId, createdBy: owner.userId, fileName: 'fuzz.csv', period: '2026-Q4', tiersBy: 'auto' });
    const surveyWorkspace = await createSurveyWorkspace(db, { name: 'Fuzz Survey' });
    const invited = await inviteCustomer(db, surveyWorkspace, { locale: 'en' });
    const params: Record<string, string> = {
      customerId: surveyed.customer.id,
      campaignId: draft.id,
      messageId: message.id,
      index: '0',
      flagId: flag!.id,
      surveyId: survey!.id,
      key: 'new',
      jobId: String(jobId),
      token: invited.token,
    };
    const joinToken = new URL(message.link!).pathname.split('/').at(-1)!;

    const staff = app.client();
    expect((await staff.login(owner.email, PASSWORD)).status).toBe(302);
    const apiKey = await createKeyThroughPage(staff, 'Fuzz');

    const routes = await buildRoutes();
    const targets: Array<Pick<AppRoute, 'path' | 'isIndex'>> = routes.filter((route) => route.hasAction);
    // The survey is answered by its own handler in front of Remix; it may be missing from the build's list.
    if (!targets.some((route) => route.path === '/s/:token')) targets.push({ path: '/s/:token', isIndex: false });

    // First the forms each route's own page renders (before fuzzing changes any state), so mutations reach the checks behind the first ones.
    const tokenFor = (path: string) => (path.startsWith('/join') ? joinToken : params.token!);
    const formsOf = new Map<string, Pairs[]>();
    const formless: string[] = [];
    for (const target of targets) {
      if (/^\/(api|webhooks)\//.test(target.path)) {
        if (!jsonBodies[target.path]) formless.push(target.path);
        continue;
      }
      const url = actionUrl(target, { ...params, token: tokenFor(target.path) });
      const pagePath = fillPath(target.path, { ...params, token: tokenFor(target.path) });
      const page = await (target.path.startsWith('/app') ? staff : app.client()).get(pagePath, { 'Accept-Language': 'en' });
      const html = page.status === 200 ? await page.text() : '';
      let forms = pageForms(html)
        .filter((form) => !form.action || new URL(form.action, app.base + pagePath).pathname === new URL(url, app.base).pathname)
        .map((form) => form.pairs);
      if (forms.length === 0) forms = fallbackForms[target.path]?.(params) ?? [];
      if (forms.length === 0) formless.push(target.path);
      formsOf.set(target.path, forms);
    }
    expect(formless, 'routes without a form to start from: add a fallback form or JSON body').toEqual([]);

    const outcomes: Outcome[] = [];
    let digest = await tableDigests(db, tables);
    for (const target of targets) {
      const isStaff = target.path.startsWith('/app');
      const machine = /^\/(api|webhooks)\//.test(target.path);
      const url = actionUrl(target, { ...params, token: tokenFor(target.path) });
      const forms = formsOf.get(target.path) ?? [];
      for (let n = 0; n < REQUESTS_PER_ROUTE; n++) {
        const fuzz: FuzzBody = machine ? mutateJson(random, jsonBodies[target.path]!) : mutateForm(random, random.pick(forms));
        const headers: Record<string, string> = { 'Accept-Language': 'en', ...fuzz.headers };
        if (target.path.startsWith('/api/')) headers.Authorization = `Bearer ${apiKey}`;
        // Validly signed bodies (JSON or not) reach the parsing after the signature check.
        else if (target.path.startsWith('/webhooks/') && typeof fuzz.body === 'string' && random.chance(0.7)) {
          const id = `msg_${randomUUID()}`;
          const now = new Date();
          Object.assign(headers, { 'svix-id': id, 'svix-timestamp': String(Math.floor(now.getTime() / 1000)), 'svix-signature': new Webhook(WEBHOOK_SECRET).sign(id, now, fuzz.body) });
        } else if (!machine) headers.Origin = app.base;
        // Staff routes as the signed-in owner (logging out is fuzzed with a session of its own); the rest as a visitor.
        const client: TestClient = isStaff ? staff : app.client();
        if (target.path === '/logout') await client.login(owner.email, PASSWORD);
        // Each request on a connection of its own: answers sent before an oversized body is read close it.
        const answer = await postOnNewConnection(app.base + url, fuzz.body, { ...headers, ...(client.cookieHeader ? { Cookie: client.cookieHeader } : {}) });
        const status = answer.status;
        const body = answer.status === 0 ? (answer.error ?? '') : answer.body;
        const connection = typeof answer.headers.connection === 'string' ? answer.headers.connection : null;
        const after = await tableDigests(db, tables);
        outcomes.push({ route: target.path, what: fuzz.what, status, changed: changedTables(digest, after), body: body.slice(0, 300), size: bodySize(fuzz.body), connection });
        digest = after;
      }
    }

    const serverErrors = outcomes.filter((o) => o.status >= 500);
    // A failed connection is acceptable only where the body was larger than any form or API body may be.
    const resets = outcomes.filter((o) => o.status === 0 && !(o.size !== null && o.size > 64 * 1024));
    // A 413 is sent before the body is read: it must close the connection, which cannot carry another request.
    const keepAlive413 = outcomes.filter((o) => o.status === 413 && o.connection !== 'close');
    const changedOnRefusal = outcomes.filter((o) => (o.status >= 400 || o.status === 0) && o.changed.length > 0);
    const unexplained = outcomes.filter((o) => o.status >= 400 && o.status !== 404 && o.status !== 405 && o.body.trim().length === 0);
    const stackTraces = outcomes.filter((o) => /\n\s+at .+:\d+:\d+/.test(o.body));
    const report = (list: Outcome[]) => list.map((o) => `${o.route} ${o.status} [${o.what}] ${o.changed.join(',')} ${o.body.replace(/\s+/g, ' ').slice(0, 120)}`);
    const cpu = process.cpuUsage(started);
    console.info(
      `[security-fuzz] seed ${seed}: ${outcomes.length} requests to ${targets.length} routes in ${((Date.now() - startedAt) / 1000).toFixed(1)} s ` +
        `(test process CPU ${((cpu.user + cpu.system) / 1000 / outcomes.length).toFixed(1)} ms per request, app and digests included; load ${loadavg()[0]!.toFixed(2)}); ` +
        `statuses ${JSON.stringify(countBy(outcomes.map((o) => o.status)))}`,
    );
    expect(report(serverErrors), `seed ${seed}`).toEqual([]);
    expect(report(resets), `seed ${seed}`).toEqual([]);
    expect(report(keepAlive413), `seed ${seed}`).toEqual([]);
    expect(report(changedOnRefusal), `seed ${seed}`).toEqual([]);
    expect(report(unexplained), `seed ${seed}`).toEqual([]);
    expect(report(stackTraces), `seed ${seed}`).toEqual([]);
    // The fuzzing reached the routes: most answers are refusals, and every route was tried.
    expect(new Set(outcomes.map((o) => o.route)).size).toBe(targets.length);
    expect(outcomes.filter((o) => o.status >= 400 && o.status < 500).length).toBeGreaterThan(outcomes.length / 3);
  }, 240_000);
});

describe('redirect targets', () => {
  it('never leave the site or break the Location header', async () => {
    for (const redirectTo of ['/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', '/ /evil.example', '/\\evil.example', '//evil.example', '/app/🙂', '/app/\ufffd']) {
      const response = await app.client().post('/language', { locale: 'en', redirectTo });
      expect(response.status, JSON.stringify(redirectTo)).toBe(302);
      expect(response.headers.get('Location'), JSON.stringify(redirectTo)).toBe('/');
    }
    const owner = await createWorkspaceWithOwner(database.db, 'Redirect Targets');
    for (const redirectTo of ['/\t/evil.example', '/\n/evil.example', '/app/🙂']) {
      const login = await app.client().post('/login', { email: owner.email, password: PASSWORD, redirectTo });
      expect(login.status, JSON.stringify(redirectTo)).toBe(302);
      expect(login.headers.get('Location'), JSON.stringify(redirectTo)).toBe('/app');
    }
    const back = await app.client().post('/language', { locale: 'de', redirectTo: '/app/customers?q=M%C3%BCller' });
    expect(back.headers.get('Location')).toBe('/app/customers?q=M%C3%BCller');
  });
});

function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
