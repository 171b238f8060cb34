import type { Database } from '../../db/client.server';
import { auditLog } from '../../db/schema';

/** Records who did what to which subject; privacy requests and member changes go here. */
export async function recordAudit(
  db: Database,
  entry: { workspaceId: string; actorUserId: string | null; action: string; subjectType: string; subjectId?: string; details?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditLog).values(entry);
}
