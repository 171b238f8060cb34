import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTiersFromApi, upsertCustomersFromApi } from '../../app/customers/api-sync.server';
import { claimDueDeliveries, replayDelivery, signedHeaders, type DeliveryPolicy } from '../../app/webhooks/deliveries.server';
import { checkEndpointTarget, createEndpoint, setEndpointEnabled } from '../../app/webhooks/endpoints.server';
import { webhookPayload } from '../../app/webhooks/events';
import { postWebhook } from '../../app/webhooks/outbound.server';
import { WebhookSender } from '../../app/webhooks/sender.server';
import { emailMessages, webhookDeliveries, webhookEndpoints, type WebhookEventType } from '../../db/schema';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner } from '../support/fixtures';
import { startWebhookReceiver } from '../support/webhook-receiver';

// Webhooks as a receiver sees them: a real local HTTP server checks each
// signature with the reference library; the queue's timings are shortened
// through the sender's policy, never by waiting real minutes.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const db = () => database.db;

/** Short timings; a local receiver needs WEBHOOK_ALLOW_PRIVATE's permission. */
const fast: Partial<DeliveryPolicy> & { allowPrivate: boolean } = {
  allowPrivate: true,
  timeoutMs: 500,
  leaseMs: 2_000,
  retryBaseMs: 20,
  retryMaxMs: 100,
  retryWindowMs: 60_000,
  disableAfterMs: 3600_000,
  disableAfterFailures: 1000,
};

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.dispose();
});
afterEach(async () => {
  await receiver?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the sender until `done` holds (at most 15 s). */
async function runUntil(sender: WebhookSender, done: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + 15_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('the sender did not get there in 15 s');
    if (!(await sender.step())) await sleep(25);
  }
}

async function setup(name: string, events: WebhookEventType[] = ['customer.tier_changed']) {
  const owner = await createWorkspaceWithOwner(db(), name);
  receiver = await startWebhookReceiver();
  const created = await createEndpoint(db(), { workspaceId: owner.workspaceId, url: `${receiver.url}/hooks/wouldmiss`, events, createdBy: owner.userId });
  if (!created.ok) throw new Error('endpoint refused');
  receiver.useSecret(created.secret);
  const customers = async (...ids: string[]) => {
    const result = await upsertCustomersFromApi(db(), owner.workspaceId, { customers: ids.map((externalId) => ({ externalId, email: `${externalId.toLowerCase()}@customer.example` })) });
    expect(result.created + result.updated).toBe(ids.length);
  };
  const tier = async (externalId: string, label: string, period = '2026-Q4') => {
    expect(await setTiersFromApi(db(), owner.workspaceId, { period, assignments: [{ externalId, tier: label }] })).toMatchObject({ ok: true });
  };
  const deliveries = () => db().select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, created.id)).orderBy(webhookDeliveries.seq);
  return { owner, endpointId: created.id, secret: created.secret, customers, tier, deliveries };
}

function payloadsOf(received: Array<{ payload: unknown }>) {
  return received.map((request) => webhookPayload.parse(request.payload));
}

describe('a delivery', () => {
  it('is signed so that the reference library verifies it, and carries the payload the document describes and nothing personal', async () => {
    const { customers, tier, deliveries, secret } = await setup('Signed GmbH');
    await customers('W-1');
    await tier('W-1', 'A');
    const sender = new WebhookSender(db(), fast);
    await runUntil(sender, () => receiver.received.length === 1);
    const [request] = receiver.received;
    expect(request!.verified).toBe(true);
    const [payload] = payloadsOf(receiver.received);
    expect(payload).toMatchObject({ type: 'customer.tier_changed', data: { customer: { externalId: 'W-1' }, period: '2026-Q4', tier: 'A', previousTier: null, source: 'api' } });
    expect(request!.body).not.toContain('customer.example');
    const [row] = await deliveries();
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, eventId: request!.id });
    expect(row!.eventId).toMatch(/^evt_[0-9a-f]{32}$/);
    // A forged or stale signature is refused by the same library.
    const forged = signedHeaders('whsec_' + Buffer.from('another secret of 32 bytes......').toString('base64'), row!.eventId, request!.body);
    const { Webhook } = await import('standardwebhooks');
    expect(() => new Webhook(secret).verify(request!.body, forged)).toThrow();
    expect(() => new Webhook(secret).verify(request!.body, signedHeaders(secret, row!.eventId, request!.body, new Date(Date.now() - 3600_000)))).toThrow();
  });

  it('is retried after a 500 and after a timeout, with the same event id every time', async () => {
    const { customers, tier, deliveries } = await setup('Retry GmbH');
    await customers('R-1');
    await tier('R-1', 'B');
    receiver.plan.push(500, 'hang');
    const sender = new WebhookSender(db(), fast);
    await runUntil(sender, async () => (await deliveries())[0]?.status === 'delivered');
    expect(receiver.received.map((request) => request.status)).toEqual([500, 0, 200]);
    expect(new Set(receiver.ids()).size).toBe(1);
    expect(receiver.received.every((request) => request.verified)).toBe(true);
    const [row] = await deliveries();
    expect(row).toMatchObject({ attempts: 3, lastStatusCode: 200, eventId: receiver.ids()[0] });
    const [endpoint] = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row!.endpointId));
    expect(endpoint).toMatchObject({ enabled: true, consecutiveFailures: 0, failingSince: null });
  });

  it('claimed by a process that died is taken over when the lease runs out and sent with the same event id', async () => {
    const { customers, tier, deliveries } = await setup('Crash GmbH');
    await customers('C-1');
    await tier('C-1', 'A');
    // The process that dies: it claims, even sends, but never records the answer.
    const [claimed] = await claimDueDeliveries(db(), { limit: 10, leaseMs: 400 });
    expect(claimed).toBeDefined();
    const body = JSON.stringify(claimed!.payload);
    expect((await postWebhook(new URL(claimed!.url), body, signedHeaders(claimed!.secret, claimed!.eventId, body), { allowPrivate: true })).ok).toBe(true);
    const sender = new WebhookSender(db(), fast);
    // While the lease holds, nobody else sends it.
    expect(await sender.step()).toBe(false);
    expect(receiver.received).toHaveLength(1);
    await sleep(450);
    await runUntil(sender, async () => (await deliveries())[0]?.status === 'delivered');
    // At least once, and a receiver that keys on webhook-id sees one event.
    expect(receiver.ids()).toEqual([claimed!.eventId, claimed!.eventId]);
    expect((await deliveries())[0]).toMatchObject({ attempts: 2, status: 'delivered' });
  });

  it("waits while an earlier event of the same customer is pending; other customers' events go ahead", async () => {
    const { customers, tier, deliveries } = await setup('Order GmbH');
    await customers('O-1', 'O-2');
    await tier('O-1', 'A');
    await tier('O-2', 'A');
    await tier('O-1', 'C');
    const [first, other, later] = await deliveries();
    let failures = 0;
    // The first event of O-1 fails twice before it gets through.
    receiver.decideBy((body) => (body.includes('"O-1"') && body.includes('"previousTier":null') && failures++ < 2 ? 500 : undefined));
    const sender = new WebhookSender(db(), { ...fast, retryBaseMs: 150, retryMaxMs: 150 });
    await runUntil(sender, async () => (await deliveries()).every((row) => row.status === 'delivered'));
    const log = receiver.received.map((request) => `${request.id}:${request.status}`);
    const firstDone = log.indexOf(`${first!.eventId}:200`);
    expect(log.indexOf(`${other!.eventId}:200`)).toBeLessThan(firstDone);
    expect(log.findIndex((entry) => entry.startsWith(later!.eventId))).toBeGreaterThan(firstDone);
    expect(payloadsOf(receiver.received.filter((request) => request.status === 200)).map((payload) => payload.type === 'customer.tier_changed' && `${payload.data.customer.externalId}:${payload.data.tier}`)).toEqual(
      expect.arrayContaining(['O-1:A', 'O-2:A', 'O-1:C']),
    );
  });

  it('can be sent again by the owner (replay): a new delivery with the same event id', async () => {
    const { owner, customers, tier, deliveries } = await setup('Replay GmbH');
    await customers('P-1');
    await tier('P-1', 'A');
    const sender = new WebhookSender(db(), fast);
    await runUntil(sender, () => receiver.received.length === 1);
    const [original] = await deliveries();
    expect(await replayDelivery(db(), '00000000-0000-4000-8000-000000000000', original!.id)).toBeNull();
    const replay = await replayDelivery(db(), owner.workspaceId, original!.id);
    expect(replay).not.toBeNull();
    // A pending delivery is not replayed: it is on its way.
    expect(await replayDelivery(db(), owner.workspaceId, replay!.id)).toBeNull();
    await runUntil(sender, () => receiver.received.length === 2);
    expect(receiver.ids()).toEqual([original!.eventId, original!.eventId]);
    expect(receiver.received[1]!.verified).toBe(true);
    expect((await deliveries()).map((row) => [row.status, row.replayOf])).toEqual([
      ['delivered', null],
      ['delivered', original!.id],
    ]);
  });
});

describe('an endpoint that keeps failing', () => {
  it('is disabled and its owners are emailed; it takes no new events until an owner enables it again, and then catches up', async () => {
    const { owner, endpointId, customers, tier, deliveries } = await setup('Failing GmbH');
    await customers('F-1');
    await tier('F-1', 'A');
    receiver.decideBy(() => 503);
    const sender = new WebhookSender(db(), { ...fast, disableAfterFailures: 3, disableAfterMs: 0 });
    const endpoint = async () => (await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)))[0]!;
    await runUntil(sender, async () => !(await endpoint()).enabled);
    expect(receiver.received).toHaveLength(3);
    expect(await endpoint()).toMatchObject({ enabled: false, consecutiveFailures: 3 });
    const emails = await db().select().from(emailMessages).where(and(eq(emailMessages.workspaceId, owner.workspaceId), eq(emailMessages.kind, 'webhook_disabled')));
    expect(emails.map((email) => email.toAddress)).toEqual([owner.email]);
    expect(emails[0]!.subject).toContain(`${receiver.url}/hooks/wouldmiss`);
    expect(emails[0]!.text).toContain('503');
    expect(emails[0]!.link).toMatch(/\/app\/settings\/webhooks$/);

    // Disabled: the pending delivery waits, a new event is not queued for it.
    await tier('F-1', 'B');
    expect(await sender.step()).toBe(false);
    expect((await deliveries()).map((row) => row.status)).toEqual(['pending']);

    receiver.decideBy(null);
    expect(await setEndpointEnabled(db(), { workspaceId: owner.workspaceId, endpointId, enabled: true, actorUserId: owner.userId })).toBe(true);
    await runUntil(sender, async () => (await deliveries())[0]?.status === 'delivered');
    expect(receiver.received.at(-1)!.status).toBe(200);
  });

  it('gives a delivery up once the retry window has passed', async () => {
    const { customers, tier, deliveries } = await setup('Give Up GmbH');
    await customers('G-1');
    await tier('G-1', 'A');
    receiver.decideBy(() => 500);
    const sender = new WebhookSender(db(), { ...fast, retryWindowMs: 0 });
    await runUntil(sender, async () => (await deliveries())[0]?.status === 'failed');
    expect(receiver.received).toHaveLength(1);
    expect((await deliveries())[0]).toMatchObject({ lastStatusCode: 500, lastError: 'answered 500' });
  });
});

describe('outbound requests', () => {
  it('refuse non-https URLs and private, loopback, link-local and IPv4-mapped targets', async () => {
    const strict = { allowPrivate: false, allowHttpLocalhost: false };
    for (const [url, problem] of [
      ['http://example.com/hook', 'scheme'],
      ['http://localhost:4000/hook', 'scheme'],
      ['https://127.0.0.1/hook', 'private_address'],
      ['https://localhost/hook', 'private_address'],
      ['https://[::1]/hook', 'private_address'],
      ['https://169.254.169.254/latest/meta-data', 'private_address'],
      ['https://10.1.2.3/hook', 'private_address'],
      ['https://192.168.0.10/hook', 'private_address'],
      ['https://[::ffff:127.0.0.1]/hook', 'private_address'],
      ['https://[::ffff:a9fe:a9fe]/hook', 'private_address'],
      ['https://[fe80::1]/hook', 'private_address'],
      ['https://name.invalid/hook', 'unresolvable'],
    ] as const) {
      expect(await checkEndpointTarget(url, strict), url).toMatchObject({ ok: false, problem });
    }
    expect(await checkEndpointTarget('https://127.0.0.1:8443/hook', { allowPrivate: true, allowHttpLocalhost: false })).toEqual({ ok: true, url: 'https://127.0.0.1:8443/hook' });
    expect(await checkEndpointTarget('http://localhost:4000/hook', { allowPrivate: true, allowHttpLocalhost: true })).toEqual({ ok: true, url: 'http://localhost:4000/hook' });
  });

  it('never connect to a private address, also when the endpoint was registered while they were allowed', async () => {
    const { customers, tier, deliveries } = await setup('Private GmbH');
    expect(await postWebhook(new URL(`${receiver.url}/x`), '{}', {}, { allowPrivate: false })).toMatchObject({ ok: false, error: 'private_address' });
    await customers('V-1');
    await tier('V-1', 'A');
    await new WebhookSender(db(), { ...fast, allowPrivate: false }).step();
    expect(receiver.received).toHaveLength(0);
    expect((await deliveries())[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect((await deliveries())[0]!.lastError).toContain('not a public address');
  });

  it('read at most 64 KB of an answer, stop a slow one at the timeout, and follow no redirect', async () => {
    receiver = await startWebhookReceiver();
    const url = new URL(`${receiver.url}/hook`);
    receiver.plan.push({ status: 200, bodyBytes: 1_000_000 });
    const huge = await postWebhook(url, '{}', {}, { allowPrivate: true });
    expect(huge).toMatchObject({ ok: true, status: 200, bytesRead: 64 * 1024, truncated: true });
    expect(huge.body.length).toBe(64 * 1024);

    receiver.plan.push({ status: 200, trickleMs: 10_000 });
    const slow = await postWebhook(url, '{}', {}, { allowPrivate: true, timeoutMs: 400 });
    expect(slow).toMatchObject({ ok: true, status: 200, truncated: true });
    expect(slow.durationMs).toBeLessThan(3_000);

    receiver.plan.push('hang');
    const hanging = await postWebhook(url, '{}', {}, { allowPrivate: true, timeoutMs: 400 });
    expect(hanging).toMatchObject({ ok: false, error: 'timeout', status: null });
    expect(hanging.durationMs).toBeLessThan(3_000);

    receiver.plan.push(302);
    expect(await postWebhook(url, '{}', {}, { allowPrivate: true })).toMatchObject({ ok: false, error: 'redirect', status: 302 });
    expect(receiver.received).toHaveLength(4);
  });
});
