import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyThroughPage } from '../support/api-keys';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createSurveyedCustomer, createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { flags } from '../../db/schema';
import { contract, type OpenApiDoc } from '../support/openapi';
import { buildRoutes } from '../support/security';

// The served OpenAPI document against the build and the endpoints' behaviour:
// every /api/v1 route is documented with the methods it takes, every
// documented operation exists, and examples and answers match the schemas.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let doc: OpenApiDoc;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
  doc = (await (await fetch(`${app.base}/api/v1/openapi.json`)).json()) as OpenApiDoc;
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

const documentedPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const samplePath = (path: string) => path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document served without a key, whose schemas compile', async () => {
    const response = await fetch(`${app.base}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('application/json');
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(3);
    contract(doc).compileAll();
  });

  it('documents every /api/v1 route of the build with the methods it takes, and nothing else', async () => {
    const routes = (await buildRoutes()).filter((route) => route.path.startsWith('/api/v1/'));
    expect(routes.map((route) => documentedPath(route.path)).sort()).toEqual(Object.keys(doc.paths).sort());
    for (const route of routes) {
      const path = documentedPath(route.path);
      const taken: string[] = [];
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        const response = await fetch(app.base + samplePath(path), { method, headers: method === 'GET' ? {} : { 'Content-Type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
        await response.arrayBuffer();
        if (response.status !== 405) taken.push(method.toLowerCase());
      }
      expect(taken, `${route.path}: methods answered other than 405`).toEqual(Object.keys(doc.paths[path]!).sort());
    }
  });
});

describe('the examples of the document', () => {
  it('match their request schema, are accepted, and the answers match the response schema', async () => {
    const check = contract(doc);
    const owner = await createWorkspaceWithOwner(database.db, 'Contract GmbH');
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    const key = await createKeyThroughPage(client, 'Contract');
    // Examples on one flag use this one.
    const surveyed = await createSurveyedCustomer(database.db, owner.workspaceId, 'Contract Customer');
    const [flag] = await database.db
      .insert(flags)
      .values({ workspaceId: owner.workspaceId, customerId: surveyed.customer.id, campaignId: surveyed.campaign.id, kind: 'at_risk', severity: 'high', reasons: ['would_not_miss'] })
      .returning();
    const examples = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) => {
        const content = op.requestBody?.content['application/json'];
        return content?.example === undefined ? [] : [{ path, method, example: content.example }];
      }),
    );
    expect(examples.length).toBeGreaterThanOrEqual(2);
    // Customers first: the other examples name the customer its example creates.
    examples.sort((a, b) => Number(b.path === '/api/v1/customers') - Number(a.path === '/api/v1/customers'));
    for (const { path, method, example } of examples) {
      check.request(method, path, example);
      const response = await fetch(app.base + path.replace('{flagId}', flag!.id), { method: method.toUpperCase(), headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(example) });
      expect(response.status, `${method} ${path}`).toBe(200);
      await check.response(method, path, response);
    }
  });

  it('describes refusals as they are answered', async () => {
    const check = contract(doc);
    const anonymous = await fetch(`${app.base}/api/v1/customers`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    await check.response('post', '/api/v1/customers', anonymous);
  });
});
