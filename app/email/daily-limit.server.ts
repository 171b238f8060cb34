import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { emailMessages } from '../../db/schema';

/**
 * How many more emails a workspace may send today: its daily limit less
 * every message it queued in the last 24 hours (a rolling day, the same in
 * every time zone). Never below 0.
 */
export async function emailsLeftToday(db: Database, workspaceId: string, dailyLimit: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(emailMessages)
    .where(and(eq(emailMessages.workspaceId, workspaceId), gt(emailMessages.createdAt, sql`now() - interval '24 hours'`)));
  return Math.max(0, dailyLimit - Number(row?.n ?? 0));
}
