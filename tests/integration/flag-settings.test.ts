import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, lexiconPhrases, memberships, workspaces } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { importCsv, marketingClient } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

// Account owners (import column and customer page) and the flag settings
// page (alerts, service level, the workspace's own phrases), as members use them.

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

async function signedUp(name: string) {
  const owner = await createWorkspaceWithOwner(database.db, name);
  const client = app.client();
  expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
  return { ...owner, client };
}

describe('account owners', () => {
  it('come from the import column by a member’s email; an unknown email is a line error and nothing is imported', async () => {
    const owner = await signedUp('Betreuer GmbH');
    const good = ['Kundennummer;E-Mail;Name;Stufe;Betreuer', `K-1;a@kunde.example;Anna;A;${owner.email.toUpperCase()}`, 'K-2;b@kunde.example;Bernd;C;'].join('\n');
    const report = await importCsv(database.db, owner.workspaceId, good, { period: '2026-Q4' });
    expect(report.errors).toEqual([]);
    const rows = await database.db.select().from(customers).where(eq(customers.workspaceId, owner.workspaceId));
    expect(Object.fromEntries(rows.map((row) => [row.externalId, row.accountOwnerId]))).toEqual({ 'K-1': owner.userId, 'K-2': null });

    const bad = ['customer_id,email,tier,account owner', 'K-3,c@kunde.example,B,stranger@elsewhere.example'].join('\n');
    const refused = await importCsv(database.db, owner.workspaceId, bad, { period: '2026-Q4' });
    expect(refused.imported).toBe(false);
    expect(refused.errors).toMatchObject([{ line: 2, column: 'account_owner', code: 'account_owner_unknown' }]);
    expect(await database.db.select().from(customers).where(and(eq(customers.workspaceId, owner.workspaceId), eq(customers.externalId, 'K-3')))).toEqual([]);
  });

  it('are set and cleared on the customer page, only to members of the workspace', async () => {
    const owner = await signedUp('Kundenseite AG');
    const other = await createWorkspaceWithOwner(database.db, 'Fremd AG');
    await importCsv(database.db, owner.workspaceId, 'customer_id,email,tier\nK-9,k9@kunde.example,B', { period: '2026-Q4' });
    const [customer] = await database.db.select().from(customers).where(eq(customers.workspaceId, owner.workspaceId));
    const page = `/app/customers/${customer!.id}`;
    expect(await (await owner.client.get(page)).text()).toContain('Betreuer');

    expect((await owner.client.post(page, { intent: 'account_owner', accountOwnerId: owner.userId })).status).toBe(200);
    expect((await database.db.select().from(customers).where(eq(customers.id, customer!.id)))[0]!.accountOwnerId).toBe(owner.userId);
    // Someone of another workspace cannot be made the account owner.
    expect((await owner.client.post(page, { intent: 'account_owner', accountOwnerId: other.userId })).status).toBe(400);
    expect((await owner.client.post(page, { intent: 'account_owner', accountOwnerId: 'not-a-uuid' })).status).toBe(400);
    expect((await owner.client.post(page, { intent: 'account_owner', accountOwnerId: '' })).status).toBe(200);
    expect((await database.db.select().from(customers).where(eq(customers.id, customer!.id)))[0]!.accountOwnerId).toBeNull();
  });
});

describe('flag settings', () => {
  let owner: Awaited<ReturnType<typeof signedUp>>;
  let marketing: TestClient;
  beforeAll(async () => {
    owner = await signedUp('Einstellungen KG');
    marketing = await marketingClient(database.db, app.client(), owner.workspaceId);
  });

  it('lets every member choose how they hear of flags', async () => {
    expect((await marketing.post('/app/settings/flags', { intent: 'alerts', mode: 'off' })).status).toBe(200);
    const modes = await database.db.select({ role: memberships.role, mode: memberships.flagAlerts }).from(memberships).where(eq(memberships.workspaceId, owner.workspaceId));
    expect(modes.find((row) => row.role === 'marketing')?.mode).toBe('off');
    expect(modes.find((row) => row.role === 'owner')?.mode).toBeNull();
    expect((await marketing.post('/app/settings/flags', { intent: 'alerts', mode: 'sometimes' })).status).toBe(400);
  });

  it('lets the owner set the service level, within 1 to 60 working days', async () => {
    expect((await owner.client.post('/app/settings/flags', { intent: 'service_level', highDays: '1', mediumDays: '3' })).status).toBe(200);
    const [row] = await database.db.select().from(workspaces).where(eq(workspaces.id, owner.workspaceId));
    expect([row!.flagSlaHighDays, row!.flagSlaMediumDays]).toEqual([1, 3]);
    expect((await owner.client.post('/app/settings/flags', { intent: 'service_level', highDays: '0', mediumDays: '3' })).status).toBe(400);
    expect((await marketing.post('/app/settings/flags', { intent: 'service_level', highDays: '9', mediumDays: '9' })).status).toBe(403);
  });

  it('tries a phrase on sample sentences, with negations, before the owner adds it', async () => {
    const tried = await owner.client.post('/app/settings/flags', {
      intent: 'try_phrase',
      phrase: 'wie Luft behandelt',
      samples: 'Ich werde wie Luft behandelt.\nIch werde nie wie Luft behandelt.\nIch fühle mich vernachlässigt.',
    });
    expect(tried.status).toBe(200);
    const html = await tried.text();
    // Pages speak the browser's language, German without a preference.
    expect(html).toContain('„Ich werde wie Luft behandelt.“ — <strong>würde einen Hinweis auslösen');
    expect(html).toContain('„Ich werde nie wie Luft behandelt.“ — <strong>würde keinen Hinweis auslösen');
    expect(html).toContain('schon erkannt durch: vernachlässigt');
    expect(await database.db.select().from(lexiconPhrases).where(eq(lexiconPhrases.workspaceId, owner.workspaceId))).toEqual([]);

    expect((await owner.client.post('/app/settings/flags', { intent: 'add_phrase', phrase: 'wie Luft behandelt' })).status).toBe(200);
    expect((await owner.client.post('/app/settings/flags', { intent: 'add_phrase', phrase: 'WIE LUFT  behandelt!' })).status).toBe(409);
    expect((await owner.client.post('/app/settings/flags', { intent: 'add_phrase', phrase: 'ab' })).status).toBe(400);
    // A NUL cannot reach PostgreSQL: a clear 400, not a 500.
    expect((await owner.client.post('/app/settings/flags', { intent: 'add_phrase', phrase: 'wie\u0000Luft' })).status).toBe(400);
    expect((await marketing.post('/app/settings/flags', { intent: 'add_phrase', phrase: 'links liegen' })).status).toBe(403);
    const phrases = await database.db.select().from(lexiconPhrases).where(eq(lexiconPhrases.workspaceId, owner.workspaceId));
    expect(phrases.map((row) => row.phrase)).toEqual(['wie Luft behandelt']);

    expect((await owner.client.post('/app/settings/flags', { intent: 'remove_phrase', phraseId: phrases[0]!.id })).status).toBe(200);
    expect(await database.db.select().from(lexiconPhrases).where(eq(lexiconPhrases.workspaceId, owner.workspaceId))).toEqual([]);
  });
});
