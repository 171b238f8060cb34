import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { customers, memberships } from '../../db/schema';
import { recordAudit } from '../auth/audit.server';
import { isUuid } from './customers.server';

export type AccountOwnerResult = { ok: true } | { ok: false; error: 'not_found' | 'unknown_member' };

/**
 * Sets (or, with null, clears) the member who looks after a customer. New
 * flags on the customer are assigned to them; flags already raised keep their
 * assignee. Only a member of the workspace can be an account owner.
 */
export async function setAccountOwner(
  db: Database,
  input: { workspaceId: string; customerId: string; accountOwnerId: string | null; actorUserId: string },
): Promise<AccountOwnerResult> {
  if (!isUuid(input.customerId)) return { ok: false, error: 'not_found' };
  if (input.accountOwnerId !== null) {
    const [member] = await db
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.accountOwnerId)));
    if (!member) return { ok: false, error: 'unknown_member' };
  }
  const updated = await db
    .update(customers)
    .set({ accountOwnerId: input.accountOwnerId })
    .where(and(eq(customers.id, input.customerId), eq(customers.workspaceId, input.workspaceId), isNull(customers.erasedAt)))
    .returning({ id: customers.id });
  if (updated.length === 0) return { ok: false, error: 'not_found' };
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actorUserId: input.actorUserId,
    action: 'customer.account_owner_set',
    subjectType: 'customer',
    subjectId: input.customerId,
    details: { accountOwnerId: input.accountOwnerId },
  });
  return { ok: true };
}
