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

/**
 * Holds, until the transaction ends, the right to add campaign emails to one
 * workspace's day. A launch and a round of reminders take it before they
 * count what is left and queue, so two processes deciding at once cannot
 * both spend the same remainder; other workspaces are not held up.
 */
export async function lockWorkspaceEmailDay(tx: Database, workspaceId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`email-day:${workspaceId}`}, 0))`);
}
