import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app';
import { createTestCampaign } from '../support/campaign-fixtures';
import { importCsv } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { eq } from 'drizzle-orm';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import { customers, invitations } from '../../db/schema';
import { postStep } from '../support/survey-fixtures';

// A new workspace's overview lists the first steps and ticks them off from its data.

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

/** The checklist's items as "done/open: text", read from the overview's HTML. */
function steps(html: string): string[] {
  const list = /<ol class="checklist"[^>]*>([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li data-done="(true|false)">([\s\S]*?)<\/li>/g)].map(
    ([, done, body]) => `${done === 'true' ? 'done' : 'open'}: ${body!.replace(/<[^>]+>/g, '').replace(/\s*\((erledigt|offen)\)/, '').replace(/[✓○]/, '').trim()}`,
  );
}

describe('the first steps on the overview', () => {
  it('tick themselves off as customers, a campaign and answers arrive', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Erste Schritte GmbH');
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    const overview = async () => (await client.get('/app')).text();

    const empty = await overview();
    expect(steps(empty)).toEqual([
      'open: Kunden und ihre Stufen importieren.',
      'open: Die erste Kampagne versenden.',
      'open: Die ersten Antworten erhalten.',
      'open: Die erste Quartalsauswertung lesen (ab 10 Antworten in einer Stufe).',
    ]);
    // Step 1 leads to the import.
    expect(empty).toContain('href="/app/customers/import"');

    await importCsv(database.db, owner.workspaceId, 'customer_id,email,tier\nE-1,e1@kunde.example,A\nE-2,e2@kunde.example,C', { period: '2026-Q4' });
    expect(steps(await overview()).map((step) => step.slice(0, 4))).toEqual(['done', 'open', 'open', 'open']);

    const campaign = await createTestCampaign(database.db, owner.workspaceId, { status: 'open' });
    expect(steps(await overview()).map((step) => step.slice(0, 4))).toEqual(['done', 'done', 'open', 'open']);

    const [customer] = await database.db.select().from(customers).where(eq(customers.workspaceId, owner.workspaceId)).limit(1);
    // The campaign's invitation to one customer (what sending makes), answered through the survey's pages.
    const { token, tokenHash } = createInvitationToken();
    await database.db.insert(invitations).values({ workspaceId: owner.workspaceId, campaignId: campaign.id, customerId: customer!.id, tokenHash, status: 'delivered' });
    const customerClient = app.client();
    const answered: Array<Record<string, string>> = [{ miss_us: 'very' }, {}, {}, {}, {}];
    for (const [step, answers] of answered.entries()) {
      expect((await postStep(customerClient, `/s/${token}`, step, answers, { lang: 'de' })).status).toBe(303);
    }
    expect(steps(await overview()).map((step) => step.slice(0, 4))).toEqual(['done', 'done', 'done', 'open']);
  });
});
