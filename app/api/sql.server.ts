import { sql, type SQL } from 'drizzle-orm';
import type { Cursor } from './pagination';

// Timestamps in cursors are written by the shared keyset code.
export { isoTimestamp } from '../http/keyset.server';

/** The conditions of a keyset page over (`at`, `id`): changed since, and after the cursor. */
export function keysetConditions(at: SQL, id: SQL, page: { updated_since?: string; cursor?: Cursor | null }): SQL {
  return sql`(${page.updated_since ?? null}::timestamptz is null or ${at} >= ${page.updated_since ?? null}::timestamptz)
    and (${page.cursor?.at ?? null}::timestamptz is null or (${at}, ${id}) > (${page.cursor?.at ?? null}::timestamptz, ${page.cursor?.id ?? null}::uuid))`;
}

/** JSON columns come back parsed from one driver and as text from the other. */
export function jsonValue<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
