import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { signUp } from '../../app/auth/accounts.server';
import { verifyWorkspaceEmail } from '../../app/auth/email-verification.server';
import { randomToken, tokenHash } from '../../app/auth/tokens.server';
import type { Database } from '../../db/client.server';
import { campaigns, customers, emailMessages, invitations, responses, surveyVersions, tierAssignments, workspaceTiers } from '../../db/schema';

export const PASSWORD = 'correct horse battery';

/**
 * A workspace with its owner, made through sign-up as a user would; the owner
 * follows the link of the confirmation email (unless `verified: false`).
 */
export async function createWorkspaceWithOwner(db: Database, name: string, options: { verified?: boolean } = {}) {
  const email = `owner-${randomUUID().slice(0, 8)}@example.com`;
  const result = await signUp(db, { workspaceName: name, name: `Owner of ${name}`, email, password: PASSWORD, locale: 'en', appUrl: TEST_APP_URL });
  if (!result.ok) throw new Error(result.error);
  if (options.verified !== false) await followVerificationLink(db, email);
  return { ...result, email };
}

const TEST_APP_URL = 'http://localhost:3000';

/** The link of the newest confirmation email to an address, as the outbox holds it. */
export async function verificationLink(db: Database, to: string): Promise<string> {
  const [message] = await db
    .select({ link: emailMessages.link })
    .from(emailMessages)
    .where(and(eq(emailMessages.toAddress, to), eq(emailMessages.kind, 'email_verification')))
    .orderBy(desc(emailMessages.createdAt))
    .limit(1);
  if (!message?.link) throw new Error(`no confirmation email to ${to}`);
  return message.link;
}

/** Follows the confirmation link emailed to an owner, as clicking it would. */
export async function followVerificationLink(db: Database, to: string): Promise<void> {
  const token = new URL(await verificationLink(db, to)).pathname.split('/').pop()!;
  if (!(await verifyWorkspaceEmail(db, token))) throw new Error(`the confirmation link to ${to} was refused`);
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
