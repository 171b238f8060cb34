import { z } from 'zod';
import { cursorTimestamp, decodeCursor as decodeKeyset, encodeCursor as encodeKeyset, keysetPage } from '../http/keyset.server';

// Keyset pagination for the list endpoints: rows come in ascending
// (changed at, id) order and the cursor names the last row sent, so a page
// never skips or repeats a row when rows are added meanwhile, and a CRM can
// keep the last cursor (or the last `updatedAt`) to fetch only what changed.

export const MAX_PAGE_SIZE = 500;

export interface Cursor {
  /** The row's timestamp as PostgreSQL text with microseconds (JavaScript dates keep only milliseconds). */
  at: string;
  id: string;
}

const cursorShape = z.object({ at: cursorTimestamp, id: z.uuid() });

export function encodeCursor(cursor: Cursor): string {
  return encodeKeyset({ at: cursor.at, id: cursor.id });
}

export function decodeCursor(text: string): Cursor | null {
  return decodeKeyset(cursorShape, text);
}

/** The query parameters every list endpoint takes. */
export const pageQuery = {
  limit: z.coerce
    .number({ error: 'a whole number from 1 to 500' })
    .int('a whole number from 1 to 500')
    .min(1, 'a whole number from 1 to 500')
    .max(MAX_PAGE_SIZE, 'a whole number from 1 to 500')
    .default(100)
    .describe('Rows per page, 1 to 500.'),
  cursor: z
    .string()
    .max(300, 'not a cursor of this API')
    .transform((text, ctx) => {
      const cursor = decodeCursor(text);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor of this API; pass nextCursor of the previous page unchanged' });
      return cursor ?? z.NEVER;
    })
    .optional()
    .describe('`nextCursor` of the previous page.'),
  updated_since: z.iso
    .datetime({ offset: true, error: 'an ISO 8601 date and time, e.g. 2026-10-01T00:00:00Z' })
    .optional()
    .describe('Only rows changed at or after this time (ISO 8601).'),
};

/** A page of rows and the cursor of the next page (null on the last). */
export const pageOf = <T extends z.ZodType>(row: T) =>
  z.object({ data: z.array(row), nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null when this was the last.') });

/** Splits `limit + 1` fetched rows into the page and its next cursor. */
export function toPage<T extends { cursorAt: string; id: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const page = keysetPage(rows, limit, (last) => ({ at: last.cursorAt, id: last.id }));
  return { rows: page.rows, nextCursor: page.next };
}
