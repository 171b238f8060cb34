import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { queueEmail } from '../../app/email/outbox.server';
import { batchIdempotencyKey } from '../../app/email/queue.server';
import { emailBatches, emailMessages, invitations } from '../../db/schema';
import TeamInvitationEmail from '../../emails/team-invitation';
import { createCampaignWorkspace, createTestCampaign, resendSettings, scheduleNow } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { startResendMock, type ResendMock } from '../support/resend-mock';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let mock: ResendMock;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());
afterEach(async () => {
  await mock?.close();
});

/** A launched campaign of `customers` customers whose invitations wait for Resend. */
async function queuedCampaign(name: string, customers: number) {
  const db = database.db;
  const ws = await createCampaignWorkspace(db, name, customers);
  const campaign = await createTestCampaign(db, ws.workspaceId);
  await scheduleNow(db, campaign.id);
  await launchCampaign(db, campaign.id, resendSettings(mock));
  const messages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
  return { ws, campaign, addresses: messages.map((m) => m.toAddress) };
}

function expectEachOnce(addresses: string[]) {
  const counts = mock.countsByRecipient();
  for (const address of addresses) expect(counts.get(address), address).toBe(1);
}

describe('sending through Resend', () => {
  it('sends batches of at most 100 through the batch API, each request valid per resend.yaml', async () => {
    mock = await startResendMock();
    const { campaign, addresses } = await queuedCampaign('Batch GmbH', 250);
    await new Dispatcher({ db: database.db, settings: resendSettings(mock) }).drain();

    expect(mock.violations).toEqual([]);
    expect(mock.requests.map((r) => [r.path, r.size, r.status])).toEqual([
      ['/emails/batch', 100, 200],
      ['/emails/batch', 100, 200],
      ['/emails/batch', 50, 200],
    ]);
    expectEachOnce(addresses);
    const delivery = mock.deliveries[0]!;
    expect(delivery.headers).toMatchObject({ 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(delivery.headers!['List-Unsubscribe']).toMatch(/^<https:\/\/surveys\.example\.com\/u\/[A-Za-z0-9_-]{43}>$/);
    expect(delivery.html).toContain('?answer=very');
    expect(delivery.text).toContain('?answer=not');

    const messages = await database.db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    const providerIds = new Set(mock.deliveries.map((d) => d.id));
    expect(messages.every((m) => m.status === 'sent' && providerIds.has(m.providerId!))).toBe(true);
    const rows = await database.db.select().from(invitations).where(eq(invitations.campaignId, campaign.id));
    expect(rows.every((row) => row.status === 'sent' && row.sentAt)).toBe(true);
  });

  it('retries 429 and 500 with the same idempotency key, so nobody gets a message twice', async () => {
    mock = await startResendMock({
      plan: (n) => {
        if (n === 1) return { status: 429, retryAfter: 0 };
        if (n === 2) return { status: 500 };
        // Accepted, but the answer is lost: the retry must be answered from the idempotency record.
        if (n === 4) return { status: 500, afterAccept: true };
        return undefined;
      },
    });
    const { addresses } = await queuedCampaign('Flaky Provider KG', 150);
    await new Dispatcher({ db: database.db, settings: resendSettings(mock), retryBaseMs: 20, lanes: 1 }).drain();

    expect(mock.violations).toEqual([]);
    expectEachOnce(addresses);
    expect(mock.replays).toBe(1);
    const statuses = mock.requests.map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 500)).toHaveLength(2);
    // Each batch kept its key across attempts: two batches, two keys.
    expect(new Set(mock.requests.map((r) => r.idempotencyKey)).size).toBe(2);
    const batches = await database.db.select().from(emailBatches);
    expect(batches.filter((b) => b.status !== 'sent')).toEqual([]);
    // The key the claim computes in SQL is the one its members' keys give.
    for (const batch of batches) {
      const members = await database.db.select().from(emailMessages).where(eq(emailMessages.batchId, batch.id));
      expect(batch.idempotencyKey).toBe(batchIdempotencyKey(members.map((m) => m.idempotencyKey)));
      expect(members).toHaveLength(batch.messageCount);
    }
  });

  it('marks messages failed on an error that a retry cannot fix', async () => {
    mock = await startResendMock();
    const { campaign } = await queuedCampaign('Wrong Key AG', 3);
    const settings = resendSettings({ url: mock.url, apiKey: 're_not_the_right_key' });
    await new Dispatcher({ db: database.db, settings }).drain();
    expect(mock.deliveries).toHaveLength(0);
    expect(mock.requests).toHaveLength(1);
    const messages = await database.db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    expect(messages.map((m) => m.status)).toEqual(['failed', 'failed', 'failed']);
    expect(messages[0]!.lastError).toContain('missing_api_key');
    const rows = await database.db.select().from(invitations).where(eq(invitations.campaignId, campaign.id));
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
  });

  it('repeats the batch of a process that died after sending, and the provider delivers it once', async () => {
    mock = await startResendMock();
    const { addresses } = await queuedCampaign('Crashing Worker GmbH', 120);
    const settings = resendSettings(mock, { leaseSeconds: 1 });
    const crashing = new Dispatcher({
      db: database.db,
      settings,
      afterSend: () => {
        throw new Error('simulated crash between the answer and recording it');
      },
    });
    await expect(crashing.step()).rejects.toThrow('simulated crash');
    expect(mock.deliveries).toHaveLength(100);

    // Another process takes over once the lease has run out.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await new Dispatcher({ db: database.db, settings }).drain();
    expect(mock.violations).toEqual([]);
    expect(mock.replays).toBe(1);
    expectEachOnce(addresses);
    expect(mock.deliveries).toHaveLength(120);
  });

  it('keeps to the send rate across processes', async () => {
    mock = await startResendMock();
    await queuedCampaign('Slow Lane GmbH', 110);
    const settings = resendSettings(mock, { ratePerSecond: 5 });
    const one = new Dispatcher({ db: database.db, settings, batchSize: 10, lanes: 2 });
    const two = new Dispatcher({ db: database.db, settings, batchSize: 10, lanes: 2 });
    const started = Date.now();
    await Promise.all([one.drain(), two.drain()]);
    expect(mock.requests).toHaveLength(11);
    // Slots are 200 ms apart; timers may fire a little late on a busy machine, so
    // requests are counted per second rather than gaps measured to the millisecond.
    const times = mock.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2000 - 100);
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(6);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('after a 429 holds every process back, giving a batch back rather than waiting past its lease', async () => {
    mock = await startResendMock({ plan: (n) => (n === 1 ? { status: 429, retryAfter: 5 } : undefined) });
    await queuedCampaign('Paused Provider GmbH', 20);
    const settings = resendSettings(mock, { leaseSeconds: 3, ratePerSecond: 10 });
    const dispatcher = new Dispatcher({ db: database.db, settings, batchSize: 10, retryBaseMs: 10 });
    expect(await dispatcher.step()).toBe(true); // 429: the provider asks for 5 s of quiet
    expect(await dispatcher.step()).toBe(true); // the next batch is given back unsent
    expect(mock.requests).toHaveLength(1);
    const batches = await database.db.select().from(emailBatches).where(eq(emailBatches.status, 'pending'));
    expect(batches).toHaveLength(2);
    expect(batches.every((b) => b.lockedUntil === null && b.nextAttemptAt.getTime() > Date.now() + 3000)).toBe(true);
    expect(batches.map((b) => b.attempts).sort()).toEqual([0, 1]);
    await database.db.update(emailBatches).set({ nextAttemptAt: new Date() }).where(eq(emailBatches.status, 'pending'));
    await database.db.execute(sql`update email_throttle set next_slot_at = now()`);
    await dispatcher.drain();
    expect(mock.violations).toEqual([]);
    expect(mock.deliveries).toHaveLength(20);
  });

  it('sends other messages (team invitations) through the same queue', async () => {
    mock = await startResendMock();
    const ws = await createCampaignWorkspace(database.db, 'Team Mail GmbH', 0);
    const body = createElement(TeamInvitationEmail, {
      lang: 'en',
      acceptUrl: 'https://surveys.example.com/join/abc',
      texts: { preview: 'p', heading: 'Join', body: 'b', button: 'Accept', expiry: 'e' },
    });
    const email = { kind: 'team_invitation' as const, workspaceId: ws.workspaceId, to: 'new@example.com', subject: 'Join us', body, idempotencyKey: `team-invitation:${ws.workspaceId}` };
    const first = await queueEmail(database.db, email, { transport: 'resend' });
    expect(await queueEmail(database.db, email, { transport: 'resend' })).toEqual({ id: first.id, duplicate: true });
    await new Dispatcher({ db: database.db, settings: resendSettings(mock) }).drain();
    expect(mock.violations).toEqual([]);
    expect(mock.deliveries.map((d) => [d.to, d.subject])).toEqual([[['new@example.com'], 'Join us']]);
  });
});
