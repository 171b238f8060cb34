import { and, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { emailMessages, type EmailKind } from '../../db/schema';
import type { OutboxEntry } from './outbox.server';

/** Where the next page of the outbox starts: the last row's sort key (created, id). */
interface OutboxCursor {
  createdAt: string;
  id: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encodeCursor(cursor: OutboxCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

/** A cursor from a URL, or undefined when it is missing or malformed (the first page then). */
function decodeCursor(text: string | null | undefined): OutboxCursor | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && !Number.isNaN(Date.parse(value[0])) && typeof value[1] === 'string' && uuid.test(value[1])) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  return undefined;
}

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
  const cursor = decodeCursor(options.after);
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
        sortKey: sql<string>`to_char(${emailMessages.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      })
      .from(emailMessages)
      .where(and(where, cursor ? sql`(${emailMessages.createdAt}, ${emailMessages.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : undefined))
      .orderBy(desc(emailMessages.createdAt), desc(emailMessages.id))
      .limit(limit + 1),
    db.select({ n: sql<number>`count(*)::int` }).from(emailMessages).where(where),
  ]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? encodeCursor({ createdAt: last.sortKey, id: last.id }) : null;
  return { rows: page.map(({ sortKey: _, ...row }) => row), next, total: Number(count?.n ?? 0) };
}
