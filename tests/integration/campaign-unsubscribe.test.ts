import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignProgress } from '../../app/campaigns/campaigns.server';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { emailMessages, invitations, suppressions } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createCampaignWorkspace, createTestCampaign, scheduleNow, testEmailSettings } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';

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

/** A launched campaign; returns each recipient's unsubscribe path as the email's header has it. */
async function campaignWithLinks(name: string, customers: Parameters<typeof createCampaignWorkspace>[2]) {
  const db = database.db;
  const ws = await createCampaignWorkspace(db, name, customers);
  const campaign = await createTestCampaign(db, ws.workspaceId);
  await scheduleNow(db, campaign.id);
  await launchCampaign(db, campaign.id, testEmailSettings());
  const messages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
  const unsubscribePath = (email: string) => `/u/${messages.find((m) => m.toAddress === email)!.link!.split('/s/')[1]}`;
  return { ws, campaign, unsubscribePath };
}

describe('unsubscribing', () => {
  it('asks on GET, and unsubscribes on a one-click POST without Origin (RFC 8058)', async () => {
    const db = database.db;
    const { ws, campaign, unsubscribePath } = await campaignWithLinks('Opt Out GmbH', [
      { email: 'Leave.Me@Example.com', locale: 'de', tier: 'C' },
      { email: 'stay@example.com', locale: 'en' },
    ]);
    const path = unsubscribePath('Leave.Me@Example.com');

    const page = await app.client().get(path);
    expect(page.status).toBe(200);
    expect(page.headers.get('X-Robots-Tag')).toBe('noindex, nofollow');
    const html = await page.text();
    expect(html).toContain('<html lang="de"');
    expect(html).toContain('Möchten Sie unter Leave.Me@Example.com keine Umfragen von Opt Out GmbH mehr erhalten?');
    expect(html).toMatch(/<form method="post"><button type="submit" class="button primary">Abmelden<\/button><\/form>/);
    expect(html).not.toContain('<script');
    // Looking does not unsubscribe (link scanners open every link).
    expect(await db.select().from(suppressions).where(eq(suppressions.workspaceId, ws.workspaceId))).toHaveLength(0);

    // What a mail provider sends: no Origin, no cookies, the RFC 8058 body.
    const oneClick = await fetch(app.base + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('Sie sind abgemeldet.');
    const rows = await db.select().from(suppressions).where(eq(suppressions.workspaceId, ws.workspaceId));
    expect(rows.map((row) => [row.email, row.reason])).toEqual([['leave.me@example.com', 'unsubscribed']]);
    const [message] = await db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.campaignId, campaign.id), eq(emailMessages.toAddress, 'Leave.Me@Example.com')));
    expect(message!.status).toBe('cancelled'); // it was still queued
    expect((await campaignProgress(db, campaign.id)).funnel.unsubscribed).toBe(1);

    // Again, and then the page: still unsubscribed, nothing new.
    expect((await fetch(app.base + path, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(200);
    expect(await (await app.client().get(path)).text()).toContain('Sie sind abgemeldet.');
    expect(await db.select().from(suppressions).where(eq(suppressions.workspaceId, ws.workspaceId))).toHaveLength(1);
  });

  it('works from the confirmation page form, and refuses a cross-site form post', async () => {
    const { unsubscribePath } = await campaignWithLinks('Form Opt Out AG', [{ email: 'form@example.com', locale: 'en' }]);
    const path = unsubscribePath('form@example.com');
    const forged = await app.client().post(path, {}, { Origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    const client = app.client();
    const response = await client.post(path, {});
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are unsubscribed. Form Opt Out AG will not send surveys to form@example.com any more.');
    const [message] = await database.db.select().from(emailMessages).where(eq(emailMessages.toAddress, 'form@example.com'));
    const [invitation] = await database.db.select().from(invitations).where(eq(invitations.id, message!.invitationId!));
    expect(invitation!.unsubscribedAt).toBeInstanceOf(Date);
  });

  it('answers an unknown link with 404', async () => {
    const response = await app.client().get(`/u/${'x'.repeat(43)}`, { 'Accept-Language': 'en' });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('This unsubscribe link is not valid.');
    expect((await app.client().post(`/u/${'y'.repeat(43)}`, {})).status).toBe(404);
  });
});
