import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleCampaign } from '../../app/campaigns/campaigns.server';
import { emailsLeftToday } from '../../app/email/daily-limit.server';
import { campaigns } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createCampaignWorkspace, createTestCampaign } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';

// One workspace cannot send without end: EMAIL_DAILY_LIMIT_PER_WORKSPACE emails
// in 24 hours (20,000 unless set), checked when a campaign is confirmed.
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
