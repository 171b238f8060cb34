import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAllQueuedFlags } from '../../app/flags/evaluate.server';
import { webhookPayload, type WebhookPayload } from '../../app/webhooks/events';
import { WebhookSender } from '../../app/webhooks/sender.server';
import { webhookEndpoints } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { marketingClient } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';
import { createSurveyWorkspace, inviteCustomer, postStep } from '../support/survey-fixtures';
import { startWebhookReceiver } from '../support/webhook-receiver';

// From an empty workspace to a CRM that hears of answers and flags: the owner
// registers an endpoint on Settings › Webhooks, customers answer, and a real
// local receiver verifies what arrives with the reference library. The
// receiver is on 127.0.0.1 over http, which this test's configuration allows.
process.env.WEBHOOK_ALLOW_PRIVATE = 'true';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database, { WEBHOOK_ALLOW_PRIVATE: 'true' });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await app.close();
  await database.dispose();
});

const happy: Array<Record<string, string>> = [
  { miss_us: 'very' },
  { miss_most: 'Die schnelle Hilfe', alternative: 'Nichts Vergleichbares' },
  { treat_valued: '5', treat_responsive: '5', treat_equal: '5', treat_promise: '4' },
  { benefit: '5', csat: '5', recommend: '10' },
  { improve: 'Weiter so' },
];
const secondClass: Array<Record<string, string>> = [
  { miss_us: 'not' },
  { miss_most: 'Nichts', alternative: 'Ein anderes Büro' },
  { treat_valued: '2', treat_responsive: '2', treat_equal: '2', treat_promise: '2' },
  { benefit: '2', csat: '2', recommend: '3' },
  { improve: 'Ich fühle mich wie ein Kunde zweiter Klasse.' },
];

async function answer(path: string, steps: Array<Record<string, string>>) {
  const customer = app.client();
  for (const [step, answers] of steps.entries()) expect((await postStep(customer, path, step, answers, { lang: 'de' })).status, `step ${step}`).toBe(303);
}

function post(client: TestClient, form: Array<[string, string]>) {
  return client.request('/app/settings/webhooks', { method: 'POST', body: new URLSearchParams(form), headers: { Origin: client.base, 'Accept-Language': 'en' } });
}

async function send(until: () => boolean) {
  const sender = new WebhookSender(database.db, { allowPrivate: true, timeoutMs: 2000 });
  const deadline = Date.now() + 15_000;
  while (!until()) {
    if (Date.now() > deadline) throw new Error(`only ${receiver.received.length} webhooks arrived`);
    if (!(await sender.step())) await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Settings › Webhooks', () => {
  it('registers an endpoint whose secret is shown once; answers and flags reach it signed; deliveries are listed and can be sent again', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Hook & Partner' });
    const owner = app.client();
    expect((await owner.login(workspace.owner.email, PASSWORD)).status).toBe(302);
    expect(await (await owner.get('/app/settings/webhooks', { 'Accept-Language': 'en' })).text()).toContain('No endpoints yet.');

    const url = `${receiver.url}/crm/wouldmiss`;
    const created = await post(owner, [['intent', 'create'], ['url', url], ['events', 'response.completed'], ['events', 'flag.raised']]);
    expect(created.status).toBe(200);
    expect(created.headers.get('Cache-Control')).toBe('no-store');
    const secret = /value="(whsec_[A-Za-z0-9+/=]+)"/.exec(await created.text())?.[1];
    expect(secret, 'the page shows the secret').toBeDefined();
    receiver.useSecret(secret!);
    const listed = await (await owner.get('/app/settings/webhooks', { 'Accept-Language': 'en' })).text();
    expect(listed).toContain(url);
    expect(listed).not.toContain(secret!);

    const content = await inviteCustomer(database.db, workspace, { externalId: 'CRM-HAPPY' });
    const unhappy = await inviteCustomer(database.db, workspace, { externalId: 'CRM-SAD', tierIndex: 2 });
    await answer(content.path, happy);
    await answer(unhappy.path, secondClass);
    await evaluateAllQueuedFlags(database.db);
    await send(() => receiver.received.length >= 3);

    expect(receiver.received.every((request) => request.verified)).toBe(true);
    const payloads: WebhookPayload[] = receiver.received.map((request) => webhookPayload.parse(request.payload));
    expect(payloads.map((payload) => payload.type).sort()).toEqual(['flag.raised', 'response.completed', 'response.completed']);
    const completed = payloads.filter((payload) => payload.type === 'response.completed');
    expect(completed.map((payload) => payload.data.customer.externalId).sort()).toEqual(['CRM-HAPPY', 'CRM-SAD']);
    expect(completed.find((payload) => payload.data.customer.externalId === 'CRM-HAPPY')).toMatchObject({
      data: { tier: workspace.tiers[0]!.label, answers: { missUs: 'very', treatEqual: 5, recommend: 10, improve: 'Weiter so' } },
    });
    const raised = payloads.find((payload) => payload.type === 'flag.raised');
    expect(raised).toMatchObject({ data: { kind: 'second_class', status: 'open', customer: { externalId: 'CRM-SAD' } } });
    // No survey link, token or customer address ever leaves in a payload.
    for (const request of receiver.received) {
      for (const secretThing of [content.token, unhappy.token, content.customer.email!, unhappy.customer.email!, '/s/']) expect(request.body).not.toContain(secretThing);
    }

    // The page lists each delivery with its answer, and sends one again with the same event id.
    const page = await (await owner.get('/app/settings/webhooks', { 'Accept-Language': 'en' })).text();
    expect(page).toContain('flag.raised');
    expect(page.match(/>delivered</g)?.length).toBe(3);
    const deliveryId = /name="deliveryId" value="([0-9a-f-]{36})"/.exec(page)?.[1];
    const replayed = await post(owner, [['intent', 'replay'], ['deliveryId', deliveryId!]]);
    expect(replayed.status).toBe(200);
    expect(await replayed.text()).toContain('will be sent again with the same event id');
    await send(() => receiver.received.length >= 4);
    expect(receiver.ids().slice(0, 3)).toContain(receiver.ids()[3]);

    // Disabled by hand: nothing more is queued for it.
    const [endpoint] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.workspaceId, workspace.workspaceId));
    expect((await post(owner, [['intent', 'disable'], ['endpointId', endpoint!.id]])).status).toBe(200);
    expect(await (await owner.get('/app/settings/webhooks', { 'Accept-Language': 'en' })).text()).toContain('disabled on');
  });

  it('refuses bad URLs and forms with a message, foreign ids with 404, and marketing members with 403', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Refusal GmbH' });
    const owner = app.client();
    expect((await owner.login(workspace.owner.email, PASSWORD)).status).toBe(302);
    for (const [url, message] of [
      ['http://crm.example.com/hook', 'The address must start with https://'],
      ['javascript:alert(1)', 'The address must start with https://'],
      ['https://user:secret@crm.example.com/hook', 'Leave user name and password out of the URL'],
      ['not a url at all', 'This is not a URL.'],
      ['https://crm.invalid/hook', 'This host name cannot be found.'],
    ]) {
      const refused = await post(owner, [['intent', 'create'], ['url', url!], ['events', 'flag.raised']]);
      expect(refused.status, url).toBe(422);
      expect(await refused.text(), url).toContain(message);
    }
    const noEvents = await post(owner, [['intent', 'create'], ['url', `${receiver.url}/x`]]);
    expect(noEvents.status).toBe(400);
    expect(await noEvents.text()).toContain('Choose at least one event.');
    const unknownEvent = await post(owner, [['intent', 'create'], ['url', `${receiver.url}/x`], ['events', 'customer.deleted']]);
    expect(unknownEvent.status).toBe(400);
    expect((await post(owner, [['intent', 'delete'], ['endpointId', '00000000-0000-4000-8000-000000000000']])).status).toBe(404);
    expect((await post(owner, [['intent', 'replay'], ['deliveryId', 'not-an-id']])).status).toBe(400);
    expect(await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.workspaceId, workspace.workspaceId))).toEqual([]);

    const marketing = await marketingClient(database.db, owner, workspace.workspaceId);
    expect((await marketing.get('/app/settings/webhooks')).status).toBe(403);
    expect((await post(marketing, [['intent', 'create'], ['url', `${receiver.url}/x`], ['events', 'flag.raised']])).status).toBe(403);
  });
});
