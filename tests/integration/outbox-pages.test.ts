import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxPage } from '../../app/email/outbox-pages.server';
import { emailMessages } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

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

/** `n` outbox messages to customer-<i>@…, many of them written in the same instant (as a campaign's batch is). */
async function fillOutbox(workspaceId: string, n: number) {
  const rows = Array.from({ length: n }, (_, i) => ({
    workspaceId,
    kind: i % 10 === 0 ? ('team_invitation' as const) : ('invitation' as const),
    idempotencyKey: `${workspaceId}-${i}`,
    fromAddress: 'survey@outbox.example',
    toAddress: `customer-${i}@outbox.example`,
    subject: i % 2 === 0 ? 'Would you miss us?' : 'Reminder',
    html: '<p>Hi</p>',
    text: 'Hi',
    transport: 'outbox' as const,
    status: 'sent' as const,
    createdAt: new Date(Date.UTC(2026, 10, 1, 12, 0, Math.floor(i / 40))),
  }));
  await database.db.insert(emailMessages).values(rows);
}

describe('the outbox', () => {
  it('pages through every message once, newest first, and counts what the search finds', async () => {
    const { workspaceId } = await createWorkspaceWithOwner(database.db, 'Outbox Paging GmbH');
    await fillOutbox(workspaceId, 250);
    // The owner's outbox also holds the confirmation email of the sign-up: 251 in all.
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await outboxPage(database.db, { workspaceId, limit: 40, after });
      expect(result.total).toBe(251);
      seen.push(...result.rows.map((row) => row.to));
      if (!result.next) break;
      after = result.next;
    }
    expect(seen).toHaveLength(251);
    expect(new Set(seen).size).toBe(251);

    const found = await outboxPage(database.db, { workspaceId, q: 'customer-12', limit: 40 });
    const expected = ['', ...Array.from({ length: 10 }, (_, i) => String(i))].map((digit) => `customer-12${digit}@outbox.example`);
    expect(found.rows.map((row) => row.to).sort()).toEqual(expected.sort());
    expect(found.total).toBe(11);
    // Marketing's view: no team invitations, in the list or in the count.
    expect((await outboxPage(database.db, { workspaceId, kinds: ['invitation', 'reminder'], limit: 1 })).total).toBe(225);
    expect((await outboxPage(database.db, { workspaceId, q: 'Reminder' })).total).toBe(125);
  });

  it('shows the search, the count and the next page in the app', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Outbox Page GmbH');
    await fillOutbox(owner.workspaceId, 230);
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    const first = await (await client.get('/app/outbox', { 'Accept-Language': 'en' })).text();
    // 230 and the confirmation email of the sign-up.
    expect(first).toContain('role="status">231 messages</p>');
    expect(first.match(/<tr><th scope="row">/g)).toHaveLength(100);
    const next = /<a [^>]*href="([^"]*after=[^"]+)"[^>]*rel="next"|<a [^>]*rel="next"[^>]*href="([^"]*after=[^"]+)"/.exec(first);
    expect(next).not.toBeNull();
    const searched = await (await client.get('/app/outbox?q=customer-229', { 'Accept-Language': 'en' })).text();
    expect(searched).toContain('role="status">1 message</p>');
    expect(searched).toContain('customer-229@outbox.example');
  });
});
