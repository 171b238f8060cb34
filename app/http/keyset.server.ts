import { sql, type SQLWrapper } from 'drizzle-orm';
import { z } from 'zod';

// Keyset pagination, shared by every list that pages (the staff lists and the
// API): a page ends with the sort key of its last row, written into the URL
// as an opaque cursor, and the next page starts after that key. A cursor
// comes back from a URL, so it is hostile input: it is decoded through a zod
// shape, and anything else — not base64url, not JSON, another list's cursor,
// a value that would break the SQL cast — reads as no cursor (null).

/** Longest cursor text read; longer ones are refused unread. */
export const MAX_CURSOR_LENGTH = 500;

/** The sort key of a list's last row as an opaque, URL-safe cursor. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor's sort key checked against `shape`, or null when the text is missing, malformed or of another shape. */
export function decodeCursor<T extends z.ZodType>(shape: T, text: string | null | undefined): z.output<T> | null {
  if (!text || text.length > MAX_CURSOR_LENGTH) return null;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A timestamp in a cursor: ISO 8601 in UTC with microseconds, as
 * `isoTimestamp` writes it (a JavaScript Date keeps only milliseconds, and
 * a cursor rounded to them would skip or repeat rows).
 */
export const cursorTimestamp = z.iso.datetime({ offset: true, precision: 6 });

/** A row id in a cursor: any UUID PostgreSQL stores, whatever its version. */
export const cursorId = z.guid();

/** A timestamp column as ISO 8601 text in UTC with microseconds, made by PostgreSQL (the two drivers return timestamps differently). */
export const isoTimestamp = (column: SQLWrapper) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Splits `limit + 1` fetched rows into the page and the cursor after its last row (null on the last page). */
export function keysetPage<T>(rows: T[], limit: number, keyOf: (row: T) => unknown): { rows: T[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
