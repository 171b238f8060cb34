import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { workspaceTiers } from '../../db/schema';
import { recordAudit } from '../auth/audit.server';

export { MAX_PROMISE_LENGTH } from './tier-limits';

/** A workspace's tiers, best first, each with what it is promised (null: nothing recorded). */
export async function listTierPromises(db: Database, workspaceId: string) {
  return db
    .select({ id: workspaceTiers.id, label: workspaceTiers.label, promise: workspaceTiers.promise })
    .from(workspaceTiers)
    .where(eq(workspaceTiers.workspaceId, workspaceId))
    .orderBy(asc(workspaceTiers.position));
}

export type TierPromisesResult = { ok: true } | { ok: false; error: 'tiers_changed' };

/**
 * Records what each tier is promised; `promises` come best first, one per
 * tier as the form showed them (a tier added or removed meanwhile refuses the
 * whole change). Only changed promises are written: an update of
 * workspace_tiers marks every cached quarter of the workspace as changed.
 */
export async function saveTierPromises(
  db: Database,
  workspaceId: string,
  actorUserId: string,
  promises: Array<{ tierId: string; promise: string | null }>,
): Promise<TierPromisesResult> {
  return db.transaction(async (tx) => {
    const tiers = await listTierPromises(tx, workspaceId);
    const sameTiers = tiers.length === promises.length && tiers.every((tier, index) => tier.id === promises[index]!.tierId);
    if (!sameTiers) return { ok: false, error: 'tiers_changed' } as const;
    const changed = promises.filter((entry, index) => (tiers[index]!.promise ?? null) !== entry.promise);
    for (const entry of changed) {
      await tx
        .update(workspaceTiers)
        .set({ promise: entry.promise })
        .where(and(eq(workspaceTiers.id, entry.tierId), eq(workspaceTiers.workspaceId, workspaceId), sql`${workspaceTiers.promise} is distinct from ${entry.promise}`));
    }
    if (changed.length > 0) {
      await recordAudit(tx, {
        workspaceId,
        actorUserId,
        action: 'tiers.promises_updated',
        subjectType: 'workspace',
        subjectId: workspaceId,
        details: { promises: tiers.map((tier, index) => ({ label: tier.label, promise: promises[index]!.promise })) },
      });
    }
    return { ok: true } as const;
  });
}
