import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { signUp } from '../../app/auth/accounts.server';
import { randomToken, tokenHash } from '../../app/auth/tokens.server';
import type { Database } from '../../db/client.server';
import { campaigns, customers, invitations, responses, surveyVersions, tierAssignments, workspaceTiers } from '../../db/schema';

export const PASSWORD = 'correct horse battery';

/** A workspace with its owner, made through sign-up as a user would. */
export async function createWorkspaceWithOwner(db: Database, name: string) {
  const email = `owner-${randomUUID().slice(0, 8)}@example.com`;
  const result = await signUp(db, { workspaceName: name, name: `Owner of ${name}`, email, password: PASSWORD, locale: 'en' });
  if (!result.ok) throw new Error(result.error);
  return { ...result, email };
}

/** One customer with a tier, a campaign, an invitation and a completed response. */
export async function createSurveyedCustomer(db: Database, workspaceId: string, label = 'Customer') {
  const [tier] = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspaceId)).limit(1);
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.workspaceId, workspaceId)).limit(1);
  const [customer] = await db
    .insert(customers)
    .values({ workspaceId, externalId: `X-${randomUUID().slice(0, 8)}`, name: label, email: `${randomUUID().slice(0, 8)}@example.com` })
    .returning();
  await db.insert(tierAssignments).values({ workspaceId, customerId: customer!.id, period: '2026-Q3', tierId: tier!.id, source: 'manual' });
  const [campaign] = await db
    .insert(campaigns)
    .values({ workspaceId, surveyVersionId: version!.id, name: `${label} campaign`, period: '2026-Q3', status: 'open' })
    .returning();
  const [invitation] = await db
    .insert(invitations)
    .values({ workspaceId, campaignId: campaign!.id, customerId: customer!.id, tokenHash: tokenHash(randomToken()) })
    .returning();
  await db.insert(responses).values({
    workspaceId,
    campaignId: campaign!.id,
    invitationId: invitation!.id,
    customerId: customer!.id,
    period: '2026-Q3',
    locale: 'en',
    status: 'completed',
    completedAt: new Date(),
    missUs: 'very',
  });
  return { customer: customer!, campaign: campaign!, invitation: invitation! };
}
