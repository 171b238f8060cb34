import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { workspaceTiers } from '../../db/schema';

/** The labels of some of a workspace's tiers, best first (staff pages only; customers never see tiers). */
export async function tierLabels(db: Database, workspaceId: string, tierIds: string[]): Promise<string[]> {
  if (tierIds.length === 0) return [];
  const rows = await db
    .select({ label: workspaceTiers.label })
    .from(workspaceTiers)
    .where(and(eq(workspaceTiers.workspaceId, workspaceId), inArray(workspaceTiers.id, tierIds)))
    .orderBy(asc(workspaceTiers.position));
  return rows.map((row) => row.label);
}
