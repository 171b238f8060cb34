import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleCampaign } from '../../app/campaigns/campaigns.server';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { selectRows } from '../../app/email/sql.server';
import { emailsLeftToday } from '../../app/email/daily-limit.server';
import { campaigns, emailMessages, invitations, workspaceTiers } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createCampaignWorkspace, createTestCampaign, letDaysPass, scheduleNow, testEmailSettings } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';

// One workspace cannot send without end: EMAIL_DAILY_LIMIT_PER_WORKSPACE emails
// in 24 hours (20,000 unless set), checked when a campaign is confirmed, again
// when a scheduled campaign starts, and for every round of reminders.
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

/** `n` messages the workspace queued `hoursAgo` hours ago, in one statement. */
async function sentBefore(workspaceId: string, n: number, hoursAgo: number) {
  await database.db.execute(sql`insert into email_messages (workspace_id, kind, idempotency_key, from_address, to_address, subject, html, text, transport, status, created_at)
    select ${workspaceId}::uuid, 'invitation', ${workspaceId} || '-' || ${hoursAgo} || '-' || i, 'a@example.com', 'c' || i || '@example.com', 'Hi', '<p>Hi</p>', 'Hi', 'outbox', 'sent',
      now() - make_interval(hours => ${hoursAgo})
    from generate_series(1, ${n}) as i`);
}

const statusOf = async (id: string) => (await database.db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, id)))[0]!.status;

describe('the daily email limit per workspace', () => {
  it('counts the last 24 hours of the workspace only, and refuses a campaign that would go over', async () => {
    const ws = await createCampaignWorkspace(database.db, 'Limit GmbH', 4);
    const other = await createCampaignWorkspace(database.db, 'Other Limit GmbH', 1);
    await sentBefore(ws.workspaceId, 5, 2);
    await sentBefore(ws.workspaceId, 50, 25);
    await sentBefore(other.workspaceId, 50, 1);
    // 1 confirmation email of the sign-up and 5 of two hours ago; yesterday's and the other workspace's do not count.
    expect(await emailsLeftToday(database.db, ws.workspaceId, 10)).toBe(4);
    expect(await emailsLeftToday(database.db, ws.workspaceId, 3)).toBe(0);

    const campaign = await createTestCampaign(database.db, ws.workspaceId);
    expect(await scheduleCampaign(database.db, ws.workspaceId, campaign.id, 4, { dailyEmailLimit: 9 })).toEqual({
      ok: false,
      error: 'daily_limit',
      eligible: 4,
      left: 3,
      limit: 9,
    });
    expect(await statusOf(campaign.id)).toBe('draft');
    expect(await scheduleCampaign(database.db, ws.workspaceId, campaign.id, 4, { dailyEmailLimit: 10 })).toMatchObject({ ok: true });
    expect(await statusOf(campaign.id)).toBe('scheduled');
  });

  it('tells the member on the campaign page how many are left today (20,000 by default)', async () => {
    const ws = await createCampaignWorkspace(database.db, 'Busy GmbH', 3);
    await sentBefore(ws.workspaceId, 20_000 - 3, 1);
    const campaign = await createTestCampaign(database.db, ws.workspaceId);
    const client = app.client();
    expect((await client.login(ws.email, PASSWORD)).status).toBe(302);
    const path = `/app/campaigns/${campaign.id}`;
    const refused = await client.post(path, { intent: 'schedule', expected: '3', confirm: 'yes' }, { 'Accept-Language': 'en' });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('This campaign would send 3 emails, but the workspace may send 20000 emails a day and has 2 left today');
    expect(await statusOf(campaign.id)).toBe('draft');
  });
});

/** What the workspace queued in the last 24 hours, every kind. */
async function queuedToday(workspaceId: string) {
  const [row] = await selectRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from email_messages where workspace_id = ${workspaceId} and created_at > now() - interval '24 hours'`,
  );
  return Number(row!.n);
}

describe('the daily email limit after confirmation', () => {
  it('keeps a scheduled campaign from starting when the day has filled up since, and says why on its page', async () => {
    const ws = await createCampaignWorkspace(database.db, 'Later GmbH', 4);
    const campaign = await createTestCampaign(database.db, ws.workspaceId, { scheduledAt: new Date(Date.now() + 3600_000) });
    // Confirmed for an hour from now with room for it: 1 confirmation email, 4 invitations, limit 10.
    expect(await scheduleCampaign(database.db, ws.workspaceId, campaign.id, 4, { dailyEmailLimit: 10 })).toEqual({ ok: true, sendsNow: false });
    // Meanwhile the workspace sends 6 more emails, then the hour passes.
    await sentBefore(ws.workspaceId, 6, 0);
    await database.db.update(campaigns).set({ scheduledAt: sql`now()` }).where(eq(campaigns.id, campaign.id));

    await campaignTick(database.db, testEmailSettings({ dailyLimitPerWorkspace: 10 }));
    const [after] = await database.db.select().from(campaigns).where(eq(campaigns.id, campaign.id));
    expect(after!.status).toBe('draft');
    expect(after!.launchRefusal).toMatchObject({ reason: 'daily_limit', eligible: 4, left: 3, limit: 10 });
    expect(await database.db.select().from(invitations).where(eq(invitations.campaignId, campaign.id))).toHaveLength(0);
    expect(await queuedToday(ws.workspaceId)).toBe(7);

    const client = app.client();
    expect((await client.login(ws.email, PASSWORD)).status).toBe(302);
    const page = await (await client.get(`/app/campaigns/${campaign.id}`, { 'Accept-Language': 'en' })).text();
    expect(page).toContain('This campaign did not start at its scheduled time: it would have sent 4 emails, but the workspace may send 10 emails a day and had 3 left');
    const german = await (await client.get(`/app/campaigns/${campaign.id}`, { 'Accept-Language': 'de' })).text();
    expect(german).toContain('Diese Kampagne ist zum geplanten Zeitpunkt nicht gestartet');

    // Confirmed again once there is room, it starts and the reason is gone.
    expect(await scheduleCampaign(database.db, ws.workspaceId, campaign.id, 4, { dailyEmailLimit: 11 })).toMatchObject({ ok: true, sendsNow: true });
    expect(await launchCampaign(database.db, campaign.id, testEmailSettings({ dailyLimitPerWorkspace: 11 }))).toEqual({ launched: true, invited: 4 });
    const [launched] = await database.db.select().from(campaigns).where(eq(campaigns.id, campaign.id));
    expect(launched!.launchRefusal).toBeNull();
    expect(await queuedToday(ws.workspaceId)).toBe(11);
  });

  it('lets only as many parallel launches start as the day has room for', async () => {
    // Six customers, two in each tier; one campaign to tier A, one to tier B, both due now.
    const ws = await createCampaignWorkspace(database.db, 'Parallel GmbH', 6);
    const tiers = await database.db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, ws.workspaceId));
    const tierId = (label: string) => tiers.find((tier) => tier.label === label)!.id;
    const first = await createTestCampaign(database.db, ws.workspaceId, { audienceTierIds: [tierId('A')] });
    const second = await createTestCampaign(database.db, ws.workspaceId, { audienceTierIds: [tierId('B')] });
    await scheduleNow(database.db, first.id);
    await scheduleNow(database.db, second.id);
    // Room for 3 more today (1 confirmation email of 4): either campaign fits, both do not.
    const settings = testEmailSettings({ dailyLimitPerWorkspace: 4 });
    const results = await Promise.all([launchCampaign(database.db, first.id, settings), launchCampaign(database.db, second.id, settings)]);
    await campaignTick(database.db, settings); // a launch that waited for the other is decided now
    await campaignTick(database.db, settings);

    expect(results.filter((result) => result.launched)).toHaveLength(1);
    const rows = await database.db.select().from(campaigns).where(eq(campaigns.workspaceId, ws.workspaceId));
    expect(rows.map((row) => row.status).sort()).toEqual(['draft', 'sending']);
    expect(rows.find((row) => row.status === 'draft')!.launchRefusal).toMatchObject({ reason: 'daily_limit', eligible: 2, left: 1, limit: 4 });
    expect(await database.db.select().from(invitations).where(eq(invitations.workspaceId, ws.workspaceId))).toHaveLength(2);
    expect(await queuedToday(ws.workspaceId)).toBe(3);
  });

  it('holds reminders over the limit back until the day has room again, and then sends them', async () => {
    const ws = await createCampaignWorkspace(database.db, 'Reminder Limit GmbH', 4);
    const campaign = await createTestCampaign(database.db, ws.workspaceId, { reminderDelayDays: 7, maxReminders: 1 });
    const settings = testEmailSettings({ dailyLimitPerWorkspace: 7 });
    await scheduleNow(database.db, campaign.id);
    await new Dispatcher({ db: database.db, settings, tick: (d) => campaignTick(d, settings) }).drain();
    expect(await queuedToday(ws.workspaceId)).toBe(5); // the confirmation email and 4 invitations

    await letDaysPass(database.db, campaign.id, 7);
    await campaignTick(database.db, settings);
    const reminders = () => database.db.select().from(emailMessages).where(and(eq(emailMessages.campaignId, campaign.id), eq(emailMessages.kind, 'reminder')));
    expect(await reminders()).toHaveLength(2);
    expect(await queuedToday(ws.workspaceId)).toBe(7);
    await campaignTick(database.db, settings);
    expect(await reminders()).toHaveLength(2); // the other two wait, still due
    const waiting = await database.db.select().from(invitations).where(and(eq(invitations.campaignId, campaign.id), eq(invitations.remindersSent, 0)));
    expect(waiting).toHaveLength(2);

    // A day later the room is back: the two waiting reminders go out, each once.
    await database.db.execute(sql`update email_messages set created_at = created_at - interval '25 hours' where workspace_id = ${ws.workspaceId}`);
    await campaignTick(database.db, settings);
    const all = await reminders();
    expect(all).toHaveLength(4);
    expect(new Set(all.map((message) => message.invitationId)).size).toBe(4);
    expect(await queuedToday(ws.workspaceId)).toBe(2);
  });
});
