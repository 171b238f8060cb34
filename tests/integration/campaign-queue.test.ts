import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../../app/auth/tokens.server';
import { previewAudience } from '../../app/campaigns/audience.server';
import { setContactRule } from '../../app/campaigns/contact-rule.server';
import { audienceSpecOf, campaignProgress, getCampaignDetails } from '../../app/campaigns/campaigns.server';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { composedMessages, getOutboxMessage, listOutbox } from '../../app/email/outbox.server';
import { selectRows } from '../../app/email/sql.server';
import { suppressAddress } from '../../app/email/suppressions.server';
import { campaigns, emailMessages, invitations, suppressions } from '../../db/schema';
import { createCampaignWorkspace, createTestCampaign, scheduleNow, testEmailSettings } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const settings = testEmailSettings();

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

describe('the audience of a campaign', () => {
  it('counts who is invited and why the others are left out', async () => {
    const db = database.db;
    const ws = await createCampaignWorkspace(db, 'Audience GmbH', [
      { tier: 'A', email: 'anna@example.com' },
      { tier: 'A', email: 'ANNA@example.com' }, // the same person twice: invited once
      { tier: 'B', email: null },
      { tier: 'B', email: 'gone@example.com', erased: true },
      { tier: 'C', email: 'stop@example.com' },
      { tier: 'C', email: 'recent@example.com' },
      { tier: 'C', email: 'carl@example.com' },
      { tier: null, email: 'untiered@example.com' },
    ]);
    await suppressAddress(db, ws.workspaceId, 'Stop@Example.com', 'unsubscribed');
    // recent@ was invited by another campaign 10 days ago.
    const earlier = await createTestCampaign(db, ws.workspaceId, { status: 'open', name: 'Earlier' });
    const [recent] = await selectRows<{ id: string }>(db, sql`select id from customers where email = 'recent@example.com'`);
    await db.insert(invitations).values({ workspaceId: ws.workspaceId, campaignId: earlier.id, customerId: recent!.id, tokenHash: 'x'.repeat(64), sentAt: new Date(Date.now() - 10 * 86_400_000) });

    const all = await createTestCampaign(db, ws.workspaceId);
    const preview = await previewAudience(db, await audienceSpecOf(db, all));
    expect(preview).toEqual({
      total: 8,
      eligible: 3,
      excluded: { erased: 1, no_email: 1, suppressed: 1, cooldown: 1, duplicate_email: 1 },
      // recent@ was invited this quarter, but the cooldown leaves it out: none of the eligible ones was.
      invitedThisPeriod: 0,
    });

    const tierC = await createTestCampaign(db, ws.workspaceId, { audienceTierIds: [ws.tierId.get('C')!] });
    expect(await previewAudience(db, await audienceSpecOf(db, tierC))).toMatchObject({ total: 3, eligible: 1 });

    // A shorter wait on the campaign does not undercut the workspace's contact rule; a shorter rule lets recent@ in again.
    const short = await createTestCampaign(db, ws.workspaceId, { audienceTierIds: [ws.tierId.get('C')!], cooldownDays: 7 });
    expect(await previewAudience(db, await audienceSpecOf(db, short))).toMatchObject({ total: 3, eligible: 1 });
    await setContactRule(db, ws.workspaceId, ws.userId, 7);
    expect(await previewAudience(db, await audienceSpecOf(db, short))).toMatchObject({ total: 3, eligible: 2 });
    // A longer wait on the campaign holds for it: recent@ was invited 10 days ago.
    const long = await createTestCampaign(db, ws.workspaceId, { audienceTierIds: [ws.tierId.get('C')!], cooldownDays: 30 });
    expect(await previewAudience(db, await audienceSpecOf(db, long))).toMatchObject({ total: 3, eligible: 1 });
  });
});

describe('launching a campaign', () => {
  it('creates one invitation and one rendered message per customer, with the token only in the message', async () => {
    const db = database.db;
    const ws = await createCampaignWorkspace(db, 'Launch & Co <KG>', [
      { tier: 'A', name: 'Zoë <script>alert(1)</script> & Partner', locale: 'en', email: 'zoe@example.com' },
      { tier: 'C', name: null, locale: 'de', email: 'nameless@example.com' },
      { tier: 'B', name: 'Jürgen Müller', locale: 'de', email: 'juergen@example.com' },
    ]);
    const campaign = await createTestCampaign(db, ws.workspaceId, { senderName: 'Petra from Launch' });
    await scheduleNow(db, campaign.id);
    expect(await launchCampaign(db, campaign.id, settings)).toEqual({ launched: true, invited: 3 });
    // Taken once: a second launch (another process, a repeated tick) finds nothing to do.
    expect(await launchCampaign(db, campaign.id, settings)).toEqual({ launched: false, invited: 0 });

    const rows = await db.select().from(invitations).where(eq(invitations.campaignId, campaign.id));
    expect(rows).toHaveLength(3);
    const messages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    expect(messages).toHaveLength(3);
    for (const message of messages) {
      expect(message.status).toBe('queued');
      expect(message.idempotencyKey).toBe(`invitation:${message.invitationId}`);
      const token = /\/s\/([A-Za-z0-9_-]+)$/.exec(message.link!)![1]!;
      expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
      expect(rows.find((row) => row.id === message.invitationId)!.tokenHash).toBe(tokenHash(token));
      expect(JSON.stringify(rows)).not.toContain(token);
    }

    const zoe = messages.find((m) => m.toAddress === 'zoe@example.com')!;
    const shown = (await getOutboxMessage(db, ws.workspaceId, zoe.id))!;
    const token = zoe.link!.split('/s/')[1]!;
    expect(shown.subject).toBe('Launch & Co <KG>: would you miss us?');
    expect(shown.fromAddress).toBe('Petra from Launch <surveys@wouldmiss.example>');
    expect(shown.html).toContain('Dear Zoë &lt;script&gt;alert(1)&lt;/script&gt; &amp; Partner,');
    expect(shown.html).not.toContain('<script>');
    for (const answer of ['very', 'somewhat', 'not']) expect(shown.html).toContain(`href="https://surveys.example.com/s/${token}?answer=${answer}"`);
    expect(shown.html).toContain('Very disappointed');
    expect(shown.text).toContain('Dear Zoë <script>alert(1)</script> & Partner,');
    expect(shown.text).toContain(`https://surveys.example.com/s/${token}?answer=somewhat`);
    expect(shown.headers).toEqual({
      'List-Unsubscribe': `<https://surveys.example.com/u/${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(shown.html).not.toMatch(/%%WM_/);
    for (const tier of ['Tier', 'Stufe', ' A-', 'tier']) expect(shown.html).not.toContain(tier);

    expect((await composedMessages(db, [zoe.id])).get(zoe.id)).toEqual({ subject: shown.subject, html: shown.html, text: shown.text });

    const nameless = messages.find((m) => m.toAddress === 'nameless@example.com')!;
    const german = (await getOutboxMessage(db, ws.workspaceId, nameless.id))!;
    expect(german.subject).toBe('Launch & Co <KG>: Würden Sie uns vermissen?');
    expect(german.text).toContain('Guten Tag,');
    expect(german.text).toContain('Sehr enttäuscht');
  });

  it('resumes a launch whose process died, inviting only those not invited yet', async () => {
    const db = database.db;
    const ws = await createCampaignWorkspace(db, 'Resume GmbH', [
      { email: 'one@example.com' },
      { email: 'two@example.com' },
      { email: 'three@example.com' },
      { email: 'late@example.com' },
    ]);
    // The first run got as far as three customers (late@ was not reached).
    await suppressAddress(db, ws.workspaceId, 'late@example.com', 'manual');
    const campaign = await createTestCampaign(db, ws.workspaceId);
    await scheduleNow(db, campaign.id);
    await launchCampaign(db, campaign.id, settings);
    await db.delete(suppressions).where(eq(suppressions.email, 'late@example.com'));
    const interrupted = { status: 'sending' as const, invitationsQueuedAt: null };
    await db.update(campaigns).set({ ...interrupted, launchLockedUntil: new Date(Date.now() + 60_000) }).where(eq(campaigns.id, campaign.id));
    await campaignTick(db, settings); // the lease still holds: another process is at work
    expect(await db.select().from(invitations).where(eq(invitations.campaignId, campaign.id))).toHaveLength(3);

    await db.update(campaigns).set({ ...interrupted, launchLockedUntil: new Date(Date.now() - 1000) }).where(eq(campaigns.id, campaign.id));
    await campaignTick(db, settings);
    const messages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    expect(messages.map((m) => m.toAddress).sort()).toEqual(['late@example.com', 'one@example.com', 'three@example.com', 'two@example.com']);
    expect(await db.select().from(invitations).where(eq(invitations.campaignId, campaign.id))).toHaveLength(4);
    expect((await getCampaignDetails(db, ws.workspaceId, campaign.id))!.invitationsQueuedAt).toBeInstanceOf(Date);
  });

  it('delivers to the outbox, moves the campaign to open and shows the counts', async () => {
    const db = database.db;
    const ws = await createCampaignWorkspace(db, 'Outbox AG', 250);
    const campaign = await createTestCampaign(db, ws.workspaceId);
    await scheduleNow(db, campaign.id);
    await campaignTick(db, settings);
    expect((await getCampaignDetails(db, ws.workspaceId, campaign.id))!.status).toBe('sending');
    expect((await campaignProgress(db, campaign.id)).queue.invitation.queued).toBe(250);

    const dispatcher = new Dispatcher({ db, settings, tick: (d) => campaignTick(d, settings) });
    await dispatcher.drain();
    await campaignTick(db, settings);
    const progress = await campaignProgress(db, campaign.id);
    expect(progress.queue.invitation).toMatchObject({ queued: 0, sending: 0, sent: 250 });
    expect(progress.funnel).toMatchObject({ invited: 250, sent: 250, delivered: 250, opened: 0, started: 0 });
    expect((await getCampaignDetails(db, ws.workspaceId, campaign.id))!.status).toBe('open');
    const outbox = await listOutbox(db, { workspaceId: ws.workspaceId, campaignId: campaign.id, limit: 500 });
    expect(outbox).toHaveLength(250);
    expect(outbox.every((entry) => entry.kind === 'invitation' && entry.link?.startsWith('https://surveys.example.com/s/'))).toBe(true);
  });

  it('does not send to an address suppressed after queueing, and closes at the close date', async () => {
    const db = database.db;
    const ws = await createCampaignWorkspace(db, 'Late Stop GmbH', [{ email: 'late@example.com' }, { email: 'keen@example.com' }]);
    const campaign = await createTestCampaign(db, ws.workspaceId);
    await scheduleNow(db, campaign.id);
    await launchCampaign(db, campaign.id, settings);
    await db.insert(suppressions).values({ workspaceId: ws.workspaceId, email: 'late@example.com', reason: 'bounced' });
    await new Dispatcher({ db, settings }).drain();
    const messages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    expect(Object.fromEntries(messages.map((m) => [m.toAddress, m.status]))).toEqual({ 'late@example.com': 'cancelled', 'keen@example.com': 'sent' });
    const [late] = await db.select().from(invitations).where(eq(invitations.id, messages.find((m) => m.toAddress === 'late@example.com')!.invitationId!));
    expect(late!.status).toBe('suppressed');

    await db.update(campaigns).set({ closesAt: new Date(Date.now() - 1000) }).where(eq(campaigns.id, campaign.id));
    await campaignTick(db, settings);
    expect((await getCampaignDetails(db, ws.workspaceId, campaign.id))!.status).toBe('closed');
  });
});
