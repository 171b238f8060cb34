import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { suppressions } from '../../db/schema';

export type SuppressionReason = (typeof suppressions.$inferInsert)['reason'];

/**
 * Suppresses an address in a workspace for good (the first reason stays) and
 * cancels every survey email to it that is still waiting in the queue.
 * Messages already handed to the provider cannot be called back.
 */
export async function suppressAddress(db: Database, workspaceId: string, email: string, reason: SuppressionReason): Promise<void> {
  const address = email.trim().toLowerCase();
  if (!address) return;
  await db.insert(suppressions).values({ workspaceId, email: address, reason }).onConflictDoNothing();
  await db.execute(sql`update email_messages set status = 'cancelled', last_error = 'suppressed'
    where workspace_id = ${workspaceId} and lower(to_address) = ${address}
      and status = 'queued' and kind in ('invitation', 'reminder')`);
}
