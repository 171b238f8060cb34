import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { workspaces, workspaceTiers } from '../../db/schema';

/** A workspace's tiers, best first. */
export async function listTiers(db: Database, workspaceId: string) {
  return db
    .select({ id: workspaceTiers.id, position: workspaceTiers.position, label: workspaceTiers.label })
    .from(workspaceTiers)
    .where(eq(workspaceTiers.workspaceId, workspaceId))
    .orderBy(asc(workspaceTiers.position));
}

/** Tiers and ABC thresholds (shares between 0 and 1) of a workspace. */
export async function getTierSettings(db: Database, workspaceId: string) {
  const [thresholds] = await db
    .select({ a: workspaces.abcThresholdA, b: workspaces.abcThresholdB })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  return { tiers: await listTiers(db, workspaceId), thresholds: thresholds! };
}
