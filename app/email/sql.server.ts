import type { SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.server';

/**
 * Rows of a raw query on either driver: postgres.js returns the rows array
 * itself, PGlite returns `{ rows }`. Timestamps come back as strings from
 * postgres.js, so raw queries here select epoch numbers or ISO text instead.
 */
export async function selectRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}

/** Many rows as one parameter, for `json_to_recordset` (one statement, any number of rows, both drivers). */
export function jsonParam(rows: unknown[]): string {
  return JSON.stringify(rows);
}
