import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite } from '../../app/auth/members.server';
import { auditLog, memberships, sessions } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { marketingClient } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

// Owners control who stays: removing a member ends their sessions at once,
// roles change but a workspace keeps an owner, pending invitations can be
// revoked, and every change lands in the audit log that owners read.

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

async function team(name: string) {
  const owner = await createWorkspaceWithOwner(database.db, name);
  const ownerClient = app.client();
  expect((await ownerClient.login(owner.email, PASSWORD)).status).toBe(302);
  const marketing = await marketingClient(database.db, app.client(), owner.workspaceId);
  const [row] = await database.db.select({ userId: memberships.userId }).from(memberships).where(and(eq(memberships.workspaceId, owner.workspaceId), eq(memberships.role, 'marketing')));
  return { owner, ownerClient, marketing, marketingId: row!.userId };
}

const membersPage = async (client: TestClient) => (await client.get('/app/settings/members', { 'Accept-Language': 'en' })).text();
const auditActions = async (workspaceId: string) =>
  (await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.workspaceId, workspaceId))).map((row) => row.action);

describe('team control', () => {
  it('removes a member, whose open session ends at once', async () => {
    const { owner, ownerClient, marketing, marketingId } = await team('Removal GmbH');
    expect((await marketing.get('/app')).status).toBe(200);
    const page = await membersPage(ownerClient);
    expect(page).toContain('Last sign-in');
    expect(page).not.toMatch(/Mia Marketing<\/th>(?:(?!<\/tr>).)*never/);

    const removed = await ownerClient.post('/app/settings/members', { intent: 'remove', userId: marketingId });
    expect(removed.status).toBe(200);
    expect((await marketing.get('/app')).status).toBe(302);
    expect(await database.db.select().from(sessions).where(and(eq(sessions.userId, marketingId), eq(sessions.workspaceId, owner.workspaceId)))).toEqual([]);
    expect(await auditActions(owner.workspaceId)).toContain('member.removed');
    expect(await membersPage(ownerClient)).toContain('member.removed');
  });

  it('changes roles, but never leaves the workspace without an owner', async () => {
    const { owner, ownerClient, marketing, marketingId } = await team('Roles GmbH');
    const lastOwner = await ownerClient.post('/app/settings/members', { intent: 'role', userId: owner.userId, role: 'marketing' }, { 'Accept-Language': 'en' });
    expect(lastOwner.status).toBe(409);
    expect(await lastOwner.text()).toContain('A workspace needs at least one owner.');
    expect((await ownerClient.post('/app/settings/members', { intent: 'remove', userId: owner.userId })).status).toBe(409);

    expect((await ownerClient.post('/app/settings/members', { intent: 'role', userId: marketingId, role: 'owner' })).status).toBe(200);
    expect((await marketing.get('/app/settings/members')).status).toBe(200);
    // Two owners now: each may step down, but not both at once.
    const [first, second] = await Promise.all([
      ownerClient.post('/app/settings/members', { intent: 'role', userId: owner.userId, role: 'marketing' }),
      marketing.post('/app/settings/members', { intent: 'role', userId: marketingId, role: 'marketing' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const owners = await database.db.select().from(memberships).where(and(eq(memberships.workspaceId, owner.workspaceId), eq(memberships.role, 'owner')));
    expect(owners).toHaveLength(1);
    expect(await auditActions(owner.workspaceId)).toContain('member.role_changed');
  });

  it('revokes a pending invitation, whose link stops working', async () => {
    const { owner, ownerClient } = await team('Revoke GmbH');
    const invited = await invite(database.db, { workspaceId: owner.workspaceId, email: 'later@example.com', role: 'marketing', invitedBy: { id: owner.userId, name: 'Owner' }, locale: 'en' });
    if (!invited.ok) throw new Error(invited.error);
    const joinPath = new URL(invited.link).pathname;
    expect((await app.client().get(joinPath)).status).toBe(200);
    const page = await membersPage(ownerClient);
    const invitationId = /name="invitationId" value="([0-9a-f-]{36})"/.exec(page)![1]!;
    expect((await ownerClient.post('/app/settings/members', { intent: 'revoke', invitationId })).status).toBe(200);
    expect((await app.client().get(joinPath)).status).toBe(404);
    expect(await auditActions(owner.workspaceId)).toContain('invitation.revoked');
  });

  it('acts only on its own workspace, and only for owners', async () => {
    const alpha = await team('Alpha Team');
    const beta = await team('Beta Team');
    expect((await alpha.ownerClient.post('/app/settings/members', { intent: 'remove', userId: beta.marketingId })).status).toBe(404);
    expect((await alpha.marketing.post('/app/settings/members', { intent: 'remove', userId: alpha.owner.userId })).status).toBe(403);
    expect((await beta.marketing.get('/app')).status).toBe(200);
    expect((await alpha.ownerClient.get('/app')).status).toBe(200);
  });
});
