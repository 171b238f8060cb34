import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite } from '../../app/auth/members.server';
import { getFlag } from '../../app/flags/flags.server';
import { eq } from 'drizzle-orm';
import { flags, users } from '../../db/schema';
import { createKeyThroughPage } from '../support/api-keys';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createSurveyedCustomer, createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { contract, type OpenApiDoc } from '../support/openapi';

// A CRM works a flag as marketing does in the app: assign, contacted,
// resolved or dismissed with a note; the history names the key.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let check: ReturnType<typeof contract>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
  check = contract((await (await fetch(`${app.base}/api/v1/openapi.json`)).json()) as OpenApiDoc);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

const template = '/api/v1/flags/{flagId}/actions';

async function setUp(name: string) {
  const { db } = database;
  const owner = await createWorkspaceWithOwner(db, name);
  const client = app.client();
  expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
  const key = await createKeyThroughPage(client, 'HubSpot', ['flags:read', 'flags:write']);
  const surveyed = await createSurveyedCustomer(db, owner.workspaceId, 'Flagged');
  const [flag] = await db
    .insert(flags)
    .values({ workspaceId: owner.workspaceId, customerId: surveyed.customer.id, campaignId: surveyed.campaign.id, kind: 'second_class', severity: 'medium', reasons: ['treat_equal'] })
    .returning();
  const act = async (body: unknown, status: number) => {
    // Bodies sent to be refused do not match the document, by design.
    if (status !== 422 || 'assigneeEmail' in (body as object)) check.request('post', template, body);
    const response = await fetch(`${app.base}/api/v1/flags/${flag!.id}/actions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, JSON.stringify(body)).toBe(status);
    return (await check.response('post', template, response)) as { status: string; assignee: { name: string } | null; title?: string; errors?: Array<{ pointer: string }> };
  };
  return { ...owner, key, flagId: flag!.id, act };
}

describe('POST /api/v1/flags/:flagId/actions', () => {
  it('assigns, marks contacted and resolves, recording each action with the key in the history', async () => {
    const { db } = database;
    const { workspaceId, userId, flagId, act } = await setUp('Flag Actions GmbH');
    await invite(db, { workspaceId, email: 'mara@flag-actions.example', role: 'marketing', invitedBy: { id: userId, name: 'O' }, locale: 'en' });
    // An invitation is not a membership yet.
    const unknown = await act({ action: 'assign', assigneeEmail: 'mara@flag-actions.example' }, 422);
    expect(unknown.errors?.map((error) => error.pointer)).toEqual(['/assigneeEmail']);

    const [owner] = await db.select().from(users).where(eq(users.id, userId));
    expect((await act({ action: 'assign', assigneeEmail: owner!.email.toUpperCase() }, 200)).assignee?.name).toBe(owner!.name);
    expect((await act({ action: 'contacted' }, 200)).status).toBe('contacted');
    expect((await act({ action: 'resolved', note: 'Visit planned, customer happy' }, 200)).status).toBe('resolved');
    expect((await act({ action: 'dismissed', note: 'Too late' }, 409)).title).toBe('The flag is closed.');

    const history = (await getFlag(db, workspaceId, flagId))!.history;
    expect(history.map((entry) => [entry.action, entry.note, entry.actorName])).toEqual([
      ['assigned', `${owner!.name} (API key “HubSpot”)`, null],
      ['contacted', 'API key “HubSpot”', null],
      ['resolved', 'Visit planned, customer happy (API key “HubSpot”)', null],
    ]);
  });

  it('refuses actions without a note where one is needed, and unknown actions, changing nothing', async () => {
    const { db } = database;
    const { workspaceId, flagId, act } = await setUp('Flag Refusals GmbH');
    for (const body of [{ action: 'resolved' }, { action: 'dismissed', note: '  ' }, { action: 'reopen' }, { action: 'contacted', note: 'x', actorUserId: 'me' }]) {
      const refused = await act(body, 422);
      expect(refused.errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    const flag = await getFlag(db, workspaceId, flagId);
    expect(flag?.status).toBe('open');
    expect(flag?.history).toEqual([]);
  });
});
