import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../app/auth/accounts.server';
import { createWorkspaceInvitation } from '../../app/auth/workspace-invitations.server';
import { campaigns, customers, emailMessages, tierAssignments, users, workspaces, workspaceTiers } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { createTestCampaign, TEST_PERIOD } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD, verificationLink } from '../support/fixtures';

// A workspace made by open sign-up sends no campaign until its owner has
// followed the emailed link: nobody can send surveys from an address they do not hold.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let invited: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database, { SIGNUP: 'open' });
  invited = await startTestApp(database, { SIGNUP: 'invite' });
});
afterAll(async () => {
  await app.close();
  await invited.close();
  await database.dispose();
});

const en = { 'Accept-Language': 'en' };
const post = (client: TestClient, path: string, form: Record<string, string>) =>
  client.request(path, { method: 'POST', body: new URLSearchParams(form), headers: { Origin: client.base, ...en } });

async function unverifiedDraft(name: string) {
  const owner = await createWorkspaceWithOwner(database.db, name, { verified: false });
  const [tier] = await database.db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, owner.workspaceId)).limit(1);
  const [customer] = await database.db
    .insert(customers)
    .values({ workspaceId: owner.workspaceId, externalId: 'C-1', name: 'Customer', email: `c-${owner.workspaceId.slice(0, 8)}@example.com` })
    .returning();
  await database.db.insert(tierAssignments).values({ workspaceId: owner.workspaceId, customerId: customer!.id, period: TEST_PERIOD, tierId: tier!.id, source: 'manual' });
  const campaign = await createTestCampaign(database.db, owner.workspaceId);
  const client = app.client();
  expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
  return { owner, campaign, client, path: `/app/campaigns/${campaign.id}` };
}

const statusOf = async (id: string) => (await database.db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, id)))[0]!.status;
const verificationEmails = (to: string) =>
  database.db.select().from(emailMessages).where(and(eq(emailMessages.toAddress, to), eq(emailMessages.kind, 'email_verification')));

describe('email verification before the first campaign', () => {
  it('emails a new workspace’s owner a link through the outbox, in the sign-up’s language', async () => {
    const email = 'neu@verify.example';
    const created = await app.client().post('/signup', { workspaceName: 'Neu GmbH', name: 'Nora', email, password: PASSWORD }, { 'Accept-Language': 'de' });
    expect(created.status).toBe(200);
    expect(await created.text()).toContain('Sehen Sie in Ihr Postfach');
    const [message] = await verificationEmails(email);
    expect(message!.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse für Neu GmbH');
    expect(message!.status).toBe('sent');
    expect(message!.link).toMatch(/^http:\/\/localhost:\d+\/verify-email\/[0-9a-f-]{36}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(message!.html).toContain(message!.link);
    const [workspace] = await database.db.select().from(workspaces).where(eq(workspaces.id, message!.workspaceId!));
    expect(workspace!.emailVerifiedAt).toBeNull();
  });

  it('refuses to send until the link is followed, offers it again, and sends after', async () => {
    const { owner, campaign, client, path } = await unverifiedDraft('Unverified GmbH');
    const page = await (await client.get(path, en)).text();
    expect(page).toContain(`Confirm your email address before this workspace sends campaigns: we sent a link to ${owner.email}.`);
    expect(page).toContain('Send the link again');

    const refused = await post(client, path, { intent: 'schedule', expected: '1', confirm: 'yes' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('This workspace cannot send campaigns until its email address is confirmed.');
    expect(await statusOf(campaign.id)).toBe('draft');

    const resent = await post(client, path, { intent: 'resend_verification' });
    expect(resent.status).toBe(200);
    expect(await resent.text()).toContain(`We sent the link again to ${owner.email}.`);
    expect(await verificationEmails(owner.email)).toHaveLength(2);

    // A link with a changed proof, or for another workspace, confirms nothing.
    const link = new URL(await verificationLink(database.db, owner.email));
    const forged = link.pathname.slice(0, -4) + (link.pathname.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await app.client().get(forged, en)).status).toBe(404);
    const other = await createWorkspaceWithOwner(database.db, 'Other GmbH', { verified: false });
    const [, , mac] = link.pathname.split('/').pop()!.split('.');
    const [theirUser] = await database.db.select().from(users).where(eq(users.email, other.email));
    expect((await app.client().get(`/verify-email/${other.workspaceId}.${theirUser!.id}.${mac}`, en)).status).toBe(404);
    expect((await post(client, path, { intent: 'schedule', expected: '1', confirm: 'yes' })).status).toBe(409);

    // The owner follows the link, from any browser; a second visit changes nothing.
    const followed = await app.client().get(link.pathname, en);
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain('Your email address is confirmed.');
    expect((await app.client().get(link.pathname, en)).status).toBe(200);

    expect(await (await client.get(path, en)).text()).not.toContain('Send the link again');
    const sent = await post(client, path, { intent: 'schedule', expected: '1', confirm: 'yes' });
    expect(sent.status).toBe(302);
    expect(await statusOf(campaign.id)).toBe('scheduled');
  });

  it('sends the link again at most five times an hour', async () => {
    const { client, path, owner } = await unverifiedDraft('Flood GmbH');
    for (let i = 0; i < 5; i++) expect((await post(client, path, { intent: 'resend_verification' })).status).toBe(200);
    const limited = await post(client, path, { intent: 'resend_verification' });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('The link was sent several times already.');
    expect(await verificationEmails(owner.email)).toHaveLength(6);
  });

  it('counts workspaces made by an operator’s invitation, the demo or the command line as verified', async () => {
    const { link } = await createWorkspaceInvitation(database.db, { email: 'founder@verify.example', appUrl: invited.base });
    const token = new URL(link).searchParams.get('invite')!;
    const created = await invited.client().post('/signup', { workspaceName: 'Invited GmbH', name: 'F', email: 'founder@verify.example', password: PASSWORD, invite: token });
    expect(created.status).toBe(302);
    const [founded] = await database.db.select().from(workspaces).where(eq(workspaces.name, 'Invited GmbH'));
    expect(founded!.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await verificationEmails('founder@verify.example')).toHaveLength(0);

    const made = await createWorkspace(database.db, { name: 'Operator GmbH', locale: 'de' });
    expect(made.emailVerifiedAt).toBeInstanceOf(Date);
  });
});
