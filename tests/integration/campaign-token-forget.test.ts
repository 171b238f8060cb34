import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { campaignTick, closeCampaign } from '../../app/campaigns/lifecycle.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { claimNewBatch, recordBatchSent } from '../../app/email/queue.server';
import { selectRows } from '../../app/email/sql.server';
import { invitationTokenHash } from '../../app/surveys/invitation-token.server';
import { campaigns, emailMessages, invitations } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createCampaignWorkspace, createTestCampaign, letDaysPass, resendSettings, scheduleNow, testEmailSettings } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';
import { startResendMock, type ResendMock } from '../support/resend-mock';

/**
 * Issue 16: a survey email's clear token (in `variables.token` and `link`)
 * is kept only while the campaign is open; the close removes it in the same
 * statement, and a message still in flight loses it when its batch is recorded.
 */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let mock: ResendMock | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const SURVEY_LINK = /https:\/\/surveys\.example\.com\/s\/([A-Za-z0-9_-]{43})/;

/** Every stored message of a campaign, each as the text of its whole row, and how many still hold a clear token. */
async function storedMessages(campaignId: string) {
  const rows = await selectRows<{ row: string; has_token: boolean }>(
    database.db,
    sql`select m::text as row, (m.variables ->> 'token' is not null or m.link is not null) as has_token
      from email_messages m where m.campaign_id = ${campaignId}`,
  );
  return { rows: rows.map((r) => r.row), withToken: rows.filter((r) => r.has_token).length };
}

describe('clear survey tokens after a campaign closes', () => {
  it('reminders before the close carry a working link; closing removes every clear token from the stored messages', async () => {
    const db = database.db;
    mock = await startResendMock();
    const settings = resendSettings(mock);
    const ws = await createCampaignWorkspace(db, 'Token Forget GmbH', [{ email: 'anna@example.com' }, { email: 'ben@example.com', locale: 'de' }]);
    const campaign = await createTestCampaign(db, ws.workspaceId, { reminderDelayDays: 7, maxReminders: 2 });
    await scheduleNow(db, campaign.id);
    await new Dispatcher({ db, settings, tick: (d) => campaignTick(d, settings) }).drain();
    expect(mock.deliveries.map((d) => d.to[0]).sort()).toEqual(['anna@example.com', 'ben@example.com']);

    await letDaysPass(db, campaign.id, 7);
    await campaignTick(db, settings);
    await new Dispatcher({ db, settings }).drain();
    const reminders = await db.select().from(emailMessages).where(eq(emailMessages.kind, 'reminder'));
    expect(reminders.filter((m) => m.campaignId === campaign.id).map((m) => m.status)).toEqual(['sent', 'sent']);
    expect(mock.deliveries).toHaveLength(4);

    // Each email as sent names its invitation's token; the reminder's is the invitation's.
    const tokens = mock.deliveries.map((d) => d.html!.match(SURVEY_LINK)![1]!);
    const anna = mock.deliveries.filter((d) => d.to[0] === 'anna@example.com').map((d) => d.html!.match(SURVEY_LINK)![1]!);
    expect(new Set(anna).size).toBe(1);
    const hashes = (await db.select().from(invitations).where(eq(invitations.campaignId, campaign.id))).map((i) => i.tokenHash);
    for (const token of tokens) expect(hashes).toContain(invitationTokenHash(token));
    const before = await storedMessages(campaign.id);
    expect(before.withToken).toBe(4);
    expect(before.rows.some((row) => row.includes(anna[0]!))).toBe(true);

    // The survey opens from the link in the reminder that was sent.
    const app = await startTestApp(database);
    try {
      const response = await fetch(`${app.base}/s/${anna[0]}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<form');

      // While the campaign is open, no member reads a sent email's link: the
      // outbox shows only the local outbox, and a sent message's page is not found.
      const owner = app.client();
      expect((await owner.login(ws.email, PASSWORD)).status).toBe(302);
      const list = await owner.get('/app/outbox');
      expect(list.status).toBe(200);
      const listed = await list.text();
      for (const token of tokens) expect(listed).not.toContain(token);
      const sent = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
      expect(sent).toHaveLength(4);
      for (const message of sent) {
        const page = await owner.get(`/app/outbox/${message.id}`);
        expect(page.status).toBe(404);
        const text = await page.text();
        for (const token of tokens) expect(text).not.toContain(token);
      }
    } finally {
      await app.close();
    }

    expect(await closeCampaign(db, ws.workspaceId, campaign.id)).toBe(true);
    const after = await storedMessages(campaign.id);
    expect(after.rows).toHaveLength(4);
    expect(after.withToken).toBe(0);
    for (const token of tokens) expect(after.rows.filter((row) => row.includes(token))).toEqual([]);
    // The names stay for the outbox; nothing is due any more.
    const kept = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    expect(kept.every((m) => m.variables !== null && !('token' in m.variables) && m.link === null)).toBe(true);
    await letDaysPass(db, campaign.id, 7);
    await campaignTick(db, settings);
    expect((await storedMessages(campaign.id)).rows).toHaveLength(4);
  });

  it('a campaign closed by its close date loses its tokens in the same tick; other campaigns keep theirs', async () => {
    const db = database.db;
    const settings = testEmailSettings();
    const ws = await createCampaignWorkspace(db, 'Close Date AG', 3);
    const closing = await createTestCampaign(db, ws.workspaceId);
    await scheduleNow(db, closing.id);
    await new Dispatcher({ db, settings, tick: (d) => campaignTick(d, settings) }).drain();
    const other = await createCampaignWorkspace(db, 'Still Open KG', 2);
    const open = await createTestCampaign(db, other.workspaceId);
    await scheduleNow(db, open.id);
    await new Dispatcher({ db, settings, tick: (d) => campaignTick(d, settings) }).drain();
    expect((await storedMessages(closing.id)).withToken).toBe(3);

    await db.update(campaigns).set({ closesAt: new Date(Date.now() - 1000) }).where(eq(campaigns.id, closing.id));
    await campaignTick(db, settings);
    const [closed] = await db.select().from(campaigns).where(eq(campaigns.id, closing.id));
    expect(closed!.status).toBe('closed');
    expect((await storedMessages(closing.id)).withToken).toBe(0);
    expect((await storedMessages(open.id)).withToken).toBe(2);
  });

  it('a message in a batch in flight at the close keeps its token for a retry and loses it when the batch is recorded', async () => {
    const db = database.db;
    mock = await startResendMock();
    const settings = resendSettings(mock);
    const ws = await createCampaignWorkspace(db, 'In Flight SE', 2);
    const campaign = await createTestCampaign(db, ws.workspaceId);
    await scheduleNow(db, campaign.id);
    await campaignTick(db, settings); // launches: the invitations are queued
    const batch = await claimNewBatch(db, 100, 60);
    expect(batch).toMatchObject({ messages: expect.any(Array) });
    if (!batch || batch === 'cancelled-only' || !batch.messages) throw new Error('expected a new batch with its messages');
    const members = batch.messages;
    const ours = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    expect(members.map((m) => m.id).sort()).toEqual(ours.map((m) => m.id).sort());

    expect(await closeCampaign(db, ws.workspaceId, campaign.id)).toBe(true);
    expect((await storedMessages(campaign.id)).withToken).toBe(ours.length);

    await recordBatchSent(db, batch.id, 1, members.map((m, i) => ({ id: m.id, providerId: `re_${i}` })));
    expect((await storedMessages(campaign.id)).withToken).toBe(0);
  });
});
