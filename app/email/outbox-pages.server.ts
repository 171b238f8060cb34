import { and, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { cursorId, cursorTimestamp, decodeCursor, isoTimestamp, keysetPage } from '../http/keyset.server';
import { emailMessages, type EmailKind } from '../../db/schema';
import type { OutboxEntry } from './outbox.server';

/** Where the next page of the outbox starts: the last row's sort key (created, id). */
const cursorShape = z.tuple([cursorTimestamp, cursorId]);

export interface OutboxPageOptions {
  workspaceId: string;
  /** Only these kinds (what the member may read); all kinds when undefined. */
  kinds?: readonly EmailKind[];
  /** Search in recipient and subject. */
  q?: string;
  after?: string;
  limit?: number;
}

/** Which messages the outbox list shows; the page and its count share it, so the count matches the search. */
function outboxFilters(options: OutboxPageOptions): SQL | undefined {
  const q = options.q?.trim();
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return and(
    eq(emailMessages.transport, 'outbox'),
    eq(emailMessages.workspaceId, options.workspaceId),
    options.kinds ? inArray(emailMessages.kind, [...options.kinds]) : undefined,
    pattern ? or(ilike(emailMessages.toAddress, pattern), ilike(emailMessages.subject, pattern)) : undefined,
  );
}

/**
 * One page of a workspace's outbox, newest first, with the number of messages
 * the search finds. Keyset pagination on (created_at, id) along the index
 * (workspace_id, created_at): page 100 costs what page 1 costs.
 */
export async function outboxPage(db: Database, options: OutboxPageOptions): Promise<{ rows: OutboxEntry[]; next: string | null; total: number }> {
  const limit = options.limit ?? 50;
  // A malformed cursor reads as none: the first page.
  const cursor = decodeCursor(cursorShape, options.after);
  const where = outboxFilters(options);
  const [rows, [count]] = await Promise.all([
    db
      .select({
        id: emailMessages.id,
        kind: emailMessages.kind,
        status: emailMessages.status,
        to: emailMessages.toAddress,
        subject: emailMessages.subject,
        link: emailMessages.link,
        createdAt: emailMessages.createdAt,
        // The cursor keeps the database's microseconds: a JavaScript Date rounds them to milliseconds and would skip or repeat rows.
        sortKey: isoTimestamp(emailMessages.createdAt),
      })
      .from(emailMessages)
      .where(and(where, cursor ? sql`(${emailMessages.createdAt}, ${emailMessages.id}) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : undefined))
      .orderBy(desc(emailMessages.createdAt), desc(emailMessages.id))
      .limit(limit + 1),
    db.select({ n: sql<number>`count(*)::int` }).from(emailMessages).where(where),
  ]);
  const page = keysetPage(rows, limit, (last) => [last.sortKey, last.id]);
  return { rows: page.rows.map(({ sortKey: _, ...row }) => row), next: page.next, total: Number(count?.n ?? 0) };
}
