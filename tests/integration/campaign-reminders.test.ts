import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { getOutboxMessage } from '../../app/email/outbox.server';
import { suppressAddress } from '../../app/email/suppressions.server';
import { campaigns, emailMessages, invitations, responses } from '../../db/schema';
import { createCampaignWorkspace, createTestCampaign, letDaysPass, scheduleNow, testEmailSettings, TEST_PERIOD } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const settings = testEmailSettings();

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

/** A campaign sent to the outbox, with its messages by recipient. */
async function sentCampaign(name: string, emails: string[], overrides: Parameters<typeof createTestCampaign>[2] = {}) {
  const db = database.db;
  const ws = await createCampaignWorkspace(db, name, emails.map((email, i) => ({ email, locale: i % 2 ? 'de' : 'en' })));
  const campaign = await createTestCampaign(db, ws.workspaceId, { reminderDelayDays: 7, maxReminders: 2, ...overrides });
  await scheduleNow(db, campaign.id);
  await new Dispatcher({ db, settings, tick: (d) => campaignTick(d, settings) }).drain();
  const rows = await db.select().from(invitations).where(eq(invitations.campaignId, campaign.id));
  const messages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
  const invitationOf = (email: string) => rows.find((row) => row.id === messages.find((m) => m.toAddress === email)!.invitationId)!;
  return { ws, campaign, invitationOf };
}

async function remindersTo(campaignId: string) {
  const rows = await database.db
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.campaignId, campaignId), eq(emailMessages.kind, 'reminder')));
  return rows.map((row) => `${row.toAddress}#${row.idempotencyKey.split(':')[2]}:${row.status}`).sort();
}

async function tickAndSend() {
  await campaignTick(database.db, settings);
  await new Dispatcher({ db: database.db, settings }).drain();
}

describe('reminders', () => {
  it('go after the delay to those who have not completed, at most the maximum, never to suppressed addresses', async () => {
    const db = database.db;
    const { ws, campaign, invitationOf } = await sentCampaign('Reminder GmbH', ['done@example.com', 'stop@example.com', 'bounce@example.com', 'slow@example.com', 'started@example.com']);
    const answer = (email: string, status: 'started' | 'completed') =>
      db.insert(responses).values({
        workspaceId: ws.workspaceId,
        campaignId: campaign.id,
        invitationId: invitationOf(email).id,
        customerId: invitationOf(email).customerId,
        period: TEST_PERIOD,
        locale: 'en',
        status,
        completedAt: status === 'completed' ? new Date() : null,
      });
    await answer('done@example.com', 'completed');
    await answer('started@example.com', 'started');
    await suppressAddress(db, ws.workspaceId, 'stop@example.com', 'unsubscribed');
    await db.update(invitations).set({ status: 'bounced' }).where(eq(invitations.id, invitationOf('bounce@example.com').id));

    await tickAndSend();
    expect(await remindersTo(campaign.id)).toEqual([]); // not due yet

    await letDaysPass(db, campaign.id, 7);
    await Promise.all([campaignTick(db, settings), campaignTick(db, settings)]); // two processes at once
    await tickAndSend();
    expect(await remindersTo(campaign.id)).toEqual(['slow@example.com#1:sent', 'started@example.com#1:sent']);

    await tickAndSend();
    expect(await remindersTo(campaign.id)).toHaveLength(2); // the delay counts from the last reminder

    await letDaysPass(db, campaign.id, 7);
    await tickAndSend();
    await letDaysPass(db, campaign.id, 7);
    await tickAndSend();
    expect(await remindersTo(campaign.id)).toEqual([
      'slow@example.com#1:sent',
      'slow@example.com#2:sent',
      'started@example.com#1:sent',
      'started@example.com#2:sent',
    ]);
    const [slow] = await db.select().from(invitations).where(eq(invitations.id, invitationOf('slow@example.com').id));
    expect(slow!.remindersSent).toBe(2);
  });

  it('carry the invitation link and the close date, in the customer language', async () => {
    const db = database.db;
    const closesAt = new Date(Date.UTC(2027, 0, 15, 22, 59));
    const { ws, campaign } = await sentCampaign('Link Check AG', ['en@example.com', 'de@example.com'], { closesAt });
    await letDaysPass(db, campaign.id, 8);
    await tickAndSend();
    const messages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    for (const address of ['en@example.com', 'de@example.com']) {
      const invitation = messages.find((m) => m.toAddress === address && m.kind === 'invitation')!;
      const reminder = messages.find((m) => m.toAddress === address && m.kind === 'reminder')!;
      expect(reminder.link).toBe(invitation.link);
      const shown = (await getOutboxMessage(db, ws.workspaceId, reminder.id))!;
      expect(shown.html).toContain(`href="${invitation.link}"`);
      expect(shown.headers['List-Unsubscribe']).toBe(`<${invitation.link!.replace('/s/', '/u/')}>`);
      if (address.startsWith('en')) {
        expect(shown.subject).toBe('Reminder: would you miss Link Check AG?');
        expect(shown.text).toContain('open until 15 January 2027');
      } else {
        expect(shown.subject).toBe('Erinnerung: Würden Sie Link Check AG vermissen?');
        expect(shown.text).toContain('bis zum 15. Januar 2027');
      }
    }
  });

  it('never go out after the close date, not even when queued before it', async () => {
    const db = database.db;
    const { campaign } = await sentCampaign('Closing KG', ['late@example.com', 'later@example.com']);
    await letDaysPass(db, campaign.id, 7);
    await campaignTick(db, settings); // queued, not yet sent
    expect(await remindersTo(campaign.id)).toEqual(['late@example.com#1:queued', 'later@example.com#1:queued']);
    await db.update(campaigns).set({ closesAt: new Date(Date.now() - 1000) }).where(eq(campaigns.id, campaign.id));
    await new Dispatcher({ db, settings }).drain();
    expect(await remindersTo(campaign.id)).toEqual(['late@example.com#1:cancelled', 'later@example.com#1:cancelled']);

    await letDaysPass(db, campaign.id, 30);
    await tickAndSend();
    expect(await remindersTo(campaign.id)).toHaveLength(2);
  });

  it('are not sent when the survey was completed after the reminder was queued', async () => {
    const db = database.db;
    const { ws, campaign, invitationOf } = await sentCampaign('Quick Answer GmbH', ['quick@example.com']);
    await letDaysPass(db, campaign.id, 7);
    await campaignTick(db, settings);
    const invitation = invitationOf('quick@example.com');
    await db.insert(responses).values({
      workspaceId: ws.workspaceId,
      campaignId: campaign.id,
      invitationId: invitation.id,
      customerId: invitation.customerId,
      period: TEST_PERIOD,
      locale: 'en',
      status: 'completed',
      completedAt: new Date(),
    });
    await new Dispatcher({ db, settings }).drain();
    expect(await remindersTo(campaign.id)).toEqual(['quick@example.com#1:cancelled']);
  });
});
