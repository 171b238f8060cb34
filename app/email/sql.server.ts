export { selectRows } from '../../db/client.server';

/** Many rows as one parameter, for `json_to_recordset` (one statement, any number of rows, both drivers). */
export function jsonParam(rows: unknown[]): string {
  return JSON.stringify(rows);
}
