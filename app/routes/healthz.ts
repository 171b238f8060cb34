import { json } from '@remix-run/node';
import { sql } from 'drizzle-orm';
import { db } from '~/db.server';

/** Liveness and database check for load balancers: 200 when the database answers, else 503. */
export async function loader() {
  try {
    await Promise.race([
      db().execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000)),
    ]);
    return json({ status: 'ok', database: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    return json({ status: 'error', database: 'unavailable' }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
}
