import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { workspaces } from '../../db/schema';
import { recordAudit } from '../auth/audit.server';
import { DEFAULT_CONTACT_DAYS } from './contact-rule';

/** The workspace's contact rule in days (0: no limit). */
export async function contactRuleOf(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db.select({ days: workspaces.surveyCooldownDays }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return row?.days ?? DEFAULT_CONTACT_DAYS;
}

/** Sets the contact rule (the owner's; the route checks the role) and records who did it. */
export async function setContactRule(db: Database, workspaceId: string, actorUserId: string, days: number): Promise<void> {
  await db.update(workspaces).set({ surveyCooldownDays: days }).where(eq(workspaces.id, workspaceId));
  await recordAudit(db, { workspaceId, actorUserId, action: 'campaigns.contact_rule_set', subjectType: 'workspace', subjectId: workspaceId, details: { days } });
}
